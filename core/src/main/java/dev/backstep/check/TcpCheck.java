package dev.backstep.check;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.check.internal.Attempt;
import dev.backstep.check.internal.Polling;
import dev.backstep.check.internal.Texts;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * Passes when a TCP connection to {@code host:port} can be opened (a database, a queue, a port an
 * app server listens on); the connection is closed at once, nothing is sent. Built by
 * {@link Check#tcp(String, int)}; immutable.
 *
 * <pre>{@code
 * Step db = Check.tcp("127.0.0.1", 5432).within(Duration.ofSeconds(30)).every(Duration.ofSeconds(1));
 * }</pre>
 *
 * <p>A failure reads like {@code TCP 127.0.0.1:5432: expected a connection but it was refused}.
 */
public final class TcpCheck extends PollingCheck<TcpCheck> {
    /** The {@link #type()} of TCP checks. */
    public static final String TYPE = "check.tcp";
    /** How long one connection attempt may take unless {@link #timeout} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final String host;
    private final int port;
    private final Duration timeout;

    private TcpCheck(String host, int port, String name, Duration timeout, Schedule schedule) {
        super(name, TYPE, schedule);
        this.host = host;
        this.port = port;
        this.timeout = timeout;
    }

    static TcpCheck of(String host, int port) {
        problem(host, port).ifPresent(p -> {
            throw new PlanDefinitionException(null, null, "check TCP " + host + ":" + port + ": " + p);
        });
        return new TcpCheck(host, port, what(host, port), DEFAULT_TIMEOUT, Schedule.ONCE);
    }

    /** How long one connection attempt may take; default {@link #DEFAULT_TIMEOUT}. */
    public TcpCheck timeout(Duration perAttempt) {
        return new TcpCheck(host, port, name(), Polling.positive(name(), "timeout", perAttempt), schedule());
    }

    @Override
    protected TcpCheck copy(String name, Schedule schedule) {
        return new TcpCheck(host, port, name, timeout, schedule);
    }

    @Override
    public void validate(StepContext ctx) {
        problem(host, port).ifPresent(p -> {
            throw new StepValidationException(name(), p);
        });
        super.validate(ctx);
    }

    /**
     * Connects until a connection opens.
     *
     * @throws CheckFailedException when none did, in time
     */
    @Override
    public void execute(StepContext ctx) throws Exception {
        pollAttempts(ctx, this::attempt);
    }

    private Attempt attempt() {
        try (Socket s = new Socket()) {
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                return Attempt.fail("expected a connection but host " + host + " is unknown", "unknown host", null);
            }
            s.connect(address, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
            return Attempt.pass("connected");
        } catch (SocketTimeoutException e) {
            return Attempt.fail("expected a connection but none was made within " + Texts.duration(timeout),
                    "timed out", e);
        } catch (ConnectException e) {
            String m = e.getMessage();
            if (m == null || m.toLowerCase(java.util.Locale.ROOT).contains("refused")) {
                return Attempt.fail("expected a connection but it was refused", "refused", e);
            }
            return Attempt.fail("expected a connection but got: " + m, "not connected", e);
        } catch (IOException e) {
            return Attempt.fail("expected a connection but got " + e.getClass().getSimpleName() + ": "
                    + Texts.message(e), e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String describe() {
        return "check " + what() + " accepts connections" + polled();
    }

    @Override
    String what() {
        return what(host, port);
    }

    private static String what(String host, int port) {
        return "TCP " + (host != null && host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static Optional<String> problem(String host, int port) {
        if (host == null || host.isBlank()) {
            return Optional.of("the host is " + (host == null ? "null" : "blank"));
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (Character.isWhitespace(c) || c == '/' || c == '@' || c == '?' || c == '#' || Character.isISOControl(c)) {
                return Optional.of("'" + host + "' is not a host name or address");
            }
        }
        if (port < 1 || port > 65535) {
            return Optional.of("port " + port + " is out of range (1-65535)");
        }
        return Optional.empty();
    }
}
