package dev.backstep.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.StepContext;
import dev.backstep.StepKind;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcpCheckTest {
    @TempDir
    Path tmp;

    private void run(TcpCheck check) throws Exception {
        CheckContext.run(check, tmp);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void passesWhenSomethingListens() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            TcpCheck check = Check.tcp("127.0.0.1", listening.getLocalPort());

            assertThatCode(() -> run(check)).doesNotThrowAnyException();
            assertThat(check.kind()).isEqualTo(StepKind.VERIFICATION);
            assertThat(check.name()).isEqualTo("TCP 127.0.0.1:" + listening.getLocalPort());
        }
    }

    @Test
    void failsWhenTheConnectionIsRefused() throws Exception {
        int port = closedPort();

        assertThatThrownBy(() -> run(Check.tcp("127.0.0.1", port)))
                .isInstanceOf(CheckFailedException.class)
                .hasMessage("TCP 127.0.0.1:" + port + ": expected a connection but it was refused");
    }

    @Test
    void pollsUntilTheDeadline() throws Exception {
        int port = closedPort();

        assertThatThrownBy(() -> run(Check.tcp("127.0.0.1", port).within(Duration.ofSeconds(1))
                .every(Duration.ofMillis(20))))
                .isInstanceOf(CheckFailedException.class)
                .hasMessageMatching("(?s).*attempts within 1 s; last [123]: refused(, refused){0,2}]")
                .satisfies(e -> assertThat(((CheckFailedException) e).attempts()).isPositive());
    }

    @Test
    void pollsUntilAServerStartsListening() throws Exception {
        int port = closedPort();
        CountDownLatch tried = new CountDownLatch(2);
        TcpCheck check = Check.tcp("127.0.0.1", port).within(Duration.ofMinutes(1)).every(Duration.ofMillis(20));
        StepContext ctx = CheckContext.forward(check, tmp, () -> {
            tried.countDown(); // asked before each attempt and while sleeping
            return false;
        });
        Thread starter = new Thread(() -> {
            try {
                if (!tried.await(1, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the check never polled");
                }
                try (ServerSocket s = new ServerSocket(port, 5, InetAddress.getByName("127.0.0.1"));
                     Socket accepted = s.accept()) {
                    assertThat(accepted.isConnected()).isTrue();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        starter.start();

        check.execute(ctx);
        starter.join(TimeUnit.MINUTES.toMillis(1));
        assertThat(starter.isAlive()).as("the server thread still runs").isFalse();

        assertThat(tried.getCount()).isZero();
    }

    @Test
    void refusesBadHostsAndPortsWhenBuilt() {
        assertThatThrownBy(() -> Check.tcp("db", 0)).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("check TCP db:0: port 0 is out of range (1-65535)");
        assertThatThrownBy(() -> Check.tcp("db", 65536)).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("port 65536 is out of range");
        assertThatThrownBy(() -> Check.tcp(" ", 5432)).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("the host is blank");
        assertThatThrownBy(() -> Check.tcp("db host", 5432)).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("'db host' is not a host name or address");
        assertThatThrownBy(() -> Check.tcp("db", 5432).timeout(Duration.ofMillis(-5)))
                .isInstanceOf(PlanDefinitionException.class);
    }

    @Test
    void validationRefusesConsecutiveWithoutDeadline() {
        TcpCheck check = Check.tcp("db", 5432).consecutive(2);

        CheckContext.refusedByValidation(check, tmp)
                .hasMessageStartingWith("step 'TCP db:5432': consecutive(2) needs within(...)");
    }

    @Test
    void describesWhatItChecks() {
        assertThat(Check.tcp("::1", 5432).within(Duration.ofSeconds(30)).describe())
                .isEqualTo("check TCP [::1]:5432 accepts connections (within 30 s, every 1 s)");
    }
}
