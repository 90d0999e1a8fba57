package dev.backstep.check;

import dev.backstep.Command;
import dev.backstep.CommandFailedException;
import dev.backstep.CommandTimeoutException;
import dev.backstep.PlanDefinitionException;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.check.internal.Attempt;
import dev.backstep.check.internal.Texts;
import dev.backstep.spi.CommandSpec;
import java.util.Set;
import java.util.TreeSet;

/**
 * A smoke test: passes when a program exits with a success code ({@code 0} unless the
 * {@link Command} says otherwise). The program runs through the step context's
 * {@link dev.backstep.spi.CommandRunner} (argv only, timeout, secrets redacted); a compensation
 * declared on the command is ignored, because a check has nothing to undo. Built by
 * {@link Check#command(Command)}; immutable.
 *
 * <pre>{@code
 * Step routes = Check.command(Command.of("php", "artisan", "route:list").in(app)).withName("routes load");
 * Step smoke = Check.command(Command.of("pytest", "-q", "tests/smoke").in(app).timeout(Duration.ofMinutes(5)))
 *     .within(Duration.ofMinutes(2)).every(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>A failure reads like {@code command pytest -q tests/smoke: expected exit code <0> but was <1>
 * (stderr: "FAILED tests/smoke/test_api.py::test_login")}. A program that cannot be found fails at
 * validation, before any step runs (or at once, with {@link Command#checkAtExecution()}).
 */
public final class CommandCheck extends PollingCheck<CommandCheck> {
    /** The {@link #type()} of command checks. */
    public static final String TYPE = "check.command";
    private static final int STDERR_CHARS = 300;

    private final Command command;

    private CommandCheck(Command command, String name, Schedule schedule) {
        super(name, TYPE, schedule);
        this.command = command;
    }

    static CommandCheck of(Command command) {
        if (command == null) {
            throw new PlanDefinitionException(null, null, "check command: the command is null");
        }
        return new CommandCheck(command, command.name(), Schedule.ONCE);
    }

    @Override
    protected CommandCheck copy(String name, Schedule schedule) {
        return new CommandCheck(command, name, schedule);
    }

    /** The command that is run. */
    public Command command() {
        return command;
    }

    /** The command's own validation (program and working directory exist, no secret in argv). */
    @Override
    public void validate(StepContext ctx) {
        super.validate(ctx);
        try {
            command.validate(ctx);
        } catch (StepValidationException e) {
            if (e.stepName().equals(name())) {
                throw e;
            }
            String problem = Texts.message(e);
            String prefix = "step '" + e.stepName() + "': ";
            throw new StepValidationException(name(),
                    problem.startsWith(prefix) ? problem.substring(prefix.length()) : problem, e);
        }
    }

    /**
     * Runs the program until it succeeds.
     *
     * @throws CheckFailedException when it did not, in time
     * @throws dev.backstep.ProgramNotFoundException when the program cannot be started
     */
    @Override
    public void execute(StepContext ctx) throws Exception {
        CommandSpec spec = command.spec();
        String expected = expected(spec.successCodes());
        pollAttempts(ctx, () -> attempt(ctx, spec, expected));
    }

    private static Attempt attempt(StepContext ctx, CommandSpec spec, String expected) {
        try {
            int code = ctx.commands().run(spec).exitCode();
            return Attempt.pass("<" + code + ">");
        } catch (CommandTimeoutException e) {
            return Attempt.fail("expected exit code " + expected + " but it ran longer than "
                    + Texts.duration(e.timeout()) + " and was killed" + stderr(e), "timed out", e);
        } catch (CommandFailedException e) {
            return Attempt.fail("expected exit code " + expected + " but was <" + e.exitCode() + ">" + stderr(e),
                    "<" + e.exitCode() + ">", e);
        }
    }

    @Override
    public String describe() {
        String run = command.describe().replaceFirst("^run ", "command ")
                .replaceAll(" \\((undo|irreversible): .*\\)$", "");
        return "check " + run + " exits " + expected(command.spec().successCodes()) + polled();
    }

    @Override
    String what() {
        return "command " + command.name();
    }

    private static String expected(Set<Integer> codes) {
        return codes.size() == 1 ? "<" + codes.iterator().next() + ">" : "in <" + new TreeSet<>(codes) + ">";
    }

    private static String stderr(CommandFailedException e) {
        String tail = e.stderrTail() == null ? "" : e.stderrTail().strip();
        if (tail.isEmpty()) {
            return "";
        }
        if (tail.length() > STDERR_CHARS) {
            tail = "…" + tail.substring(tail.length() - STDERR_CHARS);
        }
        return " (stderr: " + Texts.snippet(tail, STDERR_CHARS + 1) + ")";
    }

    /** The command's secrets: the run masks them in every step. */
    @Override
    public java.util.Set<dev.backstep.Secret> secrets() {
        return command.secrets();
    }
}
