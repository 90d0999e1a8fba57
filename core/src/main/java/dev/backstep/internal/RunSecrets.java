package dev.backstep.internal;

import dev.backstep.CommandFailedException;
import dev.backstep.CommandTimeoutException;
import dev.backstep.Plan;
import dev.backstep.Secret;
import dev.backstep.Step;
import dev.backstep.event.RunEvent;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Every secret one run knows (the {@link Step#secrets()} of all its steps), and the places the
 * run writes text through it: command output and errors, step failures, the journal, events
 * and step logs. A secret of one step is thus masked in every step of the run. Immutable.
 *
 * <pre>{@code
 * RunSecrets secrets = RunSecrets.of(plan);
 * Throwable shown = secrets.scrub(failure);
 * }</pre>
 */
final class RunSecrets {
    static final RunSecrets NONE = new RunSecrets(Redactor.NONE);

    /** Journal data keys that hold structure, never free text: they are written as they are. */
    private static final Set<String> STRUCTURAL = Set.of("kind", "type", "stage", "attempt", "attempts", "status",
            RunOrder.KEY, "steps", "host", "pid", "retrying", "interrupted", "outcome", "errorType", "key", "plan",
            "target", "stateDir");

    private final Redactor redactor;

    private RunSecrets(Redactor redactor) {
        this.redactor = redactor;
    }

    /** The secrets of every step of {@code plan}. */
    static RunSecrets of(Plan plan) {
        Set<Secret> all = new LinkedHashSet<>();
        for (Step s : plan.steps()) {
            try {
                all.addAll(s.secrets());
            } catch (RuntimeException e) {
                // a step that cannot list its secrets still masks its own; the others are masked
            }
        }
        Redactor r = Redactor.of(all);
        return r.isEmpty() ? NONE : new RunSecrets(r);
    }

    boolean isEmpty() {
        return redactor.isEmpty();
    }

    String mask(String text) {
        return redactor.redact(text);
    }

    /** {@code t}, or a copy with every secret masked in its messages, causes and suppressed ones. */
    Throwable scrub(Throwable t) {
        if (t == null || isEmpty() || !holdsSecret(t, new java.util.IdentityHashMap<>())) {
            return t;
        }
        return copy(t, new java.util.IdentityHashMap<>());
    }

    private boolean holdsSecret(Throwable t, Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, Boolean.TRUE) != null) {
            return false;
        }
        String m = String.valueOf(t.getMessage());
        if (!mask(m).equals(m) || holdsSecret(t.getCause(), seen)) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (holdsSecret(s, seen)) {
                return true;
            }
        }
        return false;
    }

    private Throwable copy(Throwable t, Map<Throwable, Throwable> done) {
        Throwable existing = done.get(t);
        if (existing != null) {
            return existing;
        }
        Throwable c;
        if (t instanceof CommandTimeoutException e) {
            c = new CommandTimeoutException(redactor.redact(e.argv()), e.timeout(), mask(e.stderrTail()));
        } else if (t instanceof CommandFailedException e) {
            c = new CommandFailedException(redactor.redact(e.argv()), e.exitCode(), mask(e.stderrTail()));
        } else {
            c = new MaskedException(t.getClass().getName(), mask(t.getMessage()));
        }
        done.put(t, c);
        c.setStackTrace(t.getStackTrace());
        if (t.getCause() != null && c.getCause() == null) {
            c.initCause(copy(t.getCause(), done));
        }
        for (Throwable s : t.getSuppressed()) {
            c.addSuppressed(copy(s, done));
        }
        return c;
    }

    /** The run's commands, their output and errors masked with every secret of the run. */
    CommandRunner commands(CommandRunner delegate) {
        if (isEmpty()) {
            return delegate;
        }
        return spec -> {
            CommandResult r;
            try {
                r = delegate.run(spec);
            } catch (RuntimeException e) {
                Throwable shown = scrub(e);
                throw shown instanceof RuntimeException re ? re : e;
            }
            return new CommandResult(redactor.redact(r.argv()), r.exitCode(), mask(r.stdout()), mask(r.stderr()),
                    r.duration(), r.truncated());
        };
    }

    /** {@code journal} writing every free-text value with the run's secrets masked. */
    Journal journal(Journal journal) {
        if (isEmpty()) {
            return journal;
        }
        return new Journal() {
            @Override
            public void append(JournalRecord r) {
                journal.append(masked(r));
            }

            @Override
            public void appendAll(List<JournalRecord> records) {
                journal.appendAll(records.stream().map(this::masked).toList()); // still one force
            }

            @Override
            public void appendLazily(JournalRecord r) {
                journal.appendLazily(masked(r));
            }

            @Override
            public void sync(dev.backstep.RunId runId) {
                journal.sync(runId);
            }

            private JournalRecord masked(JournalRecord r) {
                Map<String, String> data = new LinkedHashMap<>();
                r.data().forEach((k, v) -> data.put(k, STRUCTURAL.contains(k) ? v : mask(v)));
                return new JournalRecord(r.runId(), r.sequence(), r.at(), r.type(), r.step(), data);
            }

            @Override
            public List<JournalRecord> read(dev.backstep.RunId runId) {
                return journal.read(runId);
            }

            @Override
            public List<dev.backstep.RunId> runIds() {
                return journal.runIds();
            }

            @Override
            public List<dev.backstep.RunId> runsOf(String target) {
                return journal.runsOf(target);
            }

            @Override
            public List<dev.backstep.RunId> unfinishedRuns() {
                return journal.unfinishedRuns();
            }
        };
    }

    /** {@code event} with its error and reason masked. */
    RunEvent mask(RunEvent event) {
        if (isEmpty()) {
            return event;
        }
        if (event instanceof RunEvent.RunFinished e) {
            return new RunEvent.RunFinished(e.runId(), e.at(), e.planName(), e.status(), e.duration(),
                    e.failure().map(this::scrub));
        } else if (event instanceof RunEvent.StepFinished e) {
            return new RunEvent.StepFinished(e.runId(), e.at(), e.step(), e.kind(), e.attempt(), e.duration(),
                    e.error().map(this::scrub));
        } else if (event instanceof RunEvent.StepRetrying e) {
            return new RunEvent.StepRetrying(e.runId(), e.at(), e.step(), e.compensation(), e.failedAttempt(),
                    e.delay(), scrub(e.error()));
        } else if (event instanceof RunEvent.RollbackStarted e) {
            return new RunEvent.RollbackStarted(e.runId(), e.at(), mask(e.reason()));
        } else if (event instanceof RunEvent.CompensationFinished e) {
            return new RunEvent.CompensationFinished(e.runId(), e.at(), e.step(), e.attempt(), e.duration(),
                    e.error().map(this::scrub));
        } else if (event instanceof RunEvent.CompensationSkipped e) {
            return new RunEvent.CompensationSkipped(e.runId(), e.at(), e.step(), mask(e.reason()));
        }
        return event;
    }

    /** {@code log} with every string, argument and throwable it is given masked. */
    Logger logger(Logger log) {
        if (isEmpty()) {
            return log;
        }
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    Object[] shown = args == null ? null : new Object[args.length];
                    for (int i = 0; args != null && i < args.length; i++) {
                        shown[i] = maskArgument(args[i]);
                    }
                    try {
                        return method.invoke(log, shown);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private Object maskArgument(Object a) {
        if (a instanceof Throwable t) {
            return scrub(t);
        }
        if (a instanceof Object[] array) {
            Object[] out = new Object[array.length];
            for (int i = 0; i < array.length; i++) {
                out[i] = maskArgument(array[i]);
            }
            return out;
        }
        if (a == null || a instanceof org.slf4j.Marker || a instanceof Number || a instanceof Boolean) {
            return a;
        }
        String text = String.valueOf(a);
        String masked = mask(text);
        return masked.equals(text) ? a : masked;
    }

    /** A failure whose message held a secret of the run: its text, masked, and its original type's name. */
    static final class MaskedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String originalType;

        MaskedException(String originalType, String maskedMessage) {
            super(maskedMessage);
            this.originalType = originalType;
        }

        @Override
        public String toString() {
            return originalType + (getMessage() == null ? "" : ": " + getMessage());
        }
    }

}
