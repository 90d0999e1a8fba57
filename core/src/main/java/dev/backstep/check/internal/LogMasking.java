package dev.backstep.check.internal;

import dev.backstep.Secret;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in log lines before a check quotes them: given secret values, the values of
 * secret-looking keys ({@code password=…}, {@code "token": "…"}, {@code api_key: …}), bearer and
 * basic credentials, and passwords in URIs.
 *
 * <pre>{@code
 * LogMasking.mask("login failed password=hunter2 url=https://u:pw@db", List.of());
 * // "login failed password=**** url=https://u:****@db"
 * }</pre>
 */
public final class LogMasking {
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)([\"']?[A-Za-z0-9_.-]*(?:passw|pwd|secret|token|api[_-]?key|apikey|auth|credential|session|cookie)"
                    + "[A-Za-z0-9_.-]*[\"']?\\s*[=:]\\s*[\"']?)([^\\s\"'&,;]+)");
    private static final Pattern SCHEME_CREDENTIALS = Pattern.compile("(?i)\\b(bearer|basic|token)\\s+([A-Za-z0-9._~+/=-]{6,})");
    private static final Pattern URI_PASSWORD = Pattern.compile("(://[^/\\s:@]+:)([^/\\s@]+)(@)");

    private LogMasking() {
    }

    public static String mask(String line, Collection<Secret> secrets) {
        String s = line;
        for (Secret secret : secrets) {
            String v = secret.reveal();
            if (!v.isEmpty()) {
                s = s.replace(v, Secret.MASK);
            }
        }
        s = replace(URI_PASSWORD, s, m -> m.group(1) + Secret.MASK + m.group(3));
        s = replace(SCHEME_CREDENTIALS, s, m -> m.group(1) + " " + Secret.MASK);
        s = replace(KEY_VALUE, s, m -> m.group(2).equals(Secret.MASK)
                || m.group(2).equalsIgnoreCase("bearer") || m.group(2).equalsIgnoreCase("basic")
                ? m.group() : m.group(1) + Secret.MASK);
        return s;
    }

    private static String replace(Pattern p, String s, java.util.function.Function<Matcher, String> f) {
        Matcher m = p.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(f.apply(m)));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
