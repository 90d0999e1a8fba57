package dev.backstep.temporal;

import dev.backstep.StepKind;
import dev.backstep.StepStatus;
import java.util.Map;

/**
 * What happened to one step of a run on Temporal, in a form that travels through workflow
 * history. {@link RunRecord#toRunResult()} turns it into a {@link dev.backstep.StepOutcome}.
 *
 * <pre>{@code
 * StepRecord s = record.steps().get(0);
 * System.out.println(s.name() + " " + s.status() + " " + s.recorded());
 * }</pre>
 *
 * @param name step name
 * @param kind step kind
 * @param type the step's type id ({@link dev.backstep.Step#type()})
 * @param stage index of the stage (parallel group) the step belongs to
 * @param status final status
 * @param startedAt epoch millis the action started, or null
 * @param endedAt epoch millis the action ended, or null
 * @param attempts how many times the action ran
 * @param error the action's failure message, or null
 * @param outcomeUnknown whether the action was cut off (timeout) and may be partly applied
 * @param compensationStartedAt epoch millis the compensation started, or null
 * @param compensationEndedAt epoch millis the compensation ended, or null
 * @param compensationError the compensation's failure message, or null
 * @param note why the step was not compensated, or null
 * @param summary what the action said it changed, or null
 * @param recorded the undo values the action recorded
 */
public record StepRecord(String name, StepKind kind, String type, int stage, StepStatus status, Long startedAt, Long endedAt,
                         int attempts, String error, boolean outcomeUnknown, Long compensationStartedAt,
                         Long compensationEndedAt, String compensationError, String note, String summary,
                         Map<String, String> recorded) {
    public StepRecord {
        recorded = recorded == null ? Map.of() : Map.copyOf(recorded);
    }

    /** True when the step's effect is or may still be in place, counting a cut-off action. */
    public boolean mayBeApplied() {
        return status == StepStatus.SUCCEEDED || (status == StepStatus.FAILED && outcomeUnknown);
    }
}
