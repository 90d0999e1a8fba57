package dev.backstep.check;

import dev.backstep.Compensation;
import dev.backstep.Step;
import dev.backstep.StepKind;

/** What every check shares: it is a verification, and there is nothing to undo. */
interface VerificationStep extends Step {

    @Override
    default StepKind kind() {
        return StepKind.VERIFICATION;
    }

    @Override
    default Compensation compensation() {
        return Checks.NOTHING_TO_UNDO;
    }
}
