package dev.backstep.db;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Secret;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The passwords this process knows, by database id ({@code postgres://deploy@db.internal:5432/shop},
 * {@code mariadb://app@127.0.0.1:3306/shop}, {@code h2:jdbc:h2:file:/srv/app/db}). Compensations
 * of database steps rebuild their connection from recorded values, which never hold a password;
 * they look the password up here first, then in the environment variable the connection named
 * ({@link DbConnection#fromEnv}), else they connect without one.
 *
 * <p>A database step registers its connection's password here when it runs (memory only), so a
 * rollback in the same process finds it. A process that rolls back or recovers runs from the
 * journal registers the passwords itself before calling {@code runner.rollback} or
 * {@code runner.recover()}:
 *
 * <pre>{@code
 * Db.credentials().register(DbConnection.of("db.internal", 5432, "shop", "deploy", Secret.of(pw)));
 * runner.recover();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class DbCredentials {
    static final DbCredentials INSTANCE = new DbCredentials();
    private final ConcurrentHashMap<String, Secret> byId = new ConcurrentHashMap<>();

    private DbCredentials() {
    }

    /** The id under which a connection's password is kept, for example {@code postgres://u@h:5432/db}. */
    public static String id(DbEngine engine, DbConnection c) {
        return engine.id() + "://" + c.user() + "@" + c.host() + ":" + c.port() + "/" + c.database();
    }

    /** Remembers the password of {@code connection} for PostgreSQL and MariaDB, when it has one. */
    public DbCredentials register(DbConnection connection) {
        connection.password().ifPresent(p -> {
            byId.put(id(DbEngine.POSTGRES, connection), p);
            byId.put(id(DbEngine.MARIADB, connection), p);
        });
        return this;
    }

    /** Remembers {@code password} for the database {@code id}. */
    public DbCredentials register(String id, Secret password) {
        byId.put(PlanDefinitionException.requireNonNull(id, null, "the credentials id"), PlanDefinitionException.requireNonNull(password, null, "the password"));
        return this;
    }

    /** Forgets the password of {@code id}. */
    public DbCredentials remove(String id) {
        byId.remove(id);
        return this;
    }

    /** The password registered for {@code id}. */
    public Optional<Secret> lookup(String id) {
        return Optional.ofNullable(byId.get(id));
    }
}
