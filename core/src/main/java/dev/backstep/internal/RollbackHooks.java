package dev.backstep.internal;

import dev.backstep.Command;
import dev.backstep.Compensation;
import dev.backstep.Plan;
import dev.backstep.RollbackRefusedException;
import dev.backstep.RollbackStepFailedException;
import dev.backstep.RunId;
import dev.backstep.RunStatus;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import dev.backstep.StepOutcome;
import dev.backstep.StepPolicy;
import dev.backstep.event.RunEvent;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JournalRecord.Keys;
import dev.backstep.spi.StepRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * The last phase of a rollback: a plan's {@code afterRollback} steps, then its
 * {@code verifyAfterRollback} checks, after every compensation. Used by live rollbacks, rollbacks
 * of finished runs and recovery.
 *
 * <p>Their definitions are journaled with the run's first record ({@link #runStartedData}), so that
 * a process without the plan can run them: a {@link Command} by its argv, directory, environment
 * (secrets by name only) and timeout, run by the registry's {@code "command"} compensation; a typed
 * user step by its type, run by the compensation registered for it. Their executions are journaled
 * as step records marked {@link #MARK}, which the replay of a run skips: they are never applied,
 * never compensated, and run again by every rollback (they must be idempotent).
 */
final class RollbackHooks {
    /** Data key of the journal records of rollback steps (value: the phase). */
    static final String MARK = Keys.ROLLBACK_STEP;
    private static final String PREFIX = Keys.ROLLBACK_STEP_PREFIX;

    private RollbackHooks() {
    }

    /** One step of the phase, ready to run. */
    record Hook(String name, boolean verification, String type, StepPolicy policy, Map<String, String> definition,
                StepContext.Phase phase, Attempts.Body body) {
        StepKind kind() {
            return verification ? StepKind.VERIFICATION : StepKind.COMPENSATABLE;
        }
    }

    /** What the phase did. */
    record Outcome(List<StepOutcome> outcomes, List<Throwable> failures, boolean interrupted) {
        static final Outcome NONE = new Outcome(List.of(), List.of(), false);

        /** The run's status once this phase ran after a rollback that ended {@code status}. */
        RunStatus status(RunStatus status) {
            if (interrupted) {
                return RunStatus.INTERRUPTED;
            }
            return failures.isEmpty() || status == RunStatus.INTERRUPTED ? status : RunStatus.ROLLBACK_FAILED;
        }
    }

    // ---- plan building, outlines -------------------------------------------------------------

    static void add(String what, Step[] steps, boolean verification, List<Step> into, List<String> problems) {
        if (steps == null || steps.length == 0) {
            problems.add(what + "(...) was given no step");
            return;
        }
        for (Step s : steps) {
            if (s == null) {
                problems.add(what + " step #" + (into.size() + 1) + " is null");
                continue;
            }
            into.add(verification && s.kind() != StepKind.VERIFICATION ? DecoratedStep.of(s).kind(StepKind.VERIFICATION)
                    : s);
        }
    }

    static List<Step> steps(Plan plan) {
        List<Step> all = new ArrayList<>(plan.afterRollback());
        all.addAll(plan.verifyAfterRollback());
        return all;
    }

    /** The dry-run's "undo" column for a rollback step. */
    static String dryRunNote(Step step) {
        return step.kind() == StepKind.VERIFICATION
                ? "runs only in a rollback, after every compensation: checks the restored system (its failure: ROLLBACK_FAILED)"
                : "runs only in a rollback, after every compensation (afterRollback); not compensated";
    }

    static void describe(Plan plan, StringBuilder b) {
        if (steps(plan).isEmpty()) {
            return;
        }
        b.append("  on rollback, after every compensation:\n");
        for (Step s : steps(plan)) {
            String d = s.describe();
            b.append("     - ").append(s.name()).append(s.kind() == StepKind.VERIFICATION ? " [verify]" : " [then]")
                    .append(d.equals(s.name()) ? "" : ": " + d).append('\n');
        }
    }

    static void mermaid(Plan plan, String lastUndone, StringBuilder b) {
        List<Step> all = steps(plan);
        if (all.isEmpty()) {
            return;
        }
        b.append("  subgraph rollback[\"after every compensation\"]\n");
        for (int i = 0; i < all.size(); i++) {
            Step s = all.get(i);
            String shape = s.kind() == StepKind.VERIFICATION ? "{{\"%s\"}}" : "[\"%s\"]";
            b.append("    r").append(i).append(String.format(shape, s.name().replace("\"", "#quot;"))).append('\n');
        }
        for (int i = 1; i < all.size(); i++) {
            b.append("    r").append(i - 1).append(" --> r").append(i).append('\n');
        }
        b.append("  end\n");
        if (lastUndone != null) {
            b.append("  ").append(lastUndone).append(" -. then .-> r0\n");
        }
    }

    // ---- journaling the definitions ----------------------------------------------------------

    /** The RUN_STARTED data that lets a process without the plan run the rollback steps. */
    static Map<String, String> runStartedData(Plan plan) {
        Map<String, String> d = new LinkedHashMap<>();
        int i = 0;
        for (Step s : steps(plan)) {
            String p = PREFIX + i++ + ".";
            d.put(p + "name", s.name());
            d.put(p + "verification", Boolean.toString(s.kind() == StepKind.VERIFICATION));
            d.put(p + "type", journaledType(s));
            d.put(p + "definition", JsonText.stringObject(definition(s)));
        }
        return d;
    }

    /** The type a process without the plan resolves the step by; {@link Step#CUSTOM_TYPE} when none can. */
    private static String journaledType(Step s) {
        if (unwrap(s) instanceof Command) {
            return Command.TYPE;
        }
        return UserStepTypes.isUserTyped(s) ? s.type() : Step.CUSTOM_TYPE;
    }

    private static Map<String, String> definition(Step s) {
        return unwrap(s) instanceof Command c ? CommandCompensation.record(c.spec()) : Map.of();
    }

    /** The step under renames, retries and kinds ({@code verifyAfterRollback(Command.of(...))}). */
    private static Step unwrap(Step s) {
        Step x = s;
        while (x instanceof DecoratedStep d) {
            x = d.delegate();
        }
        return x;
    }

    // ---- resolving -------------------------------------------------------------------------

    /** The rollback steps of a live run: the plan's own objects. */
    static List<Hook> fromPlan(Plan plan) {
        List<Hook> out = new ArrayList<>();
        for (Step s : steps(plan)) {
            out.add(live(s));
        }
        return out;
    }

    private static Hook live(Step s) {
        return new Hook(s.name(), s.kind() == StepKind.VERIFICATION, journaledType(s), s.policy(), Map.of(),
                StepContext.Phase.FORWARD, s::execute);
    }

    /**
     * The rollback steps of a journaled run: the plan's objects when the plan is known, else what
     * the registry resolves from the journaled definitions.
     *
     * @throws RollbackRefusedException naming every step nothing resolves; nothing was changed
     */
    static List<Hook> fromJournal(RunId runId, String planName, Map<String, String> runData, Optional<Plan> plan,
                                  StepRegistry registry, StepPolicy registryPolicy) {
        List<Hook> out = new ArrayList<>();
        List<String> unresolved = new ArrayList<>();
        for (int i = 0; runData.containsKey(PREFIX + i + ".name"); i++) {
            String p = PREFIX + i + ".";
            String name = runData.get(p + "name");
            boolean verification = Boolean.parseBoolean(runData.get(p + "verification"));
            String type = runData.getOrDefault(p + "type", Step.CUSTOM_TYPE);
            Optional<Step> own = plan.flatMap(pl -> steps(pl).stream().filter(s -> s.name().equals(name)).findFirst());
            if (own.isPresent()) {
                out.add(live(own.get()));
                continue;
            }
            Optional<Compensation> c = Step.CUSTOM_TYPE.equals(type) ? Optional.empty() : registry.compensation(type);
            if (c.isEmpty()) {
                unresolved.add("'" + name + "' (type " + type + ")");
                continue;
            }
            Map<String, String> definition;
            try {
                definition = JsonText.parseStringObject(runData.getOrDefault(p + "definition", "{}"));
            } catch (JsonText.JsonException e) {
                throw new RollbackRefusedException("run " + runId + ": the journaled definition of rollback step '"
                        + name + "' is corrupt (" + e.getMessage() + "); nothing was changed");
            }
            StepPolicy policy = StepPolicy.ofDefaults().withRetry(registryPolicy.compensationRetry());
            if (registryPolicy.compensationTimeout().isPresent()) {
                policy = policy.withTimeout(registryPolicy.compensationTimeout().get());
            }
            Compensation run = c.get();
            out.add(new Hook(name, verification, type, policy, definition, StepContext.Phase.COMPENSATE,
                    run::compensate));
        }
        if (!unresolved.isEmpty()) {
            throw new RollbackRefusedException("run " + runId + " of plan '" + planName + "' cannot be rolled back:"
                    + " nothing resolves its after-rollback step(s) " + String.join(", ", unresolved)
                    + "; pass the plan to the runner (Runner.Builder.plan / recover(plan)), or use Command or typed"
                    + " steps whose type is registered; nothing was changed");
        }
        return out;
    }

    // ---- running -----------------------------------------------------------------------------

    /**
     * Runs every hook in order (after-rollback steps, then checks), each with its policy; a failure
     * does not stop the others. Stops at an interrupt.
     */
    static Outcome run(List<Hook> hooks, RunInfo run, RunJournal journal, Listeners listeners, ExecutorService pool) {
        if (hooks.isEmpty()) {
            return Outcome.NONE;
        }
        List<Attempt> attempts = new ArrayList<>();
        Map<String, Throwable> errors = new LinkedHashMap<>();
        boolean interrupted = false;
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < hooks.size() && !interrupted; i++) {
            if (Thread.interrupted()) {
                interrupted = true;
                break;
            }
            Hook h = hooks.get(i);
            Attempt hooksOf = new Attempt(h, run, journal, listeners);
            attempts.add(hooksOf);
            try {
                int n = Attempts.run(h.name(), h.policy().retry(), h.policy().timeout(), pool, h.body(), hooksOf);
                journal.append(JournalRecord.Type.STEP_SUCCEEDED, h.name(), MARK, hooksOf.phaseName(),
                        Keys.ATTEMPTS, Integer.toString(n));
            } catch (Throwable t) {
                Throwable cause = Errors.unwrap(t);
                if (Thread.interrupted() || cause instanceof InterruptedException) {
                    // recover() runs the phase again
                    interrupted = true;
                    journal.append(JournalRecord.Type.STEP_FAILED, h.name(), MARK, hooksOf.phaseName(),
                            Keys.ERROR, "interrupted", Keys.INTERRUPTED, "true");
                    failures.add(new dev.backstep.StepCancelledException(h.name()));
                    break;
                }
                RollbackStepFailedException f = new RollbackStepFailedException(h.name(), h.verification(),
                        hooksOf.lastAttempt, cause);
                errors.put(h.name(), f);
                journal.append(JournalRecord.Type.STEP_FAILED, h.name(), MARK, hooksOf.phaseName(),
                        Keys.ERROR, Errors.message(cause), Keys.ERROR_TYPE, cause.getClass().getName());
                failures.add(f);
            }
        }
        List<StepOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < hooks.size(); i++) {
            Hook h = hooks.get(i);
            Optional<String> summary = i < attempts.size() ? attempts.get(i).summary() : Optional.empty();
            outcomes.add(outcome(h, journal.state(), errors.get(h.name()), summary));
        }
        return new Outcome(outcomes, failures, interrupted);
    }

    /** A rollback-phase step's outcome, as its records fold into the run's state (never applied). */
    private static StepOutcome outcome(Hook h, RunState state, Throwable error, Optional<String> summary) {
        RunState.Step s = state == null ? null : state.rollbackSteps.get(h.name());
        if (s == null) {
            return new StepOutcome(h.name(), h.kind(), dev.backstep.StepStatus.NOT_RUN, Optional.empty(),
                    Optional.empty(), 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), summary, h.definition());
        }
        return new StepOutcome(h.name(), h.kind(), s.status(), Optional.ofNullable(s.startedAt()),
                Optional.ofNullable(s.endedAt()), s.attempts(), Optional.ofNullable(error), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), summary, h.definition());
    }

    /** Journals and reports each attempt of a hook. */
    private static final class Attempt implements Attempts.Hooks {
        private final Hook hook;
        private final RunInfo run;
        private final RunJournal journal;
        private final Listeners listeners;
        /** Hooks record nothing that matters later: a step's own {@code ctx.record} goes nowhere. */
        private final RunJournal scratch;
        private volatile int lastAttempt = 1;
        private volatile DefaultStepContext last;

        Attempt(Hook hook, RunInfo run, RunJournal journal, Listeners listeners) {
            this.hook = hook;
            this.run = run;
            this.journal = journal;
            this.listeners = listeners;
            this.scratch = new RunJournal(new InMemoryJournal(), run.runId(), run.clock(), 0);
        }

        String phaseName() {
            return hook.verification() ? "verifyAfterRollback" : "afterRollback";
        }

        /** The summary the step gave in its last attempt. */
        Optional<String> summary() {
            DefaultStepContext c = last;
            return c == null ? Optional.empty() : c.summaryGiven();
        }

        @Override
        public DefaultStepContext contextFor(int attempt) {
            DefaultStepContext c = new DefaultStepContext(run, hook.name(), hook.phase(), attempt, scratch,
                    hook.definition());
            last = c;
            return c;
        }

        @Override
        public void started(int attempt) {
            lastAttempt = attempt;
            Instant now = run.clock().instant();
            journal.append(JournalRecord.Type.STEP_STARTED, hook.name(), MARK, phaseName(), Keys.KIND, hook.kind().name(),
                    Keys.TYPE, hook.type(), Keys.ATTEMPT, Integer.toString(attempt));
            listeners.emit(new RunEvent.RollbackStepStarted(run.runId(), now, hook.name(), hook.kind(), attempt));
        }

        @Override
        public void ended(int attempt, Duration took, Throwable error) {
            listeners.emit(new RunEvent.RollbackStepFinished(run.runId(), run.clock().instant(), hook.name(),
                    hook.kind(), attempt, took, Optional.ofNullable(error)));
        }

        @Override
        public void retrying(int failedAttempt, Duration delay, Throwable error) {
            journal.append(JournalRecord.Type.STEP_FAILED, hook.name(), MARK, phaseName(), Keys.ERROR,
                    Errors.message(error), Keys.ERROR_TYPE, error.getClass().getName(), Keys.ATTEMPT,
                    Integer.toString(failedAttempt), Keys.RETRYING, "true");
            listeners.emit(new RunEvent.StepRetrying(run.runId(), run.clock().instant(), hook.name(), false,
                    failedAttempt, delay, error));
        }
    }
}
