package dev.backstep;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Identifies one run of a plan. Generated ids sort by start time
 * ({@code 20261122-014500-3f9a1c}) and are safe as file names.
 *
 * <pre>{@code
 * RunResult r = runner.run(plan);
 * runner.rollback(RunId.of(r.runId().value()));
 * }</pre>
 */
public record RunId(String value) implements Comparable<RunId> {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    public RunId {
        Objects.requireNonNull(value, "run id");
        if (!SAFE.matcher(value).matches()) {
            throw new BackstepException("invalid run id '" + value
                    + "': use letters, digits, '.', '_' and '-' (at most 128)");
        }
    }

    public static RunId of(String value) {
        return new RunId(value);
    }

    /** A new id that starts with the UTC time and ends with random hex. */
    public static RunId generate(Instant now) {
        return new RunId(STAMP.format(now) + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24)));
    }

    @Override
    public int compareTo(RunId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
