package dev.backstep.testkit;

import dev.backstep.event.RunEvent;
import dev.backstep.event.RunListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Keeps every event it receives, in order. Thread-safe.
 *
 * <pre>{@code
 * RecordingListener events = new RecordingListener();
 * Backstep.runner().listener(events).build().run(plan);
 * assertThat(events.ofType(RunEvent.CompensationFinished.class)).hasSize(2);
 * }</pre>
 */
public final class RecordingListener implements RunListener {
    private final List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void dispatch(RunEvent event) {
        events.add(event);
    }

    public List<RunEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public <T extends RunEvent> List<T> ofType(Class<T> type) {
        return events().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Compact names such as {@code "StepStarted:a"}, for order assertions. */
    public List<String> names() {
        return events().stream().map(RecordingListener::name).toList();
    }

    private static String name(RunEvent e) {
        String type = e.getClass().getSimpleName();
        if (e instanceof RunEvent.StepStarted s) {
            return type + ":" + s.step();
        } else if (e instanceof RunEvent.StepFinished s) {
            return type + ":" + s.step();
        } else if (e instanceof RunEvent.CompensationStarted s) {
            return type + ":" + s.step();
        } else if (e instanceof RunEvent.CompensationFinished s) {
            return type + ":" + s.step();
        } else if (e instanceof RunEvent.CompensationSkipped s) {
            return type + ":" + s.step();
        } else if (e instanceof RunEvent.StepRetrying s) {
            return type + ":" + s.step();
        }
        return type;
    }
}
