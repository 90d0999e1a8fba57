package dev.backstep.spi;

import java.time.Duration;
import java.util.List;

/**
 * What a finished external program left: exit code and captured output (bounded, secrets
 * redacted).
 *
 * <pre>{@code
 * CommandResult r = commands.run(CommandSpec.of("git", "status", "--porcelain").in(repo));
 * boolean clean = r.stdout().isBlank();
 * }</pre>
 *
 * @param argv the argv that ran, secrets redacted
 * @param exitCode the exit code
 * @param stdout standard output (the last {@code outputLimit} bytes)
 * @param stderr standard error (the last {@code outputLimit} bytes)
 * @param duration wall time
 * @param truncated true when some output was dropped to stay within the limit
 */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr, Duration duration,
                            boolean truncated) {
    public CommandResult {
        argv = List.copyOf(argv);
    }
}
