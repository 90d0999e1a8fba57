package dev.backstep;

/**
 * Root of every exception Backstep throws on purpose.
 *
 * <p>Catch this to handle any Backstep failure; catch a subtype to react to one cause. Every
 * subtype names what failed (a plan, a step, a command, a path) in its message and, where it
 * helps, in accessors.
 *
 * <p><b>Which exception for which mistake.</b> One rule, in every module:
 * <ul>
 *   <li><b>Definition mistakes</b>: a bad argument given while composing a plan, a step, a check,
 *       a runner or an option (the adapters' factories and builders included) — null, blank, out
 *       of range, malformed, conflicting, anything wrong without looking at the system — are a
 *       {@link PlanDefinitionException} (or a subtype, such as the Temporal adapter's
 *       {@code TemporalConfigException}), thrown by the call that receives the argument, or by
 *       {@code Plan.Builder.build()} for the plan as a whole, before anything runs. A null is a
 *       definition mistake too: what composes a plan, step, check, runner or option never throws
 *       {@code NullPointerException} or {@code IllegalArgumentException} for its arguments. The
 *       message names the plan when it is known, the step when it is known, and the offending
 *       value, masked when it is secret: {@code plan 'deploy': it has no steps},
 *       {@code step 'migrate': timeout must be positive, was PT-1S} (a step is defined before the
 *       plan that will hold it, so its own mistakes name the step only).</li>
 *   <li><b>Validation failures</b>: the definition is well formed but the system disagrees
 *       (an unknown git ref, a missing file, program, unit, service or image, a path that leads
 *       out of its base directory: {@code PathEscapeException}) are a
 *       {@link StepValidationException} from {@link Step#validate}, before any step of the run
 *       changes anything; the adapter's own exception ({@code GitException},
 *       {@code SystemdException}, {@code DockerException}, {@code DbException}) is its cause.</li>
 *   <li><b>Run failures</b>: a step, compensation, command, lock or journal failing while the
 *       run goes on are the other subtypes ({@link StepFailedException},
 *       {@link CommandFailedException}, {@link LockUnavailableException},
 *       {@link JournalCorruptedException}, the adapters' exceptions with their {@code reason()}).</li>
 *   <li>The operator command's bad input (arguments, config file) is a {@code CliException}
 *       carrying its exit code.</li>
 * </ul>
 * A null given to a {@link Runner} operation ({@code run}, {@code rollback}, {@code history},
 * {@code markGood}, ...) or to the constructor of a value the engine and steps report (a result,
 * an outcome, a fingerprint, a backup, a rehearsal), and the service-provider interfaces in
 * {@code dev.backstep.spi} (contracts between programs: journal, lock and command-runner
 * implementations) are programming errors, checked the way the JDK does:
 * {@code NullPointerException} naming the parameter, and {@code IllegalArgumentException} (also
 * for asking a result for a step or host it does not hold).
 *
 * <pre>{@code
 * try {
 *     runner.run(plan);
 * } catch (BackstepException e) {
 *     alert(e.getMessage());
 * }
 * }</pre>
 */
public class BackstepException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackstepException(String message) {
        super(message);
    }

    public BackstepException(String message, Throwable cause) {
        super(message, cause);
    }
}
