package dev.backstep.internal;

/** Small helpers for exception text. */
final class Errors {
    private Errors() {
    }

    static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /**
     * Whether a failure cut the step off in the middle (its timeout, a command killed at its
     * timeout or by an interrupt), so that its change may be partly made, as after a crash.
     */
    static boolean outcomeUnknown(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof dev.backstep.StepTimeoutException || c instanceof dev.backstep.CommandTimeoutException
                    || c instanceof dev.backstep.CommandInterruptedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a {@link dev.backstep.Command} step failed cleanly: its program exited non-zero or
     * never started. What such a step recorded is its compensation command, which undoes a
     * completed run of the program; the program itself reported its failure.
     */
    static boolean commandExitedNonZero(String stepType, Throwable t) {
        return dev.backstep.Command.TYPE.equals(stepType) && (t instanceof dev.backstep.CommandFailedException
                || t instanceof dev.backstep.ProgramNotFoundException);
    }

    /** Unwraps wrappers that add nothing (execution and completion exceptions). */
    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.ExecutionException
                || c instanceof java.util.concurrent.CompletionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
