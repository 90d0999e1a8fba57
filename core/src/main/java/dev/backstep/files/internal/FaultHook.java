package dev.backstep.files.internal;

import java.io.IOException;

/**
 * Called at named points of a file operation ({@code "before-rename"}, {@code "before-switch"});
 * tests use it to inject a failure or kill the process there. Production steps use {@link #NONE}.
 */
@FunctionalInterface
public interface FaultHook {
    FaultHook NONE = point -> { };

    void at(String point) throws IOException;
}
