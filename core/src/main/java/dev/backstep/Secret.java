package dev.backstep;

import java.util.Objects;

/**
 * A value that must never appear in argv, logs, the journal, reports or exception messages.
 * Pass secrets to commands as environment variables; every occurrence of the value in captured
 * output and errors is replaced by {@code ****}.
 *
 * <pre>{@code
 * Command.of("mysql", "-u", "app", "shop").env("MYSQL_PWD", Secret.of(password));
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} never reveals the value.
 */
public final class Secret {
    /** What secret values are replaced with. */
    public static final String MASK = "****";
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "secret value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The clear value: hand it only to the process that needs it. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return MASK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
