package dev.backstep.systemd;

import dev.backstep.BackstepException;

/**
 * A systemd step or {@link ServiceManager} call could not do what it was asked; {@link #reason()}
 * says why and {@link #unit()} names the unit when there is one. In a plan, problems found before
 * anything runs arrive wrapped in a {@link dev.backstep.StepValidationException}.
 *
 * <pre>{@code
 * try {
 *     manager.start("my_form_bot.service");
 * } catch (SystemdException e) {
 *     if (e.reason() == SystemdException.Reason.UNIT_NOT_FOUND) { ... }
 * }
 * }</pre>
 */
public class SystemdException extends BackstepException {
    private static final long serialVersionUID = 1L;

    /** Why a systemd operation failed. */
    public enum Reason {
        /**
         * Recorded data the step needs is missing (no systemctl command line in the journal), or a
         * directory the step validates does not exist. A bad argument to a factory or builder (a
         * null or malformed unit name, directory, systemctl option) is a
         * {@link dev.backstep.PlanDefinitionException} instead.
         */
        INVALID_ARGUMENT,
        /** systemd knows no such unit (LoadState {@code not-found}). */
        UNIT_NOT_FOUND,
        /** The unit is in a state the step cannot work from (masked, static, broken unit file). */
        UNSUPPORTED_STATE,
        /** The systemctl executable (or the wrapper in front of it) is missing. */
        SYSTEMCTL_NOT_FOUND,
        /** systemctl ran and failed. */
        COMMAND_FAILED
    }

    private final Reason reason;
    private final String unit;

    public SystemdException(Reason reason, String unit, String message) {
        this(reason, unit, message, null);
    }

    public SystemdException(Reason reason, String unit, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.unit = unit;
    }

    public Reason reason() {
        return reason;
    }

    /** The unit concerned, or null. */
    public String unit() {
        return unit;
    }
}
