package dev.backstep.testkit;

import dev.backstep.Compensation;
import dev.backstep.RetryPolicy;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import dev.backstep.StepPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting step for unit tests of plans: it fails on chosen calls, hangs, or fails in
 * its compensation, and counts and {@link Trace traces} what happened.
 *
 * <pre>{@code
 * Trace trace = new Trace();
 * FakeStep flaky = FakeStep.named("migrate").failTimes(2).retry(RetryPolicy.attempts(3)).trace(trace).build();
 * FakeStep broken = FakeStep.named("health").failAlways().verification().build();
 * FakeStep sticky = FakeStep.named("config").failCompensation().build();
 * }</pre>
 *
 * <p>Thread-safe. Unlike production steps its compensation uses in-memory state (the trace), so
 * it cannot be recovered from a journal in another process.
 */
public final class FakeStep implements Step {
    private final String name;
    private final StepKind kind;
    private final StepPolicy policy;
    private final int failFromCall;
    private final int failUntilCall;
    private final boolean hang;
    private final int compensationFailures;
    private final Optional<String> irreversible;
    private final Trace trace;
    private final String validationProblem;
    private final AtomicInteger executions = new AtomicInteger();
    private final AtomicInteger compensations = new AtomicInteger();

    private FakeStep(Builder b) {
        this.name = b.name;
        this.kind = b.kind;
        this.policy = b.policy;
        this.failFromCall = b.failFromCall;
        this.failUntilCall = b.failUntilCall;
        this.hang = b.hang;
        this.compensationFailures = b.compensationFailures;
        this.irreversible = b.irreversible;
        this.trace = b.trace;
        this.validationProblem = b.validationProblem;
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    /** How many times the action ran (attempts included). */
    public int executions() {
        return executions.get();
    }

    /** How many times the compensation ran (attempts included). */
    public int compensations() {
        return compensations.get();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public StepKind kind() {
        return kind;
    }

    @Override
    public StepPolicy policy() {
        return policy;
    }

    @Override
    public void validate(StepContext ctx) {
        if (validationProblem != null) {
            throw new dev.backstep.StepValidationException(name, validationProblem);
        }
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        int call = executions.incrementAndGet();
        if (!hang && call >= failFromCall && call <= failUntilCall) {
            // a clean failure: nothing recorded, nothing changed, so nothing to compensate
            trace.add("fail " + name);
            throw new FakeFailure("fake step '" + name + "' failed on call " + call);
        }
        ctx.record("fake", name);
        if (hang) {
            trace.add("hang " + name);
            while (!ctx.isCancelled()) {
                Thread.sleep(10);
            }
            throw new InterruptedException("fake step '" + name + "' stopped hanging");
        }
        trace.add("do " + name);
    }

    @Override
    public Compensation compensation() {
        if (irreversible.isPresent()) {
            return Compensation.none(irreversible.get());
        }
        return ctx -> {
            int call = compensations.incrementAndGet();
            if (call <= compensationFailures) {
                trace.add("undo-fail " + name);
                throw new FakeFailure("compensation of fake step '" + name + "' failed on call " + call);
            }
            trace.add("undo " + name);
        };
    }

    @Override
    public String describe() {
        return "fake step " + name;
    }

    @Override
    public String toString() {
        return "FakeStep[" + name + "]";
    }

    /** What fake steps throw. */
    public static final class FakeFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public FakeFailure(String message) {
            super(message);
        }
    }

    /** Builder of {@link FakeStep}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private StepKind kind = StepKind.COMPENSATABLE;
        private StepPolicy policy = StepPolicy.ofDefaults();
        private int failFromCall = Integer.MAX_VALUE;
        private int failUntilCall = Integer.MAX_VALUE;
        private boolean hang;
        private int compensationFailures;
        private Optional<String> irreversible = Optional.empty();
        private Trace trace = new Trace();
        private String validationProblem;

        private Builder(String name) {
            this.name = dev.backstep.PlanDefinitionException.requireNonNull(name, null, "the step name");
        }

        /** Fails on the {@code n}-th call only (1-based). */
        public Builder failOnCall(int n) {
            failFromCall = n;
            failUntilCall = n;
            return this;
        }

        /** Fails on the first {@code n} calls, then succeeds. */
        public Builder failTimes(int n) {
            failFromCall = 1;
            failUntilCall = n;
            return this;
        }

        /** Fails on every call. */
        public Builder failAlways() {
            failFromCall = 1;
            failUntilCall = Integer.MAX_VALUE;
            return this;
        }

        /** Blocks until cancelled (use with a timeout). */
        public Builder hang() {
            hang = true;
            return this;
        }

        /** The compensation fails on every call. */
        public Builder failCompensation() {
            compensationFailures = Integer.MAX_VALUE;
            return this;
        }

        /** The compensation fails on its first {@code n} calls. */
        public Builder failCompensationTimes(int n) {
            compensationFailures = n;
            return this;
        }

        /** Validation reports this problem. */
        public Builder invalid(String problem) {
            validationProblem = problem;
            return this;
        }

        public Builder irreversible(String why) {
            irreversible = Optional.of(why);
            return this;
        }

        public Builder pivot() {
            kind = StepKind.PIVOT;
            return this;
        }

        public Builder verification() {
            kind = StepKind.VERIFICATION;
            return this;
        }

        public Builder retry(RetryPolicy retry) {
            policy = policy.withRetry(retry);
            return this;
        }

        public Builder timeout(Duration timeout) {
            policy = policy.withTimeout(timeout);
            return this;
        }

        public Builder compensationRetry(RetryPolicy retry) {
            policy = policy.withCompensationRetry(retry);
            return this;
        }

        public Builder compensationTimeout(Duration timeout) {
            policy = policy.withCompensationTimeout(timeout);
            return this;
        }

        public Builder trace(Trace trace) {
            this.trace = dev.backstep.PlanDefinitionException.requireNonNull(trace, null, "the trace");
            return this;
        }

        public FakeStep build() {
            return new FakeStep(this);
        }
    }
}
