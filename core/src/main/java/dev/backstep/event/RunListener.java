package dev.backstep.event;

import java.io.PrintStream;
import java.util.List;

/**
 * Observes runs: start/end pairs for runs, steps and compensations. Every method has a no-op
 * default; override what you need. A listener that throws is logged and ignored: it never breaks
 * a run. Listeners are called from the threads that run steps, so they must be thread-safe.
 *
 * <pre>{@code
 * Backstep.runner()
 *     .listener(RunListener.logging())
 *     .listener(RunListener.console(System.out))
 *     .listener(new RunListener() {
 *         public void onRunEnd(RunEvent.RunFinished e) { notifyTeam(e.planName() + ": " + e.status()); }
 *     })
 *     .build();
 * }</pre>
 */
public interface RunListener {

    /** Does nothing. */
    RunListener NONE = new RunListener() {
    };

    default void onRunStart(RunEvent.RunStarted event) {
    }

    default void onRunEnd(RunEvent.RunFinished event) {
    }

    default void onStepStart(RunEvent.StepStarted event) {
    }

    default void onStepEnd(RunEvent.StepFinished event) {
    }

    default void onRetry(RunEvent.StepRetrying event) {
    }

    default void onRollbackStart(RunEvent.RollbackStarted event) {
    }

    default void onCompensationStart(RunEvent.CompensationStarted event) {
    }

    default void onCompensationEnd(RunEvent.CompensationFinished event) {
    }

    default void onCompensationSkipped(RunEvent.CompensationSkipped event) {
    }

    /** An {@code afterRollback} step or {@code verifyAfterRollback} check starts (after every compensation). */
    default void onRollbackStepStart(RunEvent.RollbackStepStarted event) {
    }

    default void onRollbackStepEnd(RunEvent.RollbackStepFinished event) {
    }

    /** Logs every event through SLF4J (logger {@code dev.backstep.run}). */
    static RunListener logging() {
        return new LoggingRunListener();
    }

    /** Prints one progress line per event, for terminals. */
    static RunListener console(PrintStream out) {
        return new ConsoleRunListener(out);
    }

    /**
     * Posts JSON events (run started/finished, rollback started/finished, needs attention) with a
     * Slack-compatible {@code text} field to {@code uri}, from a bounded background queue with a
     * timeout and retries: it never blocks or fails a run. See {@link WebhookListener} for settings.
     *
     * <pre>{@code
     * Backstep.runner().listener(RunListener.webhook(URI.create(System.getenv("SLACK_WEBHOOK")))).build();
     * }</pre>
     */
    static WebhookListener webhook(java.net.URI uri) {
        return WebhookListener.to(uri).build();
    }

    /** Calls each listener in order. */
    static RunListener composite(List<RunListener> listeners) {
        return new CompositeRunListener(listeners);
    }

    /** Dispatches an event to the matching method. */
    default void dispatch(RunEvent event) {
        if (event instanceof RunEvent.RunStarted e) {
            onRunStart(e);
        } else if (event instanceof RunEvent.RunFinished e) {
            onRunEnd(e);
        } else if (event instanceof RunEvent.StepStarted e) {
            onStepStart(e);
        } else if (event instanceof RunEvent.StepFinished e) {
            onStepEnd(e);
        } else if (event instanceof RunEvent.StepRetrying e) {
            onRetry(e);
        } else if (event instanceof RunEvent.RollbackStarted e) {
            onRollbackStart(e);
        } else if (event instanceof RunEvent.CompensationStarted e) {
            onCompensationStart(e);
        } else if (event instanceof RunEvent.CompensationFinished e) {
            onCompensationEnd(e);
        } else if (event instanceof RunEvent.CompensationSkipped e) {
            onCompensationSkipped(e);
        } else if (event instanceof RunEvent.RollbackStepStarted e) {
            onRollbackStepStart(e);
        } else if (event instanceof RunEvent.RollbackStepFinished e) {
            onRollbackStepEnd(e);
        }
    }
}
