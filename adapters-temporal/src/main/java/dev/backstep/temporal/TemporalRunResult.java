package dev.backstep.temporal;

import dev.backstep.RunFailedException;
import dev.backstep.RunId;
import dev.backstep.RunReport;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.StepOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A {@link RunResult} rebuilt from a {@link RunRecord}. */
record TemporalRunResult(RunId runId, String planName, String target, RunStatus status, Instant startedAt,
                         Instant endedAt, List<StepOutcome> steps, Optional<RunFailedException> failure,
                         Optional<String> failedStep, List<String> compensated, List<String> stillApplied)
        implements RunResult {

    @Override
    public StepOutcome step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no step '" + name + "' in run " + runId));
    }

    @Override
    public RunReport report() {
        return new RunReport() {
            @Override
            public String toText() {
                StringBuilder b = new StringBuilder();
                b.append("run ").append(runId).append(" of plan '").append(planName).append("' on ")
                        .append(target).append(": ").append(status).append('\n');
                for (StepOutcome s : steps) {
                    b.append(String.format("  %-30s %-20s attempts=%d", s.name(), s.status(), s.attempts()));
                    s.error().ifPresent(e -> b.append("  error: ").append(e.getMessage()));
                    s.compensationError().ifPresent(e -> b.append("  compensation error: ").append(e.getMessage()));
                    s.note().ifPresent(n -> b.append("  (").append(n).append(')'));
                    b.append('\n');
                }
                return b.toString();
            }

            @Override
            public String toJson() {
                StringBuilder b = new StringBuilder("{\"runId\":").append(q(runId.value()))
                        .append(",\"plan\":").append(q(planName)).append(",\"target\":").append(q(target))
                        .append(",\"status\":").append(q(status.name())).append(",\"steps\":[");
                for (int i = 0; i < steps.size(); i++) {
                    StepOutcome s = steps.get(i);
                    b.append(i == 0 ? "" : ",").append("{\"name\":").append(q(s.name()))
                            .append(",\"status\":").append(q(s.status().name()))
                            .append(",\"attempts\":").append(s.attempts())
                            .append(",\"error\":").append(q(s.error().map(Throwable::getMessage).orElse(null)))
                            .append(",\"compensationError\":")
                            .append(q(s.compensationError().map(Throwable::getMessage).orElse(null)))
                            .append('}');
                }
                return b.append("]}").toString();
            }
        };
    }

    private static String q(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
