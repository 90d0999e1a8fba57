package dev.backstep.check;

import dev.backstep.Compensation;
import dev.backstep.PlanDefinitionException;
import dev.backstep.StepValidationException;
import dev.backstep.check.internal.Polling;

/** What the check classes share. */
final class Checks {
    /** Checks change nothing, so there is nothing to undo. */
    static final Compensation NOTHING_TO_UNDO = new Compensation() {
        @Override
        public void compensate(dev.backstep.StepContext ctx) {
            // a check has no side effects
        }

        @Override
        public String toString() {
            return "nothing to undo (a check)";
        }
    };

    private Checks() {
    }

    static String name(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new PlanDefinitionException(null, null, "check " + what + ": a check needs a non-blank name, was '"
                    + name + "'");
        }
        return name;
    }

    static void validate(String stepName, Polling polling) {
        polling.problem().ifPresent(p -> {
            throw new StepValidationException(stepName, p);
        });
    }
}
