package dev.backstep.internal;

import dev.backstep.event.RunEvent;
import dev.backstep.event.RunListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls listeners, never letting one break a run. */
final class Listeners {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
    private final List<RunListener> listeners;
    private final java.util.function.UnaryOperator<RunEvent> mask;

    Listeners(List<RunListener> listeners) {
        this(listeners, java.util.function.UnaryOperator.identity());
    }

    private Listeners(List<RunListener> listeners, java.util.function.UnaryOperator<RunEvent> mask) {
        this.listeners = List.copyOf(listeners);
        this.mask = mask;
    }

    /** These listeners, given every event with the run's secrets masked. */
    Listeners masking(RunSecrets secrets) {
        return secrets.isEmpty() ? this : new Listeners(listeners, secrets::mask);
    }

    void emit(RunEvent raw) {
        RunEvent event = listeners.isEmpty() ? raw : mask.apply(raw);
        for (RunListener l : listeners) {
            try {
                l.dispatch(event);
            } catch (Throwable e) {
                // an AssertionError or StackOverflowError of a listener must not fail a step; only
                // a broken VM (out of memory, internal error) is worth stopping the run for
                if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                    throw (VirtualMachineError) e;
                }
                LOG.warn("listener {} failed on {}; ignored", l.getClass().getName(),
                        event.getClass().getSimpleName(), e);
            }
        }
    }
}
