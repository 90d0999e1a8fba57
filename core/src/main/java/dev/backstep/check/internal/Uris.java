package dev.backstep.check.internal;

import dev.backstep.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * HTTP URIs for checks: what is wrong with one, how it is shown (user-info and secret-looking
 * query values masked), and which parts are secrets.
 *
 * <pre>{@code
 * Uris.masked(URI.create("http://u:pw@host/health?token=abc&x=1")); // "http://****@host/health?token=****&x=1"
 * }</pre>
 */
public final class Uris {
    /** Parts of query parameter names that mark the value as a secret. */
    private static final List<String> SECRET_WORDS = List.of("token", "passw", "pwd", "secret", "key", "auth",
            "sig", "cred", "session");

    private Uris() {
    }

    /** Why {@code uri} cannot be checked over HTTP, or empty. */
    public static Optional<String> problem(URI uri) {
        if (uri == null) {
            return Optional.of("the URI is null");
        }
        String scheme = uri.getScheme();
        if (scheme == null) {
            return Optional.of("the URI " + masked(uri) + " has no scheme; use http:// or https://");
        }
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            return Optional.of("the URI scheme must be http or https, was '" + scheme + "'");
        }
        if (uri.isOpaque() || uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("the URI " + masked(uri) + " has no host"
                    + (uri.getRawAuthority() != null ? " (a host name may contain letters, digits, '-' and '.')" : ""));
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return Optional.of("the URI's port must be between 1 and 65535, was " + uri.getPort());
        }
        return Optional.empty();
    }

    /** The URI for people: user-info and the values of secret-looking query parameters as {@code ****}. */
    public static String masked(URI uri) {
        if (uri == null) {
            return "null";
        }
        if (uri.isOpaque()) {
            return uri.getScheme() + ":" + Secret.MASK;
        }
        StringBuilder sb = new StringBuilder();
        if (uri.getScheme() != null) {
            sb.append(uri.getScheme()).append(':');
        }
        if (uri.getRawAuthority() != null) {
            sb.append("//");
            if (uri.getHost() != null) {
                if (uri.getRawUserInfo() != null) {
                    sb.append(Secret.MASK).append('@');
                }
                sb.append(uri.getHost());
                if (uri.getPort() != -1) {
                    sb.append(':').append(uri.getPort());
                }
            } else {
                // a registry-based authority (not a valid host): it may still hold user-info
                String auth = uri.getRawAuthority();
                int at = auth.lastIndexOf('@');
                sb.append(at >= 0 ? Secret.MASK + auth.substring(at) : auth);
            }
        }
        if (uri.getRawPath() != null) {
            sb.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            sb.append('?');
            String[] params = uri.getRawQuery().split("&", -1);
            for (int i = 0; i < params.length; i++) {
                if (i > 0) {
                    sb.append('&');
                }
                String p = params[i];
                int eq = p.indexOf('=');
                if (eq >= 0 && isSecretName(p.substring(0, eq))) {
                    sb.append(p, 0, eq + 1).append(Secret.MASK);
                } else {
                    sb.append(p);
                }
            }
        }
        if (uri.getRawFragment() != null) {
            sb.append('#').append(uri.getRawFragment());
        }
        return sb.toString();
    }

    /** The secret parts of {@code uri} (user-info, secret query values; raw and decoded). */
    public static Set<Secret> secrets(URI uri) {
        Set<Secret> out = new LinkedHashSet<>();
        if (uri == null || uri.isOpaque()) {
            return out;
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null && uri.getHost() == null && uri.getRawAuthority() != null) {
            int at = uri.getRawAuthority().lastIndexOf('@');
            userInfo = at >= 0 ? uri.getRawAuthority().substring(0, at) : null;
        }
        if (userInfo != null && !userInfo.isEmpty()) {
            add(out, userInfo);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                add(out, userInfo.substring(colon + 1));
            }
        }
        if (uri.getRawQuery() != null) {
            for (String p : uri.getRawQuery().split("&")) {
                int eq = p.indexOf('=');
                if (eq >= 0 && isSecretName(p.substring(0, eq))) {
                    add(out, p.substring(eq + 1));
                }
            }
        }
        return out;
    }

    /** {@code uri} without its user-info (sent as a Basic authorization header instead). */
    public static URI withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri;
        }
        String s = uri.toString();
        String prefix = uri.getScheme() + "://" + uri.getRawUserInfo() + "@";
        try {
            if (s.startsWith(prefix)) {
                return new URI(uri.getScheme() + "://" + s.substring(prefix.length()));
            }
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                    uri.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot remove the user-info of an http URI", e);
        }
    }

    /** The decoded user-info ({@code user:password}), if any. */
    public static Optional<String> userInfo(URI uri) {
        return Optional.ofNullable(uri.getUserInfo());
    }

    static boolean isSecretName(String rawName) {
        String name = decode(rawName).toLowerCase(Locale.ROOT);
        for (String w : SECRET_WORDS) {
            if (name.contains(w)) {
                return true;
            }
        }
        return false;
    }

    private static void add(Set<Secret> out, String raw) {
        if (raw.isEmpty()) {
            return;
        }
        out.add(Secret.of(raw));
        String decoded = decode(raw);
        if (!decoded.isEmpty()) {
            out.add(Secret.of(decoded));
        }
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    /** Every secret of several URIs. */
    public static List<Secret> secrets(List<URI> uris) {
        List<Secret> out = new ArrayList<>();
        for (URI u : uris) {
            out.addAll(secrets(u));
        }
        return out;
    }

    /**
     * {@code secrets} with the forms in which HTTP credentials travel and servers echo them: the
     * token of an {@code Authorization} value ({@code Bearer t}, {@code Basic b64}), the decoded
     * {@code user:password} of a Basic value and its password, and the Basic base64 of a
     * {@code user:password} user-info.
     */
    public static Set<Secret> credentialForms(Collection<Secret> secrets) {
        Set<Secret> out = new LinkedHashSet<>();
        for (Secret s : secrets) {
            String v = s.reveal();
            if (v.isEmpty()) {
                continue;
            }
            out.add(s);
            int space = v.indexOf(' ');
            if (space > 0 && v.substring(0, space).chars().allMatch(Character::isLetter)) {
                String token = v.substring(space + 1).strip();
                if (!token.isEmpty()) {
                    out.add(Secret.of(token));
                    if (v.substring(0, space).equalsIgnoreCase("Basic")) {
                        basic(token).ifPresent(userPw -> {
                            out.add(Secret.of(userPw));
                            int colon = userPw.indexOf(':');
                            if (colon >= 0 && colon + 1 < userPw.length()) {
                                out.add(Secret.of(userPw.substring(colon + 1)));
                            }
                        });
                    }
                }
            }
            if (v.indexOf(':') > 0) { // user:password as sent in a Basic header
                out.add(Secret.of(java.util.Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
            }
        }
        return out;
    }

    private static Optional<String> basic(String b64) {
        try {
            return Optional.of(new String(java.util.Base64.getDecoder().decode(b64), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
