package dev.backstep.internal;

import dev.backstep.Compensation;
import dev.backstep.Step;
import dev.backstep.StepAction;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import dev.backstep.StepPolicy;

/** A step built by {@link Step#named}; its components named like {@link Step}'s methods are their answers. */
public record LambdaStep(String name, StepKind kind, StepAction action, Compensation compensation,
                         String describe, StepPolicy policy, StepAction validation,
                         Step.FingerprintSource fingerprints, String type) implements Step {

    @Override
    public java.util.List<dev.backstep.Fingerprint> fingerprint(StepContext ctx) throws Exception {
        return fingerprints.fingerprint(ctx);
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        action.run(ctx);
    }

    @Override
    public void validate(StepContext ctx) throws Exception {
        validation.run(ctx);
    }

    @Override
    public String toString() {
        return "Step[" + name + "]";
    }
}
