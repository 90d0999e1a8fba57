package dev.backstep.check;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepAction;
import dev.backstep.StepCancelledException;
import dev.backstep.StepContext;
import dev.backstep.check.internal.Attempt;
import dev.backstep.check.internal.Polling;
import dev.backstep.check.internal.Texts;
import dev.backstep.spi.AbstractStep;
import java.time.Duration;
import java.util.Objects;

/**
 * The base of a check that is tried once by default and, with {@link #within}, again every
 * {@link #every} until it passes {@link #consecutive} times in a row: a
 * {@link dev.backstep.StepKind#VERIFICATION verification} with nothing to undo
 * ({@link Check#COMPENSATION}), whose {@link #validate} refuses polling settings that contradict
 * each other. The built-in {@link HttpCheck}, {@link TcpCheck}, {@link CommandCheck},
 * {@link MetricCheck} and {@link CustomCheck} extend it, and so can a check of an adapter: it
 * gives the name, the type, how to copy itself under another name or {@link Schedule}, and
 * one attempt ({@link #poll}).
 *
 * <pre>{@code
 * public final class QueueDrained extends PollingCheck<QueueDrained> {
 *     private final Queue queue;
 *
 *     private QueueDrained(String name, Queue queue, Schedule schedule) {
 *         super(name, "acme.queueDrained", schedule);
 *         this.queue = queue;
 *     }
 *
 *     public static QueueDrained of(Queue queue) {
 *         return new QueueDrained(queue + " drained", queue, Schedule.ONCE);
 *     }
 *
 *     @Override protected QueueDrained copy(String name, Schedule s) { return new QueueDrained(name, queue, s); }
 *     @Override public void execute(StepContext ctx) throws Exception {
 *         poll(ctx, c -> assertThat(queue.depth()).isZero());   // an attempt fails by throwing
 *     }
 *     @Override public String describe() { return "check " + name() + polled(); }
 * }
 *
 * Step drained = QueueDrained.of(queue).within(Duration.ofMinutes(1)).every(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>Immutable when the subclass is: {@link #within}, {@link #every} and {@link #consecutive}
 * return a copy.
 *
 * @param <C> the check's own class, which the polling settings return
 */
public abstract class PollingCheck<C extends PollingCheck<C>> extends AbstractStep implements VerificationStep {
    private final Schedule schedule;
    private final Polling polling;

    /**
     * @param name the step's name
     * @param type the journaled type
     * @param schedule how often the check is tried: {@link Schedule#ONCE}, or this check's {@link #schedule()}
     * @throws PlanDefinitionException when the name or type is blank
     */
    protected PollingCheck(String name, String type, Schedule schedule) {
        super(name, type);
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.polling = schedule.polling;
    }

    /** This check under {@code name} and tried as {@code schedule} says, all else the same. */
    protected abstract C copy(String name, Schedule schedule);

    /**
     * This check under another step name.
     *
     * @throws PlanDefinitionException when the name is null or blank
     */
    @Override
    public C withName(String newName) {
        return copy(Checks.name(what(), newName), schedule);
    }

    /** Keeps trying until the check passes or {@code deadline} has passed (default: one attempt). */
    public C within(Duration deadline) {
        return copy(name(), new Schedule(polling.within(name(), deadline)));
    }

    /** The pause between attempts (default 1 s). */
    public C every(Duration interval) {
        return copy(name(), new Schedule(polling.every(name(), interval)));
    }

    /** How many passes in a row are needed (default 1); needs {@link #within}. */
    public C consecutive(int passes) {
        return copy(name(), new Schedule(polling.consecutive(name(), passes)));
    }

    /** How often this check is tried, to hand to a copy of it. */
    protected final Schedule schedule() {
        return schedule;
    }

    /**
     * Refuses polling settings that contradict each other ({@code consecutive(3)} without
     * {@code within}, {@code every} longer than {@code within}).
     *
     * @throws dev.backstep.StepValidationException when they do
     */
    @Override
    public void validate(StepContext ctx) {
        Checks.validate(name(), polling);
    }

    /**
     * Runs {@code attempt} as the schedule says: it passes when it returns and fails when it
     * throws (an exception or an {@link AssertionError}).
     *
     * @throws CheckFailedException when it did not pass (often enough) in time; its message starts
     *         with the check's name, then the last failed attempt's message
     * @throws InterruptedException when the step is timed out or the run is cancelled
     */
    protected final void poll(StepContext ctx, StepAction attempt) throws Exception {
        pollAttempts(ctx, () -> attempt(ctx, attempt));
    }

    /** Runs {@code probe} as the schedule says, naming the check in messages by {@link #what()}. */
    final void pollAttempts(StepContext ctx, Polling.Probe probe) throws Exception {
        polling.run(ctx, what(), probe);
    }

    /** {@code ""} for one attempt, else {@code " (within 2 s, every 200 ms, 3 passes in a row)"}. */
    protected final String polled() {
        return polling.describe();
    }

    /** What the check looks at, for messages: its name unless a subclass says more. */
    String what() {
        return name();
    }

    /** {@code ClassName[what]}: for a check named by hand, what it still looks at. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + what() + "]";
    }

    private static Attempt attempt(StepContext ctx, StepAction action) throws Exception {
        try {
            action.run(ctx);
            return Attempt.pass("passed");
        } catch (InterruptedException | StepCancelledException e) {
            throw e;
        } catch (Exception | AssertionError e) {
            if (Thread.currentThread().isInterrupted()) {
                throw e;
            }
            return Attempt.fail(Texts.message(e), e.getClass().getSimpleName(), e);
        }
    }

    /**
     * How often a check is tried, set by {@link PollingCheck#within}, {@link PollingCheck#every} and
     * {@link PollingCheck#consecutive}; a subclass only hands it from one copy of itself to the next.
     */
    public static final class Schedule {
        /** One attempt, the default. */
        public static final Schedule ONCE = new Schedule(Polling.ONCE);

        private final Polling polling;

        private Schedule(Polling polling) {
            this.polling = polling;
        }

        /** {@code "once"}, or the settings, like {@code "within 2 s, every 200 ms, 3 passes in a row"}. */
        @Override
        public String toString() {
            String d = polling.describe();
            return d.isEmpty() ? "once" : d.substring(2, d.length() - 1);
        }
    }
}
