package dev.backstep;

/**
 * Renders a {@link RunResult} for people (a text table) and for machines (JSON). Secrets never
 * appear: errors and recorded values are already redacted.
 *
 * <pre>{@code
 * System.out.println(result.report().toText());
 * Files.writeString(reportFile, result.report().toJson());
 * }</pre>
 */
public interface RunReport {

    String toText();

    String toJson();
}
