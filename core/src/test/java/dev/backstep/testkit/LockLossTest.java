package dev.backstep.testkit;

import static dev.backstep.testkit.BackstepAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Backstep;
import dev.backstep.LockLostException;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.spi.Journal;
import dev.backstep.spi.Lock;
import dev.backstep.spi.StepRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose file lock is removed or replaced under it stops before its next step. */
class LockLossTest {
    @TempDir
    Path dir;

    Runner runner() {
        return Backstep.runner().journal(Journal.directory(dir.resolve("journal"))).stateDir(dir.resolve("state"))
                .registry(StepRegistry.custom().register(WriteFileStep.TYPE, WriteFileStep.COMPENSATION).build())
                .build();
    }

    Plan plan(Step inBetween) {
        return Plan.named("deploy").target("shop")
                .step(new WriteFileStep("version", dir.resolve("VERSION"), "1.1"))
                .step(inBetween)
                .step(new WriteFileStep("config", dir.resolve("app.conf"), "release=1.1"))
                .build();
    }

    /** The one lock file of the state directory (the run holds it while this is called). */
    Path lockFile() throws java.io.IOException {
        try (var files = Files.list(dir.resolve("state").resolve("locks"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("shop.")).findFirst().orElseThrow();
        }
    }

    @Test
    void removingTheLockFileStopsTheRunInterruptedAndRecoverFinishesIt() throws Exception {
        Files.writeString(dir.resolve("VERSION"), "1.0");
        Runner runner = runner();
        Step removeLock = Step.verification("someone removes the lock file",
                ctx -> Files.delete(lockFile()));

        RunResult r = runner.run(plan(removeLock));

        assertThat(r).interrupted().stillApplied("version").notRun("config");
        assertThat(r.failure()).get().satisfies(f -> assertThat(f.getCause())
                .isInstanceOf(LockLostException.class)
                .hasMessageContaining("lost the lock on target 'shop'")
                .hasMessageContaining("before step 'config'"));
        assertThat(Thread.currentThread().isInterrupted()).as("a lost lock is no interrupt of the caller").isFalse();
        assertThat(dir.resolve("app.conf")).doesNotExist();
        assertThat(dir.resolve("VERSION")).hasContent("1.1");

        Recovery recovery = runner().recover();

        assertThat(recovery.recovered()).singleElement().satisfies(x -> assertThat(x).rolledBack()
                .compensated("version"));
        assertThat(dir.resolve("VERSION")).hasContent("1.0");
    }

    @Test
    void replacingTheLockFileStopsTheRun() throws Exception {
        Files.writeString(dir.resolve("VERSION"), "1.0");
        Step replaceLock = Step.verification("someone replaces the lock file", ctx -> {
            Path fresh = lockFile().resolveSibling("fresh.tmp");
            Files.writeString(fresh, "");
            Files.move(fresh, lockFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        });

        RunResult r = runner().run(plan(replaceLock));

        assertThat(r).interrupted().notRun("config");
        assertThat(r.failure()).get().satisfies(f -> assertThat(f.getCause()).isInstanceOf(LockLostException.class));
        assertThat(dir.resolve("app.conf")).doesNotExist();
    }

    @Test
    void losingTheLockDuringARollbackStopsBeforeTheNextCompensation() throws Exception {
        Files.writeString(dir.resolve("VERSION"), "1.0");
        Runner runner = runner();
        Step removesLockWhenUndone = Step.named("cache warm-up").action(ctx -> ctx.record("warmed", "yes"))
                .compensation(ctx -> Files.delete(lockFile())).build();
        RunResult deployed = runner.run(Plan.named("deploy").target("shop")
                .step(new WriteFileStep("version", dir.resolve("VERSION"), "1.1"))
                .step(removesLockWhenUndone).build());
        assertThat(deployed).succeeded();

        RunResult r = runner.rollback(deployed.runId());

        assertThat(r).interrupted().compensated("cache warm-up").stillApplied("version");
        assertThat(r.failure()).get().satisfies(f -> assertThat(f.getCause()).isInstanceOf(LockLostException.class)
                .hasMessageContaining("before compensating 'version'"));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(dir.resolve("VERSION")).hasContent("1.1");

        Recovery recovery = runner.recover();

        assertThat(recovery.recovered()).singleElement().satisfies(x -> assertThat(x).rolledBack()
                .compensated("version"));
        assertThat(dir.resolve("VERSION")).hasContent("1.0");
    }

    @Test
    void aLockThatIsStillHeldSaysSoAndNoLongerOnceReleased() {
        Lock lock = Lock.file(dir);
        Lock.Handle held = lock.acquire("shop", dev.backstep.RunId.of("r1"), java.time.Duration.ZERO);
        assertThat(held.isHeld()).isTrue();
        held.close();
        assertThat(held.isHeld()).isFalse();
    }
}
