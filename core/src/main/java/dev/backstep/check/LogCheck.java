package dev.backstep.check;

import dev.backstep.PlanDefinitionException;
import dev.backstep.RunId;
import dev.backstep.Secret;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.check.internal.LogMasking;
import dev.backstep.check.internal.Polling;
import dev.backstep.check.internal.Texts;
import dev.backstep.spi.AbstractStep;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Passes when no line of a log written {@link #since since the run or the check started} matches
 * a regular expression ("no ERROR in the app log since the deploy"). Reads a file
 * ({@link Check#log(java.nio.file.Path)}), or any {@link LogSource}: the systemd adapter's
 * {@code Systemd.logs(unit)} reads a unit's journal, the Docker adapter's {@code Compose.logs(service)}
 * a service's output. Immutable, except that it keeps the log position it took when the runner
 * validated the plan until the check runs.
 *
 * <pre>{@code
 * Step noErrors = Check.log(Path.of("/var/log/shop/app.log"))
 *     .since(Since.RUN_START).noneMatch("ERROR|FATAL|Exception")
 *     .during(Duration.ofSeconds(30))          // keep watching for 30 s, fail at the first match
 *     .masking(Secret.of(dbPassword));
 * }</pre>
 *
 * <p>{@link Since#RUN_START} takes the log's position when the runner validates the plan, right
 * before the first step; {@link Since#STEP_START} when the check starts. Without {@link #during}
 * the log is read once; with it, it is read again every {@link #every} until the time is up, and
 * the check fails as soon as a line matches. A failure quotes the first matching lines, secrets
 * masked (the values given to {@link #masking}, the values of {@code password=}, {@code token:}
 * and the like, bearer tokens, passwords in URIs): {@code file /var/log/shop/app.log: expected no
 * line matching /ERROR/ since the run started but found 2, first: "ERROR db password=****
 * rejected", "ERROR retry"}.
 */
public final class LogCheck extends AbstractStep implements VerificationStep {
    /** The {@link #type()} of log checks, whatever their source. */
    public static final String TYPE = "check.log";
    /** How many matching lines a failure quotes. */
    public static final int QUOTED_LINES = 3;
    private static final int QUOTED_CHARS = 200;
    private static final int MAX_MARKS = 1024;
    private static final DateTimeFormatter RUN_ID_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS");

    private final LogSource source;
    private final Since since;
    private final Pattern pattern;
    private final Duration during;
    private final Duration every;
    private final String name; // as given; null: the name says what it looks for
    private final List<Secret> secrets;
    /** Positions taken at validation, by run and step name, until the check runs. */
    private final Map<String, String> marks = new ConcurrentHashMap<>();

    private LogCheck(LogSource source, Since since, Pattern pattern, Duration during, Duration every, String name,
                     List<Secret> secrets) {
        super(name != null ? name : "no /" + (pattern == null ? "?" : pattern.pattern()) + "/ in " + source.describe(),
                TYPE);
        this.source = source;
        this.since = since;
        this.pattern = pattern;
        this.during = during;
        this.every = every;
        this.name = name;
        this.secrets = secrets;
    }

    /** A check of the lines {@code source} holds; give it {@link #noneMatch}. */
    public static LogCheck of(LogSource source) {
        if (source == null) {
            throw new PlanDefinitionException(null, null, "check log: the log source is null");
        }
        return new LogCheck(source, Since.RUN_START, null, Duration.ZERO, Duration.ofSeconds(1), null, List.of());
    }

    /** Reads the lines written since the run started (the default) or since the check started. */
    public LogCheck since(Since start) {
        if (start == null) {
            throw new PlanDefinitionException(null, name(), "since(null): the start is null");
        }
        return new LogCheck(source, start, pattern, during, every, name, secrets);
    }

    /**
     * Fails when a line matches {@code regex} ({@link java.util.regex.Matcher#find()}: anywhere in the line).
     *
     * @throws PlanDefinitionException for a null, empty or invalid expression
     */
    public LogCheck noneMatch(String regex) {
        if (regex == null || regex.isEmpty()) {
            throw new PlanDefinitionException(null, name(), "noneMatch needs a regular expression, was "
                    + (regex == null ? "null" : "empty"));
        }
        try {
            return noneMatch(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new PlanDefinitionException(null, name(), "invalid regular expression /" + regex + "/: "
                    + e.getDescription());
        }
    }

    /** Like {@link #noneMatch(String)}, with flags of your own. */
    public LogCheck noneMatch(Pattern regex) {
        if (regex == null) {
            throw new PlanDefinitionException(null, name(), "noneMatch(null): the pattern is null");
        }
        return new LogCheck(source, since, regex, during, every, name, secrets);
    }

    /** Keeps reading the log for this long, failing at the first match (default: read once). */
    public LogCheck during(Duration watch) {
        return new LogCheck(source, since, pattern,
                Polling.positive(name(), "during", watch),
                every, name, secrets);
    }

    /** The pause between reads while {@link #during} lasts (default 1 s). */
    public LogCheck every(Duration interval) {
        return new LogCheck(source, since, pattern, during,
                Polling.positive(name(), "every", interval), name, secrets);
    }

    /** Masks these values wherever a quoted line holds them. */
    public LogCheck masking(Secret... values) {
        if (values == null || Arrays.asList(values).contains(null)) {
            throw new PlanDefinitionException(null, name(), "masking needs non-null secrets");
        }
        List<Secret> all = new ArrayList<>(secrets);
        all.addAll(Arrays.asList(values));
        return new LogCheck(source, since, pattern, during, every, name, List.copyOf(all));
    }

    /** This check under another step name. */
    @Override
    public LogCheck withName(String stepName) {
        return new LogCheck(source, since, pattern, during, every, Checks.name(what(), stepName), secrets);
    }

    public LogSource source() {
        return source;
    }

    /**
     * Refuses a check without {@link #noneMatch}; for {@link Since#RUN_START}, takes the log's
     * position now (read-only), before the plan's first step.
     */
    @Override
    public void validate(StepContext ctx) throws Exception {
        if (pattern == null) {
            throw new StepValidationException(ctx.stepName(), "check " + what() + " has nothing to look for: "
                    + "call noneMatch(regex)");
        }
        if (!during.isZero() && every.compareTo(during) > 0) {
            throw new StepValidationException(ctx.stepName(), "every(" + Texts.duration(every) + ") is longer than during("
                    + Texts.duration(during) + "): the log could not be read again before the time is up");
        }
        if (since == Since.RUN_START) {
            String position;
            try {
                position = source.end(ctx);
            } catch (StepValidationException e) {
                throw e;
            } catch (Exception e) {
                throw new StepValidationException(ctx.stepName(), "cannot read " + source.describe() + ": "
                        + Texts.message(e), e);
            }
            if (marks.size() >= MAX_MARKS) {
                marks.clear(); // runs that never reached this check; their positions are of no use
            }
            marks.put(key(ctx), position);
        }
    }

    /**
     * Reads the log (for {@link #during}, again and again) and fails at the first matching line.
     *
     * @throws CheckFailedException when a line matches, or the start of the window is unknown
     */
    @Override
    public void execute(StepContext ctx) throws Exception {
        String position = start(ctx);
        long end = System.nanoTime() + during.toNanos();
        int reads = 0;
        while (true) {
            ctx.throwIfCancelled();
            List<String> found = new ArrayList<>(QUOTED_LINES);
            int[] count = {0};
            position = source.read(position, ctx, line -> {
                if (pattern.matcher(line).find()) {
                    if (found.size() < QUOTED_LINES) {
                        found.add(line);
                    }
                    count[0]++;
                }
                return true;
            });
            reads++;
            if (count[0] > 0) {
                throw failure(ctx, found, count[0], reads);
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                ctx.logger().debug("{}: no line matched /{}/ {} ({} reads)", source.describe(), pattern.pattern(),
                        since.phrase(), reads);
                return;
            }
            Polling.sleep(ctx, Math.min(every.toNanos(), left));
        }
    }

    private String start(StepContext ctx) throws Exception {
        if (since == Since.STEP_START) {
            return source.end(ctx);
        }
        String mark = marks.remove(key(ctx));
        if (mark != null) {
            return mark;
        }
        Optional<Instant> started = runStart(ctx.runId());
        if (started.isPresent()) {
            Optional<String> at = source.at(started.get(), ctx);
            if (at.isPresent()) {
                return at.get();
            }
        }
        throw new CheckFailedException(ctx.stepName(), what() + ": the position of the log when run "
                + ctx.runId() + " started is unknown (it is taken when the runner validates the plan, and "
                + source.describe() + " cannot be read back in time); use since(Since.STEP_START)", 0, List.of(), null);
    }

    private CheckFailedException failure(StepContext ctx, List<String> found, int count, int reads) {
        List<String> quoted = new ArrayList<>(found.size());
        for (String line : found) {
            quoted.add(Texts.snippet(LogMasking.mask(line, secrets), QUOTED_CHARS));
        }
        String message = what() + ": expected no line matching /" + pattern.pattern() + "/ " + since.phrase()
                + " but found " + count + (count == 1 ? ": " : ", first: ") + String.join(", ", quoted);
        return new CheckFailedException(ctx.stepName(), message, reads, List.of(count + " matching"), null);
    }

    /** The start time encoded in a generated run id ({@code 20261122-014500.123-…}), if it is one. */
    static Optional<Instant> runStart(RunId id) {
        String v = id.value();
        if (v.length() < 19) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(v.substring(0, 19), RUN_ID_STAMP).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String key(StepContext ctx) {
        return ctx.runId().value() + "\n" + ctx.stepName();
    }

    private String what() {
        return source.describe();
    }

    @Override
    public String describe() {
        return "check " + source.describe() + ": no line matching /" + (pattern == null ? "?" : pattern.pattern())
                + "/ " + since.phrase() + (during.isZero() ? "" : " (watching for " + Texts.duration(during)
                + ", every " + Texts.duration(every) + ")");
    }

    @Override
    public String toString() {
        return "LogCheck[" + source.describe() + "]";
    }
}
