package dev.backstep.event;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Behind {@link RunListener#composite(List)}: calls several listeners in order; one that throws is logged and the others still run.
 *
 * <pre>{@code
 * RunListener both = RunListener.composite(List.of(RunListener.logging(), myListener));
 * }</pre>
 */
final class CompositeRunListener implements RunListener {
    private static final Logger LOG = LoggerFactory.getLogger(CompositeRunListener.class);
    private final List<RunListener> listeners;

    CompositeRunListener(List<RunListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void dispatch(RunEvent event) {
        for (RunListener l : listeners) {
            try {
                l.dispatch(event);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("listener {} failed on {}; ignored", l.getClass().getName(),
                        event.getClass().getSimpleName(), e);
            }
        }
    }

    @Override
    public void onRunStart(RunEvent.RunStarted e) {
        dispatch(e);
    }

    @Override
    public void onRunEnd(RunEvent.RunFinished e) {
        dispatch(e);
    }

    @Override
    public void onStepStart(RunEvent.StepStarted e) {
        dispatch(e);
    }

    @Override
    public void onStepEnd(RunEvent.StepFinished e) {
        dispatch(e);
    }

    @Override
    public void onRetry(RunEvent.StepRetrying e) {
        dispatch(e);
    }

    @Override
    public void onRollbackStart(RunEvent.RollbackStarted e) {
        dispatch(e);
    }

    @Override
    public void onCompensationStart(RunEvent.CompensationStarted e) {
        dispatch(e);
    }

    @Override
    public void onCompensationEnd(RunEvent.CompensationFinished e) {
        dispatch(e);
    }

    @Override
    public void onCompensationSkipped(RunEvent.CompensationSkipped e) {
        dispatch(e);
    }

    @Override
    public void onRollbackStepStart(RunEvent.RollbackStepStarted e) {
        dispatch(e);
    }

    @Override
    public void onRollbackStepEnd(RunEvent.RollbackStepFinished e) {
        dispatch(e);
    }
}
