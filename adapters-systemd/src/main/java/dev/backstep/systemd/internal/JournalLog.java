package dev.backstep.systemd.internal;

import dev.backstep.CommandFailedException;
import dev.backstep.ProgramNotFoundException;
import dev.backstep.StepContext;
import dev.backstep.check.LogSource;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandSpec;
import dev.backstep.systemd.SystemdException;
import dev.backstep.systemd.SystemdException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The journal of one unit, read with {@code journalctl -u UNIT -o cat}: a position is a journal
 * cursor ({@code cursor:s=...}, exact) or, for a time or an empty journal, a time in microseconds
 * since the epoch ({@code time:1764775200123456}, read with {@code --since @seconds.micros}).
 */
public final class JournalLog implements LogSource {
    private static final String CURSOR_LINE = "-- cursor: ";
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final List<String> journalctl;
    private final String unit;

    public JournalLog(List<String> journalctl, String unit) {
        this.journalctl = List.copyOf(journalctl);
        this.unit = unit;
    }

    @Override
    public String describe() {
        return "journal of " + unit;
    }

    /** The cursor of the journal's last entry (of any unit), or the time now when it has none. */
    @Override
    public String end(StepContext ctx) {
        Instant now = Instant.now();
        CommandResult r = run(ctx, List.of("-n", "1", "-o", "cat", "--show-cursor"));
        String cursor = cursor(r.stdout());
        return cursor != null ? "cursor:" + cursor : time(now);
    }

    @Override
    public Optional<String> at(Instant when, StepContext ctx) {
        return Optional.of(time(when));
    }

    private static String time(Instant t) {
        return "time:" + (t.getEpochSecond() * 1_000_000L + t.getNano() / 1000);
    }

    @Override
    public String read(String from, StepContext ctx, LineSink sink) {
        List<String> args = new ArrayList<>(List.of("-u", unit, "-o", "cat", "--show-cursor"));
        if (from.startsWith("cursor:")) {
            args.add("--after-cursor=" + from.substring("cursor:".length()));
        } else {
            long micros = Long.parseLong(from.substring("time:".length()));
            args.add("--since=@" + micros / 1_000_000L + "." + String.format("%06d", micros % 1_000_000L));
        }
        CommandResult r = run(ctx, args);
        if (r.truncated()) {
            throw new SystemdException(Reason.COMMAND_FAILED, unit, "the journal of " + unit
                    + " since the check's start is too long to read whole");
        }
        String next = from;
        for (String line : r.stdout().split("\n", -1)) {
            if (line.startsWith(CURSOR_LINE)) {
                next = "cursor:" + line.substring(CURSOR_LINE.length()).strip();
                continue;
            }
            if (!line.isEmpty() && !sink.accept(line)) {
                break;
            }
        }
        return next;
    }

    private static String cursor(String out) {
        String cursor = null;
        for (String line : out.split("\n")) {
            if (line.startsWith(CURSOR_LINE)) {
                cursor = line.substring(CURSOR_LINE.length()).strip();
            }
        }
        return cursor;
    }

    private CommandResult run(StepContext ctx, List<String> args) {
        List<String> argv = new ArrayList<>(journalctl);
        argv.add("--no-pager");
        argv.add("-q");
        argv.addAll(args);
        CommandSpec spec = CommandSpec.of(argv).env("SYSTEMD_PAGER", "").env("SYSTEMD_COLORS", "0")
                .timeout(TIMEOUT).outputLimit(16 * 1024 * 1024);
        try {
            return ctx.commands().run(spec);
        } catch (ProgramNotFoundException e) {
            throw new SystemdException(Reason.SYSTEMCTL_NOT_FOUND, unit, "cannot run " + String.join(" ", journalctl)
                    + ": " + e.getMessage(), e);
        } catch (CommandFailedException e) {
            String stderr = e.stderrTail() == null ? "" : e.stderrTail().strip();
            throw new SystemdException(Reason.COMMAND_FAILED, unit, String.join(" ", argv) + " failed with exit code "
                    + e.exitCode() + (stderr.isEmpty() ? "" : ": " + stderr), e);
        }
    }
}
