package dev.backstep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.spi.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunResult#rto()}: from the detected failure to the end of the rollback's last phase, in reports too. */
class RtoTest {
    @TempDir
    Path state;

    private final AtomicReference<Instant> failedAt = new AtomicReference<>();
    private final AtomicReference<Instant> verifiedAt = new AtomicReference<>();

    private Runner runner() {
        return Backstep.runner().stateDir(state).journal(Journal.directory(state.resolve("journal"))).build();
    }

    private Plan.Builder plan() {
        return Plan.named("deploy").target("app")
                .step(Step.named("slow work").action(ctx -> {
                    ctx.record("x", "1");
                    Thread.sleep(150); // before the failure: not part of the RTO
                }).compensation(ctx -> Thread.sleep(60)).build())
                .verifyAfterRollback(Step.named("restored health").action(ctx -> {
                    Thread.sleep(60);
                    verifiedAt.set(Instant.now());
                }).build());
    }

    @Test
    void aRolledBackRunsRtoRunsFromTheFailureToThePostRollbackVerificationAndIsReported() {
        Plan p = plan().verify(Step.named("5xx gate").action(ctx -> {
            failedAt.set(Instant.now());
            throw new IllegalStateException("5xx ratio 0.2 above 0.05");
        }).build()).build();

        RunResult r = runner().run(p);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLED_BACK);
        Duration rto = r.rto().orElseThrow();
        // the compensation (60 ms) and the check (60 ms) are in it, the 150 ms of work before the failure is not
        assertThat(rto).isGreaterThanOrEqualTo(Duration.ofMillis(120))
                .isLessThan(Duration.between(r.startedAt(), r.endedAt()).minusMillis(140));
        assertThat(Duration.between(failedAt.get(), verifiedAt.get()).minus(rto).abs())
                .isLessThan(Duration.ofMillis(50));
        assertThat(r.report().toText()).contains("RTO: " + rto.toMillis() + " ms (failure detected -> rollback verified)");
        assertThat(r.report().toJson()).contains("\"rtoMillis\":" + rto.toMillis() + ",");
    }

    @Test
    void aSucceededRunHasNoRto() {
        RunResult r = runner().run(plan().build());

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.rto()).isEmpty();
        assertThat(r.report().toText()).doesNotContain("RTO");
        assertThat(r.report().toJson()).contains("\"rtoMillis\":null,");
    }

    @Test
    void aLaterRollbacksRtoCountsFromTheRollbacksStart() {
        Runner runner = runner();
        RunResult deployed = runner.run(plan().build());

        RunResult back = runner.rollback(deployed.runId());

        assertThat(back.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(back.rto()).hasValueSatisfying(rto -> assertThat(rto)
                .isGreaterThanOrEqualTo(Duration.ofMillis(120))
                .isLessThanOrEqualTo(Duration.between(back.startedAt(), back.endedAt())));
    }

    @Test
    void aRollbackWhoseCheckFailedHasNoRto() {
        Plan p = plan().verify(Step.named("gate").action(ctx -> {
            throw new IllegalStateException("bad");
        }).build()).verifyAfterRollback(Step.named("still bad").action(ctx -> {
            throw new IllegalStateException("still 503");
        }).build()).build();

        RunResult r = runner().run(p);

        assertThat(r.status()).isEqualTo(RunStatus.ROLLBACK_FAILED);
        assertThat(r.rto()).isEmpty();
        assertThat(r.report().toText()).doesNotContain("RTO");
    }
}
