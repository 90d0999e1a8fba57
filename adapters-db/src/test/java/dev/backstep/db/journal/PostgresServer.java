package dev.backstep.db.journal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded PostgreSQL server started once before a test class's {@code @BeforeAll} methods
 * and closed after its {@code @AfterAll} methods.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresServer pg = new PostgresServer();
 * ... DbConnection.of("localhost", pg.getPort(), "postgres", "postgres", secret)
 * }</pre>
 */
public final class PostgresServer implements BeforeAllCallback, AfterAllCallback {
    private final Consumer<File> dataDirectory;
    private EmbeddedPostgres pg;

    /** A server with the embedded defaults: every role connects from localhost without a password. */
    public PostgresServer() {
        this(dataDir -> {
        });
    }

    private PostgresServer(Consumer<File> dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    /** A server where the superuser connects without a password; every other role must give its password. */
    public static PostgresServer withPasswords() {
        return new PostgresServer(PostgresServer::passwordsForApplications);
    }

    static void passwordsForApplications(File dataDir) {
        try {
            Files.writeString(dataDir.toPath().resolve("pg_hba.conf"), String.join("\n",
                    "local all postgres trust",
                    "host all postgres 127.0.0.1/32 trust",
                    "host all postgres ::1/128 trust",
                    "host all all 127.0.0.1/32 scram-sha-256",
                    "host all all ::1/128 scram-sha-256", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        pg = EmbeddedPostgres.builder().setDataDirectoryCustomizer(dataDirectory).start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (pg != null) {
            pg.close();
        }
    }

    /** The port the started server listens on. */
    public int getPort() {
        return pg.getPort();
    }
}
