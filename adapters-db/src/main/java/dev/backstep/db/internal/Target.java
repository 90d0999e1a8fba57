package dev.backstep.db.internal;

import dev.backstep.Secret;
import dev.backstep.StepContext;
import dev.backstep.db.DbEngine;
import dev.backstep.db.DbException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One database as steps see it: engine, connection facts (recordable), the password (memory
 * only), the directory of the client programs and extra client options.
 */
public record Target(DbEngine engine, String host, int port, String database, String user, String passwordEnv,
                     String url, String binDir, List<String> clientOptions, Secret password) {

    public static final String K_ENGINE = "db.engine";
    public static final String K_HOST = "db.host";
    public static final String K_PORT = "db.port";
    public static final String K_DATABASE = "db.database";
    public static final String K_USER = "db.user";
    public static final String K_PASSWORD_ENV = "db.passwordEnv";
    public static final String K_URL = "db.url";
    public static final String K_BIN = "db.bin";
    public static final String K_OPTIONS = "db.clientOptions";

    public Target {
        clientOptions = List.copyOf(clientOptions);
    }

    /** {@code postgres://user@host:port/db}, {@code sqlite:/path}, {@code h2:jdbc:h2:...}. */
    public String id() {
        switch (engine) {
            case POSTGRES:
            case MARIADB:
                return engine.id() + "://" + user + "@" + host + ":" + port + "/" + database;
            case SQLITE:
                return "sqlite:" + database;
            default:
                return "h2:" + url;
        }
    }

    public boolean isServer() {
        return engine == DbEngine.POSTGRES || engine == DbEngine.MARIADB;
    }

    public Target withBinDir(Path dir) {
        return new Target(engine, host, port, database, user, passwordEnv, url, dir.toString(), clientOptions,
                password);
    }

    public Target withClientOptions(List<String> options) {
        return new Target(engine, host, port, database, user, passwordEnv, url, binDir, options, password);
    }

    /** The program {@code name}, from {@link #binDir} when set, else from the PATH. */
    public String program(String name) {
        return binDir == null ? name : Path.of(binDir).resolve(name).toString();
    }

    /** The password to use now: the in-memory one, the registry's, the environment's, or none. */
    public Optional<Secret> resolvePassword() {
        if (password != null) {
            return Optional.of(password);
        }
        Optional<Secret> registered = dev.backstep.db.Db.credentials().lookup(id());
        if (registered.isPresent()) {
            return registered;
        }
        if (passwordEnv != null) {
            String v = System.getenv(passwordEnv);
            if (v != null) {
                return Optional.of(Secret.of(v));
            }
        }
        return Optional.empty();
    }

    /** Records everything but the password. */
    public void record(StepContext ctx) {
        ctx.recordAll(values()); // one durable journal write, not one per value
    }

    /** What {@link #record} records, in order. */
    public Map<String, String> values() {
        Map<String, String> v = new java.util.LinkedHashMap<>();
        v.put(K_ENGINE, engine.id());
        v.put(K_DATABASE, database);
        v.put(K_URL, url);
        if (host != null) {
            v.put(K_HOST, host);
            v.put(K_PORT, String.valueOf(port));
        }
        if (user != null) {
            v.put(K_USER, user);
        }
        if (passwordEnv != null) {
            v.put(K_PASSWORD_ENV, passwordEnv);
        }
        if (binDir != null) {
            v.put(K_BIN, binDir);
        }
        if (!clientOptions.isEmpty()) {
            v.put(K_OPTIONS, String.join("\n", clientOptions));
        }
        return v;
    }

    /** The target a step recorded, or empty when it crashed before recording it. */
    public static Optional<Target> recorded(StepContext ctx) {
        Map<String, String> v = ctx.recordedValues();
        if (!v.containsKey(K_ENGINE) || !v.containsKey(K_URL)) {
            return Optional.empty();
        }
        try {
            DbEngine engine = DbEngine.ofId(v.get(K_ENGINE));
            String opts = v.get(K_OPTIONS);
            List<String> options = opts == null || opts.isEmpty() ? List.of() : new ArrayList<>(List.of(opts.split("\n")));
            return Optional.of(new Target(engine, v.get(K_HOST),
                    v.containsKey(K_PORT) ? Integer.parseInt(v.get(K_PORT)) : 0, v.get(K_DATABASE), v.get(K_USER),
                    v.get(K_PASSWORD_ENV), v.get(K_URL), v.get(K_BIN), options, null));
        } catch (NumberFormatException e) {
            throw new DbException(ctx.stepName(), "recorded port '" + v.get(K_PORT) + "' is not a number");
        }
    }

    @Override
    public String toString() {
        return id();
    }
}
