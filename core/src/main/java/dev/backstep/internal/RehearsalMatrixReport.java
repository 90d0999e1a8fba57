package dev.backstep.internal;

import dev.backstep.RehearsalMatrix;
import dev.backstep.RehearsalMatrix.Cell;
import dev.backstep.RehearsalMatrix.Point;
import dev.backstep.RunResult;
import java.util.List;
import java.util.Optional;

/** Renders a {@link RehearsalMatrix} as text, JSON and HTML. */
public final class RehearsalMatrixReport {
    private RehearsalMatrixReport() {
    }

    private static String symbol(Cell c) {
        return switch (c) {
            case EQUAL -> "=";
            case DIFFERS -> "≠";
            case NOT_RUN -> "·";
        };
    }

    private static String outcome(Point p) {
        if (!p.rehearsed()) {
            return "not rehearsed: " + p.notRehearsedBecause().orElse("");
        }
        RunResult r = p.run().get();
        String s = r.status().name();
        if (!p.failedWhereForced()) {
            s += ", failed at " + r.failedStep().map(n -> "'" + n + "'").orElse("no step")
                    + r.failure().map(f -> ": " + Errors.message(f.getCause() == null ? f : f.getCause())).orElse("");
        }
        return s + (p.restoredExactly() ? ", restored exactly" : "");
    }

    public static String text(RehearsalMatrix m) {
        List<String> resources = m.resources();
        StringBuilder b = new StringBuilder("Rehearsal of plan '").append(m.planName()).append("' at every failure point: ")
                .append(m.points().size()).append(" point(s) x ").append(resources.size()).append(" resource(s)\n");
        for (int i = 0; i < resources.size(); i++) {
            b.append("  R").append(i + 1).append(" = ").append(resources.get(i)).append('\n');
        }
        int width = 13;
        for (Point p : m.points()) {
            width = Math.max(width, Math.min(48, p.label().length()));
        }
        StringBuilder head = new StringBuilder(String.format("  %-3s %-" + width + "s ", "#", "failure point"));
        for (int i = 0; i < resources.size(); i++) {
            head.append(String.format("%-4s", "R" + (i + 1)));
        }
        b.append(head).append(" rollback\n");
        for (Point p : m.points()) {
            String label = p.label().length() > width ? p.label().substring(0, width - 1) + "…" : p.label();
            b.append(String.format("  %-3s %-" + width + "s ", p.number(), label));
            for (String r : resources) {
                b.append(String.format("%-4s", symbol(p.cell(r))));
            }
            b.append(' ').append(outcome(p)).append('\n');
            for (String d : p.differences()) {
                int idx = -1;
                for (int i = 0; i < resources.size(); i++) {
                    if (d.startsWith(resources.get(i) + ": ")) {
                        idx = i;
                    }
                }
                b.append("        ").append(idx < 0 ? "" : "R" + (idx + 1) + " ").append(d).append('\n');
            }
        }
        if (!m.notFingerprinted().isEmpty()) {
            b.append("  unchecked: ").append(String.join(", ", m.notFingerprinted()))
                    .append(" (no fingerprint: rolled back, not compared)\n");
        }
        b.append("  result: ").append(m.restoredExactlyAtEveryPoint() ? "restored exactly at every point"
                : "NOT restored exactly" + m.firstNotRestored().map(p -> " at point " + p.number() + " ("
                        + p.label() + ")").orElse("")).append('\n');
        b.append("  clean run: ").append(m.cleanRun().map(r -> r.status() + " (run " + r.runId().value() + ")")
                .orElse("not run")).append('\n');
        return b.toString();
    }

    public static String json(RehearsalMatrix m) {
        return JsonText.document(g -> {
            g.writeStartObject();
            g.writeStringField("plan", m.planName());
            g.writeBooleanField("restoredExactlyAtEveryPoint", m.restoredExactlyAtEveryPoint());
            JsonText.arrayField(g, "resources", m.resources());
            g.writeArrayFieldStart("points");
            for (Point p : m.points()) {
                g.writeStartObject();
                g.writeNumberField("number", p.number());
                JsonText.arrayField(g, "after", p.after());
                g.writeBooleanField("rehearsed", p.rehearsed());
                JsonText.optionalField(g, "runId", p.run().map(r -> r.runId().value()));
                JsonText.optionalField(g, "status", p.run().map(r -> r.status().name()));
                JsonText.optionalField(g, "failedStep", p.run().flatMap(RunResult::failedStep));
                g.writeBooleanField("restoredExactly", p.restoredExactly());
                JsonText.optionalField(g, "notRehearsedBecause", p.notRehearsedBecause());
                g.writeObjectFieldStart("cells");
                for (String r : m.resources()) {
                    g.writeObjectFieldStart(r);
                    g.writeStringField("cell", p.cell(r).name());
                    JsonText.arrayField(g, "differences", p.differencesOf(r));
                    g.writeEndObject();
                }
                g.writeEndObject();
                JsonText.arrayField(g, "differences", p.differences());
                g.writeEndObject();
            }
            g.writeEndArray();
            JsonText.arrayField(g, "notFingerprinted", m.notFingerprinted());
            g.writeFieldName("cleanRun");
            Optional<RunResult> clean = m.cleanRun();
            if (clean.isPresent()) {
                g.writeStartObject();
                g.writeStringField("runId", clean.get().runId().value());
                g.writeStringField("status", clean.get().status().name());
                g.writeEndObject();
            } else {
                g.writeNull();
            }
            g.writeEndObject();
        });
    }

    /** The matrix as an HTML table (escaped), for {@link HtmlReport}. */
    static String table(RehearsalMatrix m) {
        List<String> resources = m.resources();
        StringBuilder b = new StringBuilder("<p id=\"rehearsal-result\" class=\"")
                .append(m.restoredExactlyAtEveryPoint() ? "ok\">restored exactly at every point" : "bad\">NOT restored exactly"
                        + m.firstNotRestored().map(p -> " at point " + p.number() + " (" + HtmlReport.esc(p.label()) + ")")
                        .orElse(""))
                .append("</p><table class=\"matrix\"><thead><tr><th>#</th><th>failure point</th>");
        for (String r : resources) {
            b.append("<th>").append(HtmlReport.esc(r)).append("</th>");
        }
        b.append("<th>rollback</th></tr></thead><tbody>");
        for (Point p : m.points()) {
            b.append("<tr class=\"point").append(p.restoredExactly() ? "" : p.rehearsed() ? " failed" : " not-run")
                    .append("\" data-point=\"").append(p.number()).append("\"><td class=\"num\">").append(p.number())
                    .append("</td><td>").append(HtmlReport.esc(p.label())).append("</td>");
            for (String r : resources) {
                Cell c = p.cell(r);
                b.append("<td class=\"cell-").append(c.name()).append("\">").append(symbol(c));
                for (String d : p.differencesOf(r)) {
                    b.append("<br><small>").append(HtmlReport.esc(d.substring(r.length() + 2))).append("</small>");
                }
                b.append("</td>");
            }
            b.append("<td>").append(HtmlReport.esc(outcome(p))).append("</td></tr>");
        }
        b.append("</tbody></table>");
        b.append("<p class=\"meta\">clean run: ").append(HtmlReport.esc(m.cleanRun().map(r -> r.status() + " (run "
                + r.runId().value() + ")").orElse("not run"))).append("</p>");
        return b.toString();
    }

    public static String html(RehearsalMatrix m) {
        Point shown = m.firstNotRestored().filter(Point::rehearsed).orElseGet(() -> {
            List<Point> run = m.points().stream().filter(Point::rehearsed).toList();
            return run.isEmpty() ? null : run.get(run.size() - 1);
        });
        HtmlReport.Section section = new HtmlReport.Section("rehearsal",
                "Rehearsal at every failure point (page shows point " + (shown == null ? "-" : shown.number()) + ")",
                table(m));
        if (shown == null) {
            throw new IllegalStateException("no point of plan '" + m.planName() + "' was rehearsed");
        }
        return new HtmlReport(shown.run().get(), List.of(section)).render();
    }
}
