package dev.backstep.internal;

import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.PlanDefinitionException;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import dev.backstep.StepPolicy;
import java.util.List;
import java.util.Objects;

/**
 * A step with another name, kind or policy than the step it wraps, or (a user's typed step) with
 * the compensation the runner registered for its type.
 */
public final class DecoratedStep implements Step {
    private final Step delegate;
    private final String name;
    private final StepKind kind;
    private final StepPolicy policy;
    private final Compensation bound; // null: the delegate's own compensation

    private DecoratedStep(Step delegate, String name, StepKind kind, StepPolicy policy, Compensation bound) {
        this.delegate = delegate;
        this.name = name;
        this.kind = kind;
        this.policy = policy;
        this.bound = bound;
    }

    public static DecoratedStep of(Step step) {
        if (step instanceof DecoratedStep d) {
            return d;
        }
        return new DecoratedStep(step, step.name(), step.kind(), step.policy(), null);
    }

    public DecoratedStep name(String newName) {
        return new DecoratedStep(delegate, PlanDefinitionException.requireNonNull(newName, name, "the new name"), kind,
                policy, bound);
    }

    public DecoratedStep kind(StepKind newKind) {
        return new DecoratedStep(delegate, name, PlanDefinitionException.requireNonNull(newKind, name, "the kind"),
                policy, bound);
    }

    public DecoratedStep policy(StepPolicy newPolicy) {
        return new DecoratedStep(delegate, name, kind,
                PlanDefinitionException.requireNonNull(newPolicy, name, "the policy"), bound);
    }

    /** This step undone by {@code compensation}, the one registered for its type. */
    DecoratedStep bound(Compensation compensation) {
        return new DecoratedStep(delegate, name, kind, policy, Objects.requireNonNull(compensation, "compensation"));
    }

    /** Whether the runner bound a registered compensation to this step ({@link #bound}). */
    boolean isBound() {
        return bound != null;
    }

    /** The step this one decorates. */
    Step delegate() {
        return delegate;
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
    public void execute(StepContext ctx) throws Exception {
        delegate.execute(ctx);
    }

    @Override
    public Compensation compensation() {
        return bound != null ? bound : delegate.compensation();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void validate(StepContext ctx) throws Exception {
        delegate.validate(ctx);
    }

    @Override
    public String preview(StepContext ctx) throws Exception {
        return delegate.preview(ctx);
    }

    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) throws Exception {
        return delegate.fingerprint(ctx);
    }

    @Override
    public String type() {
        return delegate.type();
    }

    @Override
    public java.util.Set<dev.backstep.Secret> secrets() {
        return delegate.secrets();
    }

    @Override
    public boolean hostIndependent() {
        return delegate.hostIndependent();
    }

    @Override
    public String toString() {
        return "Step[" + name + "]";
    }
}
