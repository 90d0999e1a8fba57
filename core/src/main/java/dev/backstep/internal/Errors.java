package dev.backstep.internal;

/** Small helpers for exception text. */
final class Errors {
    private Errors() {
    }

    static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
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
