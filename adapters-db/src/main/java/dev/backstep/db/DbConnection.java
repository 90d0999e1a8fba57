package dev.backstep.db;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Secret;
import java.util.Optional;

/**
 * Where a server database lives and who connects: host, port, database, user and a password.
 * The password is a {@link Secret}: it reaches programs only as an environment variable
 * ({@code PGPASSWORD}, {@code MYSQL_PWD}) and JDBC only as a connection property; it never
 * appears in argv, logs, the journal, reports or exception messages.
 *
 * <p>The journal records everything but the password. For a rollback or recovery in another
 * process the password comes from {@link Db#credentials()} (the host registers it) or from the
 * environment variable named by {@link #fromEnv}, whose <em>name</em> is recorded.
 *
 * <pre>{@code
 * DbConnection shop = DbConnection.of("db.internal", 5432, "shop", "deploy", Secret.of(System.getenv("SHOP_DB_PW")));
 * DbConnection same = DbConnection.fromEnv("db.internal", 5432, "shop", "deploy", "SHOP_DB_PW");
 * }</pre>
 *
 * <p>Immutable; {@link #toString()} shows no password.
 */
public final class DbConnection {
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final Secret password;
    private final String passwordEnv;

    private DbConnection(String host, int port, String database, String user, Secret password, String passwordEnv) {
        this.host = require("host", host);
        if (port < 1 || port > 65535) {
            throw new PlanDefinitionException(null, null, "port must be between 1 and 65535, was " + port);
        }
        this.port = port;
        this.database = require("database", database);
        this.user = require("user", user);
        this.password = password;
        this.passwordEnv = passwordEnv;
    }

    private static String require(String what, String v) {
        if (v == null || v.isBlank()) {
            throw new PlanDefinitionException(null, null, "the " + what + " of a database connection is blank, was "
                    + (v == null ? null : "'" + v + "'"));
        }
        if (v.startsWith("-") || v.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new PlanDefinitionException(null, null, "the " + what + " '" + v + "' starts with '-' or holds whitespace");
        }
        return v;
    }

    /** A connection with a password given now (kept in memory only). */
    public static DbConnection of(String host, int port, String database, String user, Secret password) {
        return new DbConnection(host, port, database, user, PlanDefinitionException.requireNonNull(password, null, "the password"), null);
    }

    /** A connection without a password (trust, peer or certificate authentication). */
    public static DbConnection withoutPassword(String host, int port, String database, String user) {
        return new DbConnection(host, port, database, user, null, null);
    }

    /**
     * A connection whose password is read from the environment variable {@code envName} whenever
     * it is needed, in this process or in one that rolls the run back later. The name is recorded
     * in the journal, the value never.
     */
    public static DbConnection fromEnv(String host, int port, String database, String user, String envName) {
        if (envName == null || envName.isBlank() || !envName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new PlanDefinitionException(null, null, "'" + envName + "' is not an environment variable name");
        }
        return new DbConnection(host, port, database, user, null, envName);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    /** The password given to {@link #of}, if any (not the environment variable's value). */
    public Optional<Secret> password() {
        return Optional.ofNullable(password);
    }

    /** The environment variable the password is read from, if any. */
    public Optional<String> passwordEnv() {
        return Optional.ofNullable(passwordEnv);
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + database;
    }
}
