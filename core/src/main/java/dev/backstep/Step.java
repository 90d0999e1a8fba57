package dev.backstep;

import dev.backstep.internal.DecoratedStep;
import dev.backstep.internal.LambdaStep;
import java.time.Duration;
import java.util.List;

/**
 * One unit of a {@link Plan}: a forward action, the {@link Compensation} that undoes it, a
 * description for dry-runs, a {@link StepKind} and a {@link StepPolicy}.
 *
 * <p>Adapters ship ready-made steps ({@code Git.checkout}, {@code ConfigFile.replace},
 * {@link Command}); ad-hoc steps are built from lambdas:
 *
 * <pre>{@code
 * Step s = Step.named("write marker")
 *     .action(ctx -> { ctx.record("file", marker.toString()); Files.writeString(marker, "x"); })
 *     .compensation(ctx -> Files.deleteIfExists(marker))
 *     .describe("create " + marker)
 *     .retry(RetryPolicy.attempts(3))
 *     .build();
 * Step later = Git.checkout(repo, "v1.3.0").withTimeout(Duration.ofMinutes(2));
 * }</pre>
 *
 * <p>Implementations must be immutable and thread-safe: a plan may run many times, and parallel
 * groups run their steps on several threads.
 */
public interface Step {

    /** The type id of steps that only exist in memory (built from lambdas). */
    String CUSTOM_TYPE = "custom";

    /** Unique within a plan. */
    String name();

    default StepKind kind() {
        return StepKind.COMPENSATABLE;
    }

    /** The forward action. */
    void execute(StepContext ctx) throws Exception;

    /** Undoes {@link #execute}; {@link Compensation#none} when it cannot be undone. */
    Compensation compensation();

    /** One line for previews and reports: what this step will do. */
    String describe();

    /**
     * Checks the step's input without changing anything (refs exist, paths are inside their base,
     * files are readable). The runner validates every step before the first one executes, and
     * dry-runs validate too. Throw {@link StepValidationException}.
     */
    default void validate(StepContext ctx) throws Exception {
    }

    /**
     * What this step would do given the current state, read-only (for example
     * {@code abc1234 -> def5678}). Defaults to {@link #describe()}.
     */
    default String preview(StepContext ctx) throws Exception {
        return describe();
    }

    /**
     * Describes, read-only, the current state of the resources this step touches (a file's
     * checksum and mode, a repository's HEAD and status), for {@link Runner#rehearse}: the state
     * before the step's run and after its rollback must describe equal. Must change nothing;
     * called with a {@link StepContext.Phase#VALIDATE} context. The default describes nothing:
     * arbitrary programs ({@link Command}) cannot be fingerprinted; wrap such a step and describe
     * what it touches.
     *
     * <pre>{@code
     * public List<Fingerprint> fingerprint(StepContext ctx) throws IOException {
     *     return List.of(Fingerprint.of("file:" + marker, "exists", String.valueOf(Files.exists(marker))));
     * }
     * }</pre>
     */
    default List<Fingerprint> fingerprint(StepContext ctx) throws Exception {
        return List.of();
    }

    default StepPolicy policy() {
        return StepPolicy.ofDefaults();
    }

    /**
     * The secrets this step holds (a command's secret environment, a secret header, a password
     * written into a file). The run masks each of them wherever it writes text, in every step of
     * the run, not only in this one: see {@link Secret}. Default: none.
     *
     * <pre>{@code
     * public Set<Secret> secrets() {
     *     return Set.of(apiToken);
     * }
     * }</pre>
     */
    default java.util.Set<Secret> secrets() {
        return java.util.Set.of();
    }

    /**
     * Whether this step's compensation works from any host: true for steps that act on shared,
     * remote resources only (a database server reached over the network). The default, false,
     * means host-local (files, releases, git working copies, local commands and units): a run
     * with such a step still applied is rolled back and recovered only on the host that ran it
     * ({@link HostAffinityException} elsewhere). Journaled with the step.
     *
     * <pre>{@code
     * public boolean hostIndependent() {
     *     return true; // only talks to db.internal:5432
     * }
     * }</pre>
     */
    default boolean hostIndependent() {
        return false;
    }

    /**
     * Identifies the compensation in a {@code StepRegistry} so that a run can be rolled back or
     * recovered without this object in memory. Steps whose compensation needs nothing but the
     * recorded values return a stable id such as {@code "git.checkout"}.
     */
    default String type() {
        return CUSTOM_TYPE;
    }

    /** This step with another retry policy for its action. */
    default Step withRetry(RetryPolicy retry) {
        return DecoratedStep.of(this).policy(Step.policy(name(), () -> policy().withRetry(retry)));
    }

    /** This step with a timeout for each attempt of its action. */
    default Step withTimeout(Duration timeout) {
        return DecoratedStep.of(this).policy(Step.policy(name(), () -> policy().withTimeout(timeout)));
    }

    /** This step with another retry policy for its compensation. */
    default Step withCompensationRetry(RetryPolicy retry) {
        return DecoratedStep.of(this).policy(Step.policy(name(), () -> policy().withCompensationRetry(retry)));
    }

    /** This step with a timeout for each attempt of its compensation. */
    default Step withCompensationTimeout(Duration timeout) {
        return DecoratedStep.of(this).policy(Step.policy(name(), () -> policy().withCompensationTimeout(timeout)));
    }

    /** This step under another name (to use one step type twice in a plan). */
    default Step withName(String name) {
        return DecoratedStep.of(this).name(name);
    }

    /** This step as the plan's point of no return. */
    default Step asPivot() {
        return DecoratedStep.of(this).kind(StepKind.PIVOT);
    }

    /** Starts a step built from lambdas. */
    static Builder named(String name) {
        return new Builder(name);
    }

    /** {@code change}'s policy, its definition mistakes named after the step {@code stepName}. */
    private static StepPolicy policy(String stepName, java.util.function.Supplier<StepPolicy> change) {
        try {
            return change.get();
        } catch (PlanDefinitionException e) {
            throw e.inStep(stepName);
        }
    }

    /**
     * A verification: a check without side effects whose failure rolls the run back.
     *
     * <pre>{@code
     * Step.verification("smoke test", ctx -> assertOk(http.get("/health")));
     * }</pre>
     */
    static Step verification(String name, StepAction check) {
        return named(name).action(check).kind(StepKind.VERIFICATION).build();
    }

    /** What {@link Builder#fingerprint} takes: a read-only description of the step's resources. */
    @FunctionalInterface
    interface FingerprintSource {
        List<Fingerprint> fingerprint(StepContext ctx) throws Exception;
    }

    /** Builder of lambda steps. Not thread-safe; the built step is immutable. */
    final class Builder {
        private final String name;
        private StepAction action;
        private Compensation compensation;
        private String description;
        private StepKind kind = StepKind.COMPENSATABLE;
        private StepPolicy policy = StepPolicy.ofDefaults();
        private StepAction validation = ctx -> { };
        private FingerprintSource fingerprints = ctx -> List.of();
        private String type = CUSTOM_TYPE;

        private Builder(String name) {
            this.name = name;
        }

        public Builder action(StepAction action) {
            this.action = PlanDefinitionException.requireNonNull(action, name, "the action");
            return this;
        }

        public Builder compensation(Compensation compensation) {
            this.compensation = PlanDefinitionException.requireNonNull(compensation, name, "the compensation");
            return this;
        }

        public Builder describe(String description) {
            this.description = PlanDefinitionException.requireNonNull(description, name, "the description");
            return this;
        }

        public Builder kind(StepKind kind) {
            this.kind = PlanDefinitionException.requireNonNull(kind, name, "the kind");
            return this;
        }

        /** Marks the step as the point of no return. */
        public Builder pivot() {
            return kind(StepKind.PIVOT);
        }

        /** Read-only input checks run before any step of the run executes. */
        public Builder validate(StepAction validation) {
            this.validation = PlanDefinitionException.requireNonNull(validation, name, "the validation");
            return this;
        }

        /** Describes the resources the step touches, read-only, for {@link Runner#rehearse}. */
        public Builder fingerprint(FingerprintSource fingerprints) {
            this.fingerprints = PlanDefinitionException.requireNonNull(fingerprints, name, "the fingerprint source");
            return this;
        }

        /**
         * Gives the step a {@link Step#type() type id} so that it rolls back from the journal alone:
         * a rollback or recovery without this object runs the compensation registered for the type
         * ({@code Backstep.runner().compensation(type, ctx -> ...)} or a {@code StepRegistry}). Without
         * an own {@link #compensation}, the registered one also undoes the step live. The runner
         * refuses to run a typed step whose type it has not registered (nothing is changed).
         *
         * <pre>{@code
         * Step sync = Step.named("pip sync").type("acme.pip-sync")
         *     .action(ctx -> { ctx.record("freeze", freeze(venv)); pipInstall(venv, requirements); })
         *     .build();
         * Runner runner = Backstep.runner()
         *     .compensation("acme.pip-sync", ctx -> pipRestore(venv, ctx.recorded("freeze").orElseThrow()))
         *     .build();
         * }</pre>
         *
         * @throws PlanDefinitionException when the type is blank or {@link Step#CUSTOM_TYPE}
         */
        public Builder type(String type) {
            if (type == null || type.isBlank() || CUSTOM_TYPE.equals(type)) {
                throw new PlanDefinitionException(null, name, "type " + (type == null ? null : "'" + type + "'")
                        + " cannot identify a step type (blank or reserved)");
            }
            this.type = type;
            return this;
        }

        public Builder retry(RetryPolicy retry) {
            StepPolicy p = policy;
            policy = Step.policy(name, () -> p.withRetry(retry));
            return this;
        }

        public Builder timeout(Duration timeout) {
            StepPolicy p = policy;
            policy = Step.policy(name, () -> p.withTimeout(timeout));
            return this;
        }

        public Builder compensationRetry(RetryPolicy retry) {
            StepPolicy p = policy;
            policy = Step.policy(name, () -> p.withCompensationRetry(retry));
            return this;
        }

        public Builder compensationTimeout(Duration timeout) {
            StepPolicy p = policy;
            policy = Step.policy(name, () -> p.withCompensationTimeout(timeout));
            return this;
        }

        /**
         * Builds the step. A step without a compensation is a
         * {@link Compensation#none not-reversible} step unless it is a verification.
         *
         * @throws PlanDefinitionException when the name is blank or the action is missing
         */
        public Step build() {
            if (name == null || name.isBlank()) {
                throw new PlanDefinitionException(null, null, "a step needs a non-blank name, was "
                        + (name == null ? null : "'" + name + "'"));
            }
            if (action == null) {
                throw new PlanDefinitionException(null, name, "it has no action");
            }
            Compensation c = compensation;
            if (c == null && !CUSTOM_TYPE.equals(type) && kind != StepKind.VERIFICATION) {
                c = new dev.backstep.internal.RegisteredCompensation(type, name);
            }
            if (c == null) {
                c = kind == StepKind.VERIFICATION
                        ? ctx -> { }
                        : Compensation.none("step '" + name + "' declares no compensation");
            }
            return new LambdaStep(name, kind, action, c, description == null ? name : description,
                    policy, validation, fingerprints, type);
        }
    }
}
