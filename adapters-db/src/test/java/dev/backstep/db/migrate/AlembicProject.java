package dev.backstep.db.migrate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A real alembic project written for a test (the alembic tests here and the examples' runbooks):
 * every project shares one {@code alembic.ini} and one {@code migrations/env.py} (the database URL
 * from {@code <PREFIX>_DB_URL}, its password from {@code <PREFIX>_DB_PASSWORD}), and each revision
 * file is written from its revision, down revision and SQL. Real alembic runs what it writes.
 *
 * <pre>{@code
 * Revision customers = new Revision("0001_customers", "create customers", "0001", null,
 *         List.of("CREATE TABLE customers (id INT PRIMARY KEY)"), List.of("DROP TABLE customers"));
 * Path app = AlembicProject.write(tmp.resolve("app"), "SHOP", customers);
 * }</pre>
 */
public final class AlembicProject {
    private static final String TEMPLATE = "/alembic/project/";

    private AlembicProject() {
    }

    /**
     * Writes {@code alembic.ini}, {@code migrations/env.py} and {@code revisions} into {@code dir}
     * (created if missing); the environment variables are {@code prefix + "_DB_URL"} and
     * {@code prefix + "_DB_PASSWORD"}.
     */
    public static Path write(Path dir, String prefix, Revision... revisions) throws IOException {
        Files.createDirectories(dir.resolve("migrations/versions"));
        Files.writeString(dir.resolve("alembic.ini"), template("alembic.ini").replace("@PREFIX@", prefix));
        Files.writeString(dir.resolve("migrations/env.py"), template("migrations/env.py"));
        for (Revision r : revisions) {
            r.writeTo(dir);
        }
        return dir;
    }

    private static String template(String name) throws IOException {
        try (InputStream in = AlembicProject.class.getResourceAsStream(TEMPLATE + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + TEMPLATE + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * One alembic revision: {@code migrations/versions/<file>.py} whose {@code upgrade()} executes
     * {@code upgrade} in order and whose {@code downgrade()} executes {@code downgrade};
     * {@code downRevision} is null for the first revision.
     */
    public record Revision(String file, String doc, String revision, String downRevision, List<String> upgrade,
                           List<String> downgrade) {
        public Revision {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(revision, "revision");
            upgrade = List.copyOf(upgrade);
            downgrade = List.copyOf(downgrade);
        }

        /** Writes this revision's file into {@code app}'s {@code migrations/versions}; returns the file. */
        public Path writeTo(Path app) {
            List<String> lines = new ArrayList<>();
            lines.add("\"\"\"" + doc + "\"\"\"");
            lines.add("from alembic import op");
            lines.add("");
            lines.add("revision = " + python(revision));
            lines.add("down_revision = " + (downRevision == null ? "None" : python(downRevision)));
            lines.add("branch_labels = None");
            lines.add("depends_on = None");
            function(lines, "upgrade", upgrade);
            function(lines, "downgrade", downgrade);
            Path to = app.resolve("migrations/versions/" + file + ".py");
            try {
                Files.writeString(to, String.join("\n", lines) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return to;
        }

        private static void function(List<String> lines, String name, List<String> statements) {
            lines.add("");
            lines.add("");
            lines.add("def " + name + "():");
            if (statements.isEmpty()) {
                lines.add("    pass");
            }
            for (String sql : statements) {
                lines.add("    op.execute(" + python(sql) + ")");
            }
        }

        private static String python(String s) {
            return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
        }
    }
}
