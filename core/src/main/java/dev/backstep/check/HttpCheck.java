package dev.backstep.check;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Secret;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.check.internal.Attempt;
import dev.backstep.check.internal.Http;
import dev.backstep.check.internal.Polling;
import dev.backstep.check.internal.Texts;
import dev.backstep.check.internal.Uris;
import dev.backstep.internal.Redactor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A health check over HTTP: {@code GET uri}, then the status, response headers and body are
 * compared with what is expected. Built by {@link Check#http(URI)}; immutable, every option
 * returns a new check.
 *
 * <pre>{@code
 * Step health = Check.http(URI.create("http://127.0.0.1:8000/health"))
 *     .status(200)                          // default: any 2xx
 *     .bodyContains("\"db\":\"up\"")
 *     .header("X-App-Version", "1.3.0")     // the new release answers, not the old one
 *     .timeout(Duration.ofSeconds(5))        // per request
 *     .within(Duration.ofSeconds(60))        // keep trying for a minute
 *     .every(Duration.ofSeconds(2))
 *     .consecutive(3);                       // three passes in a row
 * }</pre>
 *
 * <p>Redirects are not followed (a redirect to a login page is not a healthy service). Only the
 * first {@value #BODY_LIMIT} bytes of the body are read and searched. User-info in the URI
 * ({@code http://user:pw@host/}) is sent as a Basic authorization header; it, the values of
 * query parameters whose names look secret ({@code token=}, {@code password=}, {@code api_key=},
 * …) and the values of {@link #requestHeader(String, Secret) secret headers} are masked as
 * {@code ****} in the name, {@link #describe()}, messages and logs.
 *
 * <p>A failure reads like {@code GET http://127.0.0.1:8000/health: expected status <200> but was
 * <503> (body: "db down") [31 attempts within 1 min; last 3: <503>, <503>, <503>]}.
 */
public final class HttpCheck extends PollingCheck<HttpCheck> {
    /** The {@link #type()} of HTTP checks. */
    public static final String TYPE = "check.http";
    /** How long one request may take unless {@link #timeout} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** How many bytes of the response body are read. */
    public static final int BODY_LIMIT = 1024 * 1024;
    private static final int SNIPPET = 120;

    private final URI uri;
    private final StatusRule status;
    private final List<String> bodyContains;
    private final Map<String, String> expectedHeaders;
    private final Map<String, String> requestHeaders;
    private final Map<String, Secret> secretHeaders;
    private final Duration timeout;
    private final Redactor redactor;
    private final java.util.Set<Secret> secrets;

    private HttpCheck(URI uri, String name, StatusRule status, List<String> bodyContains,
                      Map<String, String> expectedHeaders, Map<String, String> requestHeaders,
                      Map<String, Secret> secretHeaders, Duration timeout, Schedule schedule) {
        super(name, TYPE, schedule);
        this.uri = uri;
        this.status = status;
        this.bodyContains = List.copyOf(bodyContains);
        this.expectedHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(expectedHeaders));
        this.requestHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(requestHeaders));
        this.secretHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(secretHeaders));
        this.timeout = timeout;
        List<Secret> secrets = new ArrayList<>(Uris.secrets(uri));
        Uris.userInfo(uri).ifPresent(u -> secrets.add(Secret.of(u)));
        secrets.addAll(secretHeaders.values());
        this.secrets = Uris.credentialForms(secrets);
        this.redactor = Redactor.of(this.secrets);
    }

    /**
     * The credentials this check sends, in every form a server may echo them (user-info, its
     * Basic base64, secret header values and their bearer or Basic token): the run masks them in
     * every step.
     */
    @Override
    public java.util.Set<Secret> secrets() {
        return secrets;
    }

    static HttpCheck of(URI uri) {
        Uris.problem(uri).ifPresent(p -> {
            throw new PlanDefinitionException(null, null, "check GET " + Uris.masked(uri) + ": " + p);
        });
        return new HttpCheck(uri, what(uri), StatusRule.SUCCESS, List.of(), Map.of(), Map.of(), Map.of(),
                DEFAULT_TIMEOUT, Schedule.ONCE);
    }

    /** Passes only for these status codes (replaces the default: any 2xx). */
    public HttpCheck status(int code, int... more) {
        Set<Integer> codes = new TreeSet<>();
        codes.add(checkCode(code));
        for (int c : more) {
            codes.add(checkCode(c));
        }
        return copy(new StatusRule(0, 0, Set.copyOf(codes)));
    }

    /** Passes for status codes from {@code fromInclusive} to {@code toInclusive}. */
    public HttpCheck statusBetween(int fromInclusive, int toInclusive) {
        checkCode(fromInclusive);
        checkCode(toInclusive);
        if (fromInclusive > toInclusive) {
            throw definition("statusBetween(" + fromInclusive + ", " + toInclusive + ") is an empty range");
        }
        return copy(new StatusRule(fromInclusive, toInclusive, Set.of()));
    }

    /** Also requires the body (its first {@value #BODY_LIMIT} bytes, as UTF-8) to contain {@code text}. */
    public HttpCheck bodyContains(String text) {
        if (text == null || text.isEmpty()) {
            throw definition("bodyContains needs a non-empty text");
        }
        List<String> b = new ArrayList<>(bodyContains);
        b.add(text);
        return new HttpCheck(uri, name(), status, b, expectedHeaders, requestHeaders, secretHeaders, timeout, schedule());
    }

    /**
     * Also requires the response to carry header {@code name} (any case) with exactly
     * {@code value} (one of its values, when it is repeated).
     */
    public HttpCheck header(String name, String value) {
        if (name == null || name.isBlank() || value == null) {
            throw definition("header(" + name + ", " + value + ") needs a header name and a value");
        }
        Map<String, String> h = new LinkedHashMap<>(expectedHeaders);
        h.put(name, value);
        return new HttpCheck(uri, name(), status, bodyContains, h, requestHeaders, secretHeaders, timeout, schedule());
    }

    /** Sends header {@code name} with each request. */
    public HttpCheck requestHeader(String name, String value) {
        checkRequestHeader(name, value, value);
        Map<String, String> h = new LinkedHashMap<>(requestHeaders);
        h.put(name, value);
        Map<String, Secret> s = new LinkedHashMap<>(secretHeaders);
        s.remove(name);
        return new HttpCheck(uri, name(), status, bodyContains, expectedHeaders, h, s, timeout, schedule());
    }

    /**
     * Sends header {@code name} with a secret value ({@code Authorization}, {@code X-Api-Key}):
     * shown as {@code ****}, and masked in everything the server's answer puts into messages.
     */
    public HttpCheck requestHeader(String name, Secret value) {
        checkRequestHeader(name, value == null ? null : value.reveal(), Secret.MASK);
        Map<String, Secret> s = new LinkedHashMap<>(secretHeaders);
        s.put(name, value);
        Map<String, String> h = new LinkedHashMap<>(requestHeaders);
        h.remove(name);
        return new HttpCheck(uri, name(), status, bodyContains, expectedHeaders, h, s, timeout, schedule());
    }

    /** How long one request (connect, response, body) may take; default {@link #DEFAULT_TIMEOUT}. */
    public HttpCheck timeout(Duration perRequest) {
        return new HttpCheck(uri, name(), status, bodyContains, expectedHeaders, requestHeaders, secretHeaders,
                Polling.positive(name(), "timeout", perRequest), schedule());
    }

    @Override
    protected HttpCheck copy(String name, Schedule schedule) {
        return new HttpCheck(uri, name, status, bodyContains, expectedHeaders, requestHeaders, secretHeaders,
                timeout, schedule);
    }

    /** The URI, as given (it may hold secrets: show {@link #describe()} instead). */
    public URI uri() {
        return uri;
    }

    @Override
    public void validate(StepContext ctx) {
        Uris.problem(uri).ifPresent(p -> {
            throw new StepValidationException(name(), p);
        });
        super.validate(ctx);
    }

    /**
     * Requests the URI until the response is as expected.
     *
     * @throws CheckFailedException when it is not, in time
     */
    @Override
    public void execute(StepContext ctx) throws Exception {
        HttpRequest request = Http.request(uri, headersToSend()).build();
        pollAttempts(ctx, () -> attempt(request));
    }

    private Attempt attempt(HttpRequest request) throws InterruptedException {
        HttpResponse<byte[]> r;
        try {
            r = Http.send(request, Http.firstBytes(BODY_LIMIT), timeout);
        } catch (IOException e) {
            return Http.failure(e, timeout, redactor);
        }
        int code = r.statusCode();
        String body = redactor.redact(new String(r.body(), StandardCharsets.UTF_8));
        String brief = "<" + code + ">";
        if (!status.matches(code)) {
            return Attempt.fail("expected status " + status + " but was <" + code + ">"
                    + (body.isBlank() ? "" : " (body: " + Texts.snippet(body, SNIPPET) + ")"), brief, null);
        }
        for (Map.Entry<String, String> h : expectedHeaders.entrySet()) {
            List<String> values = r.headers().allValues(h.getKey());
            if (!values.contains(h.getValue())) {
                return Attempt.fail("expected header <" + h.getKey() + ": " + h.getValue() + "> but "
                                + (values.isEmpty() ? "there was none"
                                : "was <" + redactor.redact(String.join(", ", values)) + ">"),
                        brief + " without " + h.getKey() + ": " + h.getValue(), null);
            }
        }
        for (String text : bodyContains) {
            if (!body.contains(text)) {
                return Attempt.fail("expected body to contain <" + Texts.snippet(text, SNIPPET) + "> but was <"
                        + Texts.snippet(body, SNIPPET) + ">", brief + " without " + Texts.snippet(text, 20), null);
            }
        }
        return Attempt.pass(brief);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("check ").append(what()).append(": status ").append(status);
        expectedHeaders.forEach((k, v) -> sb.append(", header <").append(k).append(": ").append(v).append('>'));
        for (String text : bodyContains) {
            sb.append(", body contains ").append(Texts.snippet(text, 40));
        }
        if (!requestHeaders.isEmpty() || !secretHeaders.isEmpty()) {
            List<String> sent = new ArrayList<>();
            requestHeaders.forEach((k, v) -> sent.add(k + ": " + v));
            secretHeaders.keySet().forEach(k -> sent.add(k + ": " + Secret.MASK));
            sb.append(", sending ").append(String.join(", ", sent));
        }
        return sb.append(polled()).toString();
    }

    private Map<String, String> headersToSend() {
        Map<String, String> all = new LinkedHashMap<>(requestHeaders);
        secretHeaders.forEach((k, v) -> all.put(k, v.reveal()));
        return all;
    }

    @Override
    String what() {
        return what(uri);
    }

    private static String what(URI uri) {
        return "GET " + Uris.masked(uri);
    }

    private HttpCheck copy(StatusRule s) {
        return new HttpCheck(uri, name(), s, bodyContains, expectedHeaders, requestHeaders, secretHeaders, timeout,
                schedule());
    }

    private int checkCode(int code) {
        if (code < 100 || code > 599) {
            throw definition("status " + code + " is not an HTTP status code (100-599)");
        }
        return code;
    }

    private void checkRequestHeader(String header, String value, String shown) {
        if (header == null || header.isBlank() || value == null) {
            throw definition("requestHeader(" + header + ", " + (value == null ? null : shown)
                    + ") needs a header name and a value");
        }
        try {
            HttpRequest.newBuilder().header(header, value);
        } catch (IllegalArgumentException e) {
            throw definition("request header '" + header + "' cannot be sent: it is restricted (such as Host or "
                    + "Content-Length), or its name or value has characters a header cannot have");
        }
    }

    private PlanDefinitionException definition(String problem) {
        return new PlanDefinitionException(null, name(), problem);
    }

    /** Status codes that pass: a range or a set. */
    private record StatusRule(int from, int to, Set<Integer> codes) {
        static final StatusRule SUCCESS = new StatusRule(200, 299, Set.of());

        boolean matches(int code) {
            return codes.isEmpty() ? code >= from && code <= to : codes.contains(code);
        }

        @Override
        public String toString() {
            if (codes.isEmpty()) {
                return "in <" + from + ".." + to + ">";
            }
            return codes.size() == 1 ? "<" + codes.iterator().next() + ">" : "in <" + new TreeSet<>(codes) + ">";
        }
    }
}
