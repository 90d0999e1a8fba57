package dev.backstep.internal;

import dev.backstep.RunReport;
import dev.backstep.RunResult;
import dev.backstep.StepOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        StringBuilder b = new StringBuilder("{");
        field(b, "runId", r.runId().value()).append(',');
        field(b, "plan", r.planName()).append(',');
        field(b, "target", r.target()).append(',');
        field(b, "status", r.status().name()).append(',');
        field(b, "startedAt", r.startedAt().toString()).append(',');
        field(b, "endedAt", r.endedAt().toString()).append(',');
        b.append("\"failedStep\":").append(r.failedStep().map(TextAndJsonReport::quote).orElse("null")).append(',');
        b.append("\"rtoMillis\":").append(r.rto().map(d -> Long.toString(d.toMillis())).orElse("null")).append(',');
        b.append("\"compensated\":").append(array(r.compensated())).append(',');
        b.append("\"stillApplied\":").append(array(r.stillApplied())).append(',');
        b.append("\"failures\":");
        b.append(array(r.failure().map(f -> {
            java.util.List<String> all = new java.util.ArrayList<>();
            all.add(Errors.message(f.getCause()));
            for (Throwable s : f.getSuppressed()) {
                all.add(Errors.message(s));
            }
            return all;
        }).orElse(List.of()))).append(',');
        b.append("\"evidence\":[");
        for (int i = 0; i < r.evidence().size(); i++) {
            dev.backstep.Evidence.Captured e = r.evidence().get(i);
            b.append(i > 0 ? ",{" : "{");
            field(b, "what", e.what()).append(',');
            opt(b, "file", e.file().map(Object::toString)).append(',');
            b.append("\"bytes\":").append(e.bytes()).append(",\"truncated\":").append(e.truncated()).append(',');
            opt(b, "error", e.error()).append('}');
        }
        b.append("],");
        b.append("\"rollbackSteps\":[");
        for (int i = 0; i < r.rollbackSteps().size(); i++) {
            StepOutcome s = r.rollbackSteps().get(i);
            b.append(i > 0 ? ",{" : "{");
            field(b, "name", s.name()).append(',');
            field(b, "kind", s.kind().name()).append(',');
            field(b, "status", s.status().name()).append(',');
            b.append("\"attempts\":").append(s.attempts()).append(',');
            opt(b, "error", s.error().map(e -> Errors.message(e))).append('}');
        }
        b.append("],");
        b.append("\"steps\":[");
        boolean first = true;
        for (StepOutcome s : r.steps()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append('{');
            field(b, "name", s.name()).append(',');
            field(b, "kind", s.kind().name()).append(',');
            field(b, "status", s.status().name()).append(',');
            b.append("\"attempts\":").append(s.attempts()).append(',');
            opt(b, "startedAt", s.startedAt().map(Object::toString)).append(',');
            opt(b, "endedAt", s.endedAt().map(Object::toString)).append(',');
            opt(b, "error", s.error().map(e -> Errors.message(e))).append(',');
            opt(b, "compensationError", s.compensationError().map(e -> Errors.message(e))).append(',');
            opt(b, "note", s.note()).append(',');
            opt(b, "summary", s.summary()).append(',');
            b.append("\"recorded\":{");
            boolean f2 = true;
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(s.recorded()).entrySet()) {
                if (!f2) {
                    b.append(',');
                }
                f2 = false;
                field(b, e.getKey(), e.getValue());
            }
            b.append("}}");
        }
        b.append("]}");
        return b.toString();
    }

    @Override
    public String toHtml() {
        return new HtmlReport(r).render();
    }

    private static StringBuilder field(StringBuilder b, String k, String v) {
        return b.append(quote(k)).append(':').append(quote(v));
    }

    private static StringBuilder opt(StringBuilder b, String k, Optional<String> v) {
        return b.append(quote(k)).append(':').append(v.map(TextAndJsonReport::quote).orElse("null"));
    }

    private static String array(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(quote(items.get(i)));
        }
        return b.append(']').toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder();
        Json.writeString(b, s);
        return b.toString();
    }
}
