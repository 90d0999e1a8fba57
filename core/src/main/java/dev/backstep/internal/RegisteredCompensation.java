package dev.backstep.internal;

import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.StepException;

/**
 * The compensation of a typed step built without one ({@code Step.named(..).type("acme.x")}): it
 * stands for "whatever the runner registered for this type". The runner replaces it with the
 * registered compensation before the run starts ({@link UserStepTypes#bind}), or refuses the run.
 *
 * @param type the step's type id
 * @param stepName the step's name
 */
public record RegisteredCompensation(String type, String stepName) implements Compensation {

    @Override
    public void compensate(StepContext ctx) {
        // only reached when a step is used outside a runner (a test harness): say what is missing
        throw new StepException(stepName, "step '" + stepName + "' is undone by the compensation registered for"
                + " type '" + type + "', and none is registered here");
    }
}
