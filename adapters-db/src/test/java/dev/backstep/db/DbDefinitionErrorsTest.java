package dev.backstep.db;


import dev.backstep.PlanDefinitionException;
import dev.backstep.Secret;
import dev.backstep.db.journal.JdbcJournal;
import dev.backstep.db.journal.JdbcLock;
import dev.backstep.db.migrate.Migrations;
import dev.backstep.testkit.DefinitionMistakes;
import dev.backstep.testkit.DefinitionMistakes.Mistake;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every definition mistake the database adapter's factories and builders can be given, from one
 * table: each is a {@link PlanDefinitionException} (not a {@link DbException} without a step),
 * naming the step when there is one and the offending value, never a password, thrown before the
 * database file, the snapshot directory or the H2 database changed.
 */
class DbDefinitionErrorsTest {
    static final String PASSWORD = "pw-s3cr3t-4711";

    @TempDir
    static Path tmp;

    /** One mistake: {@code "=message"} for the exact message, else the fragments it holds. */
    static Mistake m(String what, Runnable call, String step, String... fragments) {
        return fragments.length == 1 && fragments[0].startsWith("=")
                ? Mistake.exact(what, call, step, fragments[0].substring(1))
                : Mistake.containing(what, call, step, fragments);
    }

    static List<Mistake> mistakes(Database sqlite, JdbcDataSource h2) {
        Path backups = tmp.resolve("backups");
        Secret secret = Secret.of(PASSWORD);
        Database maria = Db.mariadb(DbConnection.of("db", 3306, "shop", "app", secret));
        String snapshot = sqlite.snapshot(backups).name();
        return List.of(
                m("a blank host", () -> DbConnection.of(" ", 5432, "shop", "app", secret), null,
                        "=the host of a database connection is blank, was ' '"),
                m("a port out of range", () -> DbConnection.of("db", 70000, "shop", "app", secret), null,
                        "=port must be between 1 and 65535, was 70000"),
                m("a database name that is an option", () -> DbConnection.withoutPassword("db", 5432, "-shop", "app"),
                        null, "=the database '-shop' starts with '-' or holds whitespace"),
                m("a null password", () -> DbConnection.of("db", 5432, "shop", "app", null), null,
                        "=the password is null"),
                m("an env name that is none", () -> DbConnection.fromEnv("db", 5432, "shop", "app", "NOT A NAME"),
                        null, "='NOT A NAME' is not an environment variable name"),
                m("an H2 URL with a password", () -> Db.h2("jdbc:h2:mem:x;PASSWORD=" + PASSWORD), null,
                        "the H2 URL must not hold a password"),
                m("a URL that is not H2, with user info", () -> Db.h2("jdbc:postgresql://app:" + PASSWORD + "@db/shop"),
                        null, "an H2 URL starts with jdbc:h2:, was jdbc:postgresql://app:****@db/shop"),
                m("a client option naming a password", () -> maria.clientOptions("--skip-ssl", "--password=" + PASSWORD),
                        null, "client option #2 '--password' names a password"),
                m("a blank SQL statement", () -> sqlite.sql(" "), null, "=the SQL statement is blank, was ' '"),
                m("a null SQL statement", () -> sqlite.sql(null), null, "=the SQL statement is null"),
                m("a blank table to count", () -> sqlite.check().rowCount(" "), null,
                        "the table name of a row count check on", "is blank, was ' '"),
                m("row count bounds upside down", () -> sqlite.check().rowCount("orders").between(5, 1), null,
                        "row count bounds of orders on", "are wrong: 5..1"),
                m("a zero snapshot age", () -> sqlite.snapshot(backups).restoreOnRollback(Duration.ZERO), snapshot,
                        "=step '" + snapshot + "': the maximum age of a snapshot restored on rollback must be positive,"
                                + " was PT0S"),
                m("a null snapshot directory", () -> sqlite.snapshot(null), null, "=the snapshot directory is null"),
                m("a missing client program directory", () -> sqlite.binaries(tmp.resolve("no-bin")), null,
                        "=client program directory " + tmp.resolve("no-bin") + " does not exist"),
                m("a bad alembic target", () -> Migrations.alembic(tmp).target("head; rm"), "alembic upgrade",
                        "=step 'alembic upgrade': invalid alembic target 'head; rm'"),
                m("a blank artisan step name", () -> Migrations.artisan(tmp).withName(" "), "artisan migrate",
                        "=step 'artisan migrate': a step needs a non-blank name, was ' '"),
                m("a zero alembic timeout", () -> Migrations.alembic(tmp).timeout(Duration.ZERO), null,
                        "=timeout must be positive, was PT0S"),
                m("a secret env var named twice", () -> Migrations.alembic(tmp).env("DB_URL", "x")
                        .env("DB_URL", secret), null, "=environment variable DB_URL is already set as a plain value"),
                m("no flyway location", () -> Migrations.flyway(h2), null,
                        "=flyway needs at least one location (classpath:db/migration, filesystem:/path)"),
                m("a bad flyway history table", () -> Migrations.flyway(h2, "classpath:db/migration")
                        .table("x;drop"), "flyway migrate", "=step 'flyway migrate': invalid flyway history table name"
                        + " 'x;drop'"),
                m("a bad journal table", () -> JdbcJournal.create(h2, "bad table"), null,
                        "invalid table name 'bad table'"),
                m("a lock TTL of 5 ms", () -> JdbcLock.builder(h2).ttl(Duration.ofMillis(5)), null,
                        "=lock TTL must be at least 100 ms, was PT0.005S"),
                m("a blank lock host", () -> JdbcLock.builder(h2).host(" "), null,
                        "=lock host name must be 1 to 255 characters, was ' '"),
                m("a null data source", () -> JdbcLock.builder(null), null, "=the data source is null"));
    }

    @TestFactory
    Stream<DynamicTest> everyDefinitionMistakeIsAPlanDefinitionExceptionNamingTheValue() throws Exception {
        Path file = tmp.resolve("shop.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)");
            s.execute("INSERT INTO orders VALUES (1), (2)");
        }
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:definitions;DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        Database sqlite = Db.sqlite(file);
        DefinitionMistakes check = DefinitionMistakes.leaving(tmp).alsoLeaving("the H2 tables", () -> tables(h2))
                .neverShowing(PASSWORD).notA(DbException.class);
        return mistakes(sqlite, h2).stream().map(m -> DynamicTest.dynamicTest(m.what(), () -> check.refuses(m)));
    }

    static List<String> tables(JdbcDataSource h2) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        try (Connection c = h2.getConnection(); ResultSet r = c.getMetaData().getTables(null, null, "%",
                new String[] {"TABLE"})) {
            while (r.next()) {
                out.add(r.getString("TABLE_NAME"));
            }
        }
        return out;
    }
}
