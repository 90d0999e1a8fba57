package dev.backstep.db.journal;

import dev.backstep.db.journal.PostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

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
    private final String role;
    private final String password;
    private EmbeddedPostgres pg;

    /** A server with the embedded defaults: every role connects from localhost without a password. */
    public PostgresServer() {
        this(dataDir -> {
        }, null, null);
    }

    private PostgresServer(Consumer<File> dataDirectory, String role, String password) {
        this.dataDirectory = dataDirectory;
        this.role = role;
        this.password = password;
    }

    /**
     * A server where the superuser connects without a password and every other role must give its
     * password (scram-sha-256), with the login role {@code role} identified by {@code password}.
     */
    public static PostgresServer withPasswordRole(String role, String password) {
        return new PostgresServer(PostgresServer::passwordsForApplications, role, password);
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
    public void beforeAll(ExtensionContext context) throws IOException, SQLException {
        pg = EmbeddedPostgres.builder().setDataDirectoryCustomizer(dataDirectory).start();
        if (role != null) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres",
                    "postgres", ""); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (pg != null) {
            pg.close();
        }
    }

    /** A fresh database {@code name} on the started server, as a data source of the superuser. */
    public DataSource freshDatabase(String name) throws Exception {
        return TestDatabases.postgres(pg, name);
    }

    /** The port the started server listens on. */
    public int getPort() {
        return pg.getPort();
    }
}
