package dev.backstep.spi;

import dev.backstep.internal.ExecCommandRunner;

/**
 * Runs external programs for steps. The default, {@link #local()}, runs them on this machine over
 * Commons Exec; tests may substitute a fake.
 *
 * <p>Contract for implementations: argv is passed literally (no shell); the environment of this
 * process is inherited and the spec's variables added; the process tree is killed at the timeout
 * ({@link dev.backstep.CommandTimeoutException}); a missing program raises
 * {@link dev.backstep.ProgramNotFoundException}; an exit code not in
 * {@link CommandSpec#successCodes()} raises {@link dev.backstep.CommandFailedException} carrying
 * the tail of stderr; every secret value is replaced by {@code ****} in results and exceptions;
 * an interrupted caller kills the process and gets {@link dev.backstep.StepCancelledException}
 * or an interrupt-flagged failure. Implementations are thread-safe.
 *
 * <pre>{@code
 * CommandRunner commands = CommandRunner.local();
 * CommandResult r = commands.run(CommandSpec.of("php", "artisan", "migrate", "--force").in(app));
 * }</pre>
 */
public interface CommandRunner {

    CommandResult run(CommandSpec spec);

    /** Runs programs on this machine. */
    static CommandRunner local() {
        return ExecCommandRunner.INSTANCE;
    }
}
