package dev.backstep.internal;

import dev.backstep.Plan;
import dev.backstep.Step;
import dev.backstep.StepKind;
import java.util.List;
import java.util.Optional;

/** The immutable plan {@link PlanBuilder} builds. */
public record DefaultPlan(String name, String target, List<Stage> stages, List<Step> afterRollback,
                          List<Step> verifyAfterRollback, List<dev.backstep.Evidence> evidence) implements Plan {

    public DefaultPlan {
        stages = List.copyOf(stages);
        afterRollback = List.copyOf(afterRollback);
        verifyAfterRollback = List.copyOf(verifyAfterRollback);
        evidence = List.copyOf(evidence);
    }

    public DefaultPlan(String name, String target, List<Stage> stages, List<Step> afterRollback,
                       List<Step> verifyAfterRollback) {
        this(name, target, stages, afterRollback, verifyAfterRollback, List.of());
    }

    public DefaultPlan(String name, String target, List<Stage> stages) {
        this(name, target, stages, List.of(), List.of());
    }

    @Override
    public List<Step> steps() {
        return stages.stream().flatMap(s -> s.steps().stream()).toList();
    }

    @Override
    public Optional<Step> step(String stepName) {
        return steps().stream().filter(s -> s.name().equals(stepName)).findFirst();
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder("Plan '").append(name).append("' (target ").append(target).append(")\n");
        int i = 1;
        for (Stage stage : stages) {
            if (stage.parallel()) {
                b.append(String.format("%3d. in parallel:%n", i++));
                for (Step s : stage.steps()) {
                    b.append("       - ").append(line(s)).append('\n');
                }
            } else {
                b.append(String.format("%3d. %s%n", i++, line(stage.steps().get(0))));
            }
        }
        RollbackHooks.describe(this, b);
        return b.toString();
    }

    private static String line(Step s) {
        String tag = switch (s.kind()) {
            case PIVOT -> " [pivot]";
            case VERIFICATION -> " [verify]";
            case COMPENSATABLE -> s.compensation().irreversibleReason().map(r -> " [irreversible]").orElse("");
        };
        String d = s.describe();
        return s.name() + tag + (d.equals(s.name()) ? "" : ": " + d);
    }

    @Override
    public String toMermaid() {
        StringBuilder b = new StringBuilder("flowchart TD\n");
        b.append("  start([\"").append(esc(name)).append("\"])\n");
        List<String> previous = List.of("start");
        int n = 0;
        java.util.List<String> undoable = new java.util.ArrayList<>();
        for (Stage stage : stages) {
            java.util.List<String> ids = new java.util.ArrayList<>();
            for (Step s : stage.steps()) {
                String id = "s" + (n++);
                ids.add(id);
                String shape = s.kind() == StepKind.VERIFICATION ? "{{\"%s\"}}"
                        : s.kind() == StepKind.PIVOT ? "[/\"%s\"/]" : "[\"%s\"]";
                b.append("  ").append(id).append(String.format(shape, esc(s.name()))).append('\n');
                for (String p : previous) {
                    b.append("  ").append(p).append(" --> ").append(id).append('\n');
                }
                if (s.kind() == StepKind.COMPENSATABLE && s.compensation().irreversibleReason().isEmpty()) {
                    undoable.add(id);
                }
            }
            previous = ids;
        }
        b.append("  done([\"done\"])\n");
        for (String p : previous) {
            b.append("  ").append(p).append(" --> done\n");
        }
        for (int i = undoable.size() - 1; i > 0; i--) {
            b.append("  ").append(undoable.get(i)).append(" -. undo .-> ").append(undoable.get(i - 1)).append('\n');
        }
        RollbackHooks.mermaid(this, undoable.isEmpty() ? null : undoable.get(0), b);
        return b.toString();
    }

    private static String esc(String s) {
        return s.replace("\"", "#quot;");
    }

    @Override
    public String toString() {
        return "Plan[" + name + ", " + stages.size() + " stages]";
    }
}
