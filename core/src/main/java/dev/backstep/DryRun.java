package dev.backstep;

import java.util.List;
import java.util.Optional;

/**
 * What {@link Runner#dryRun} found: per step, what it would do and what is wrong with its input.
 * Nothing was executed.
 *
 * <pre>{@code
 * DryRun preview = runner.dryRun(plan);
 * System.out.println(preview.toText());
 * if (!preview.valid()) System.exit(2);
 * }</pre>
 *
 * @param planName the plan
 * @param target the plan's target
 * @param steps one preview per step, in plan order
 */
public record DryRun(String planName, String target, List<StepPreview> steps) {

    public DryRun {
        steps = List.copyOf(steps);
    }

    /**
     * One step of a dry-run.
     *
     * @param name step name
     * @param kind step kind
     * @param stage 1-based stage number (members of a parallel group share it)
     * @param description what the step would do
     * @param undo how it would be undone ("irreversible: why" when it cannot be)
     * @param problem what is wrong with its input, if anything
     */
    public record StepPreview(String name, StepKind kind, int stage, String description, String undo,
                              Optional<String> problem) {
    }

    /** True when no step reported a problem. */
    public boolean valid() {
        return steps.stream().allMatch(s -> s.problem().isEmpty());
    }

    /** Every problem, one line each, prefixed with the step name. */
    public List<String> problems() {
        return steps.stream().filter(s -> s.problem().isPresent())
                .map(s -> s.name() + ": " + s.problem().get()).toList();
    }

    public String toText() {
        StringBuilder b = new StringBuilder("Dry run of '").append(planName).append("' (target ").append(target)
                .append("): nothing will be executed\n");
        for (StepPreview s : steps) {
            String description = s.description().strip().replace("\n", String.format("%n     %-28s ", ""));
            b.append(String.format("%3d. %-28s %s%n", s.stage(), s.name(), description));
            b.append(String.format("     %-28s undo: %s%n", "", s.undo()));
            s.problem().ifPresent(p -> b.append(String.format("     %-28s PROBLEM: %s%n", "", p)));
        }
        b.append(valid() ? "Plan is valid.\n" : problems().size() + " problem(s): the plan would not start.\n");
        return b.toString();
    }
}
