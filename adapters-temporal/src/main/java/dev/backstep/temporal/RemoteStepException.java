package dev.backstep.temporal;

import dev.backstep.BackstepException;

/**
 * The failure of a step's action or compensation as it came back from the host's worker: its
 * original type and message, as text (the original object stayed on the host).
 *
 * <pre>{@code
 * result.step("switch").error().ifPresent(e -> System.err.println(e.getMessage()));
 * }</pre>
 */
public class RemoteStepException extends BackstepException {
    private static final long serialVersionUID = 1L;

    public RemoteStepException(String message) {
        super(message);
    }
}
