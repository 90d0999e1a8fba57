package dev.backstep.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.backstep.RunReport;
import dev.backstep.RunResult;
import dev.backstep.StepOutcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Renders a run result as a fixed-width table, as JSON and as an HTML page. */
public final class TextAndJsonReport implements RunReport {
    private final RunResult r;

    TextAndJsonReport(RunResult r) {
        this.r = r;
    }

    /** For {@link RunReport#of}: results made outside core (e.g. by another executor) render the same way. */
    public static RunReport of(RunResult r) {
        return new TextAndJsonReport(java.util.Objects.requireNonNull(r, "result"));
    }

    @Override
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("Run ").append(r.runId()).append(" of '").append(r.planName()).append("' on ").append(r.target())
                .append(": ").append(r.status()).append(" in ")
                .append(Duration.between(r.startedAt(), r.endedAt()).toMillis()).append(" ms\n");
        String fmt = "%-3s %-30s %-13s %-20s %8s %9s  %s%n";
        b.append(String.format(fmt, "#", "step", "kind", "status", "attempts", "ms", "detail"));
        b.append("-".repeat(100)).append('\n');
        int i = 1;
        for (StepOutcome s : r.steps()) {
            b.append(String.format(fmt, i++, clip(s.name(), 30), s.kind().name().toLowerCase(), s.status(),
                    s.attempts() == 0 ? "" : Integer.toString(s.attempts()),
                    s.duration().map(d -> Long.toString(d.toMillis())).orElse(""), detail(s)));
            s.summary().ifPresent(text -> text.strip().lines().forEach(l -> b.append("      | ").append(l).append('\n')));
        }
        if (!r.rollbackSteps().isEmpty()) {
            b.append("after every compensation:\n");
            for (StepOutcome s : r.rollbackSteps()) {
                b.append(String.format(fmt, "", clip(s.name(), 30),
                        s.kind() == dev.backstep.StepKind.VERIFICATION ? "verify" : "then", s.status(),
                        s.attempts() == 0 ? "" : Integer.toString(s.attempts()),
                        s.duration().map(d -> Long.toString(d.toMillis())).orElse(""), detail(s)));
            }
        }
        if (!r.compensated().isEmpty()) {
            b.append("compensated, in order: ").append(String.join(" <- ", r.compensated())).append('\n');
        }
        r.rto().ifPresent(rto -> b.append("RTO: ").append(rto.toMillis())
                .append(" ms (failure detected -> rollback verified)\n"));
        List<String> applied = r.stillApplied();
        if (r.status().isFailure() && !applied.isEmpty()) {
            b.append("STILL APPLIED: ").append(String.join(", ", applied)).append('\n');
        }
        r.failure().ifPresent(f -> {
            b.append("failure: ").append(Errors.message(f.getCause())).append('\n');
            for (Throwable s : f.getSuppressed()) {
                b.append("  also: ").append(Errors.message(s)).append('\n');
            }
        });
        for (dev.backstep.Evidence.Captured e : r.evidence()) {
            b.append("evidence: ").append(e.what()).append(" -> ").append(e.file().map(Object::toString).orElse("(none)"))
                    .append(e.truncated() ? " (truncated)" : "").append(e.error().map(x -> " FAILED: " + x).orElse(""))
                    .append('\n');
        }
        return b.toString();
    }

    private static String detail(StepOutcome s) {
        if (s.compensationError().isPresent()) {
            return "undo failed: " + Errors.message(s.compensationError().get().getCause() == null
                    ? s.compensationError().get() : s.compensationError().get().getCause());
        }
        if (s.error().isPresent()) {
            Throwable e = s.error().get();
            return Errors.message(e.getCause() == null ? e : e.getCause());
        }
        return s.note().orElse("");
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    @Override
    public String toJson() {
        return JsonText.document(g -> {
            g.writeStartObject();
            g.writeStringField("runId", r.runId().value());
            g.writeStringField("plan", r.planName());
            g.writeStringField("target", r.target());
            g.writeStringField("status", r.status().name());
            g.writeStringField("startedAt", r.startedAt().toString());
            g.writeStringField("endedAt", r.endedAt().toString());
            JsonText.optionalField(g, "failedStep", r.failedStep());
            g.writeFieldName("rtoMillis");
            if (r.rto().isPresent()) {
                g.writeNumber(r.rto().get().toMillis());
            } else {
                g.writeNull();
            }
            JsonText.arrayField(g, "compensated", r.compensated());
            JsonText.arrayField(g, "stillApplied", r.stillApplied());
            JsonText.arrayField(g, "failures", r.failure().map(f -> {
                List<String> all = new ArrayList<>();
                all.add(Errors.message(f.getCause()));
                for (Throwable s : f.getSuppressed()) {
                    all.add(Errors.message(s));
                }
                return all;
            }).orElse(List.of()));
            g.writeArrayFieldStart("evidence");
            for (dev.backstep.Evidence.Captured e : r.evidence()) {
                g.writeStartObject();
                g.writeStringField("what", e.what());
                JsonText.optionalField(g, "file", e.file().map(Object::toString));
                g.writeNumberField("bytes", e.bytes());
                g.writeBooleanField("truncated", e.truncated());
                JsonText.optionalField(g, "error", e.error());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("rollbackSteps");
            for (StepOutcome s : r.rollbackSteps()) {
                startStep(g, s);
                JsonText.optionalField(g, "error", s.error().map(e -> Errors.message(e)));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("steps");
            for (StepOutcome s : r.steps()) {
                startStep(g, s);
                JsonText.optionalField(g, "startedAt", s.startedAt().map(Object::toString));
                JsonText.optionalField(g, "endedAt", s.endedAt().map(Object::toString));
                JsonText.optionalField(g, "error", s.error().map(e -> Errors.message(e)));
                JsonText.optionalField(g, "compensationError", s.compensationError().map(e -> Errors.message(e)));
                JsonText.optionalField(g, "note", s.note());
                JsonText.optionalField(g, "summary", s.summary());
                g.writeObjectFieldStart("recorded");
                for (Map.Entry<String, String> e : new TreeMap<>(s.recorded()).entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** Opens a step's object with the fields every step list has. */
    private static void startStep(JsonGenerator g, StepOutcome s) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", s.name());
        g.writeStringField("kind", s.kind().name());
        g.writeStringField("status", s.status().name());
        g.writeNumberField("attempts", s.attempts());
    }

    @Override
    public String toHtml() {
        return new HtmlReport(r).render();
    }
}
