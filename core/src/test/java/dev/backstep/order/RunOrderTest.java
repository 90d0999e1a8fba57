package dev.backstep.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RollbackRefusedException;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.Runner;
import dev.backstep.UnfinishedRunException;
import dev.backstep.spi.Journal;
import dev.backstep.spi.Lock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several deploy processes (child JVMs) on one target and one directory journal: runs are
 * ordered by when they took the target's lock, and a run that finds a dead run of its target
 * rolls it back before its first step.
 */
class RunOrderTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(4);

    /** Every child started, killed after each test so that a failing test leaves none behind. */
    private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

    @TempDir
    Path tmp;
    /** The runs' state directory (journal, lock) and their target directory, holding {@code app.env}. */
    private Path state;
    private Path work;

    @BeforeEach
    void firstVersion() throws IOException {
        state = tmp.resolve("state");
        work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("app.env"), "VERSION=0\n");
    }

    @AfterEach
    void killLeftoverChildren() throws InterruptedException {
        for (Process p : STARTED) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        STARTED.clear();
    }

    @Test
    void runsAreOrderedByWhenTheyTookTheLockNotByTheirIds() throws Exception {

        // a host whose clock is an hour ahead deploys first and holds the lock: its run id sorts last
        Child ahead = start("deploy", state.toString(), work.toString(), "ahead", Long.toString(3_600_000), "true");
        awaitLine(work.resolve("order.log"), "ahead");
        // two more processes generate their ids now and wait for the lock
        Child b = start("deploy", state.toString(), work.toString(), "b", "0", "false");
        Child c = start("deploy", state.toString(), work.toString(), "c", "0", "false");
        awaitLockWaiters(state, 2);
        Files.writeString(work.resolve("go"), "");

        RunId aheadId = finished(ahead);
        RunId bId = finished(b);
        RunId cId = finished(c);
        assertThat(aheadId).as("the id of the host ahead sorts after the others").isGreaterThan(bId).isGreaterThan(cId);
        List<String> ranInOrder = Files.readAllLines(work.resolve("order.log"));
        assertThat(ranInOrder).hasSize(3).startsWith("ahead");
        List<RunId> expected = ranInOrder.stream().map(n -> n.equals("ahead") ? aheadId : n.equals("b") ? bId : cId)
                .toList();
        String last = ranInOrder.get(2);

        try (Journal journal = Journal.directory(state.resolve("journal"))) {
            Runner runner = Backstep.runner().journal(journal).stateDir(state).build();
            assertThat(runner.history("shared")).extracting(RunSummary::runId).containsExactlyElementsOf(expected);
            assertThat(Files.readString(work.resolve("app.env"))).isEqualTo("VERSION=" + last + "\n");

            // the first run is the oldest: rolling it back would wipe the two runs after it
            assertThatThrownBy(() -> runner.rollback(aheadId))
                    .isInstanceOf(RollbackRefusedException.class)
                    .hasMessageContaining("later run(s)");
            assertThatThrownBy(() -> runner.rollback(expected.get(1)))
                    .isInstanceOf(RollbackRefusedException.class)
                    .hasMessageContaining(expected.get(2).value());
            assertThat(Files.readString(work.resolve("app.env"))).isEqualTo("VERSION=" + last + "\n");

            runner.markGood(aheadId);
            assertThat(runner.lastGood("shared")).map(RunSummary::runId).contains(aheadId);
            List<RunResult> back = runner.rollbackToLastGood("shared");

            assertThat(back).extracting(RunResult::runId).containsExactly(expected.get(2), expected.get(1));
            assertThat(back).extracting(RunResult::status).containsOnly(RunStatus.ROLLED_BACK);
            assertThat(Files.readString(work.resolve("app.env"))).isEqualTo("VERSION=ahead\n");
        }
    }

    @Test
    void aRunThatFindsADeadRunOfItsTargetRollsItBackFirstAndRecoverLosesNothingOfIt() throws Exception {

        RunId dead = crash(state, work, "dead", false);
        assertThat(Files.readString(work.resolve("app.env"))).isEqualTo("VERSION=dead\n");

        Child next = start("deploy", state.toString(), work.toString(), "next", "0", "false");
        RunId nextId = finished(next);
        assertThat(Files.readString(work.resolve("app.env"))).isEqualTo("VERSION=next\n");

        try (Journal journal = Journal.directory(state.resolve("journal"))) {
            Runner runner = Backstep.runner().journal(journal).stateDir(state).build();
            assertThat(runner.summary(dead).status()).as("the dead run was rolled back, journaled")
                    .contains(RunStatus.ROLLED_BACK);
            assertThat(runner.history("shared")).extracting(RunSummary::runId).containsExactly(dead, nextId);

            Recovery recovery = runner.recover();

            assertThat(recovery.nothingToDo()).as("%s", recovery).isTrue();
            assertThat(Files.readString(work.resolve("app.env"))).isEqualTo("VERSION=next\n");
            assertThat(runner.summary(nextId).status()).contains(RunStatus.SUCCEEDED);
        }
    }

    @Test
    void recoverLeavesADeadRunAloneWhileALaterRunOfItsTargetIsApplied() throws Exception {
        // runs without a lock (like runs journaled before runs had places) are ordered by id
        RunId dead = crash(state, work, "dead", false, "nolock");

        try (Journal journal = Journal.directory(state.resolve("journal"))) {
            // a runner without a lock cannot tell a dead run from a live one: it deploys over it
            Runner unlocked = Backstep.runner().journal(journal).stateDir(state).lock(Lock.none()).build();
            RunResult later = unlocked.run(OrderChild.plan("later", work, false, false, false));
            assertThat(later.status()).isEqualTo(RunStatus.SUCCEEDED);
            Runner runner = Backstep.runner().journal(journal).stateDir(state).build();

            Recovery recovery = runner.recover();

            assertThat(recovery.recovered()).isEmpty();
            assertThat(recovery.unrecoverable()).singleElement().satisfies(u -> {
                assertThat(u.runId()).isEqualTo(dead);
                assertThat(u.reason()).contains("needs attention", later.runId().value());
            });
            assertThat(Files.readString(work.resolve("app.env"))).isEqualTo("VERSION=later\n");
            assertThat(runner.summary(dead).status()).isEmpty();

            // once the later run is rolled back, the dead run is recovered
            assertThat(runner.rollback(later.runId()).status()).isEqualTo(RunStatus.ROLLED_BACK);
            Recovery then = runner.recover();
            assertThat(then.recovered()).extracting(RunResult::status).containsExactly(RunStatus.ROLLED_BACK);
            assertThat(Files.readString(work.resolve("app.env"))).isEqualTo("VERSION=0\n");
        }
    }

    @Test
    void aRunRefusesToStartWhenTheDeadRunOfItsTargetCannotBeRolledBack() throws Exception {
        // the dead run has a step whose compensation only its own plan knows
        RunId dead = crash(state, work, "dead", true);
        assertThat(work.resolve("marker")).exists();

        Child next = start("deploy", state.toString(), work.toString(), "next", "0", "false");
        String line = next.line("REFUSED", "FINISHED");
        next.await();

        assertThat(line).startsWith("REFUSED " + dead.value()).contains("'marker'", "deploy next");
        assertThat(Files.readString(work.resolve("app.env"))).as("nothing changed").isEqualTo("VERSION=dead\n");
        assertThat(work.resolve("marker")).exists();
        try (Journal journal = Journal.directory(state.resolve("journal"))) {
            Runner runner = Backstep.runner().journal(journal).stateDir(state).build();
            assertThat(runner.history("shared")).extracting(RunSummary::runId).containsExactly(dead);
            assertThatThrownBy(() -> runner.run(OrderChild.plan("again", work, false, false, false)))
                    .isInstanceOf(UnfinishedRunException.class)
                    .satisfies(e -> assertThat(((UnfinishedRunException) e).unfinishedRun()).isEqualTo(dead));

            // with the dead run's plan, the next run rolls it back first and deploys
            Runner knowing = Backstep.runner().journal(journal).stateDir(state)
                    .plan(OrderChild.plan("dead", work, false, true, true)).build();
            RunResult r = knowing.run(OrderChild.plan("again", work, false, false, false));
            assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(work.resolve("marker")).doesNotExist();
            assertThat(Files.readString(work.resolve("app.env"))).isEqualTo("VERSION=again\n");
            assertThat(knowing.summary(dead).status()).contains(RunStatus.ROLLED_BACK);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Runs a deploy that SIGKILLs itself mid-run (in its last step, lock held); returns its run id. */
    private RunId crash(Path state, Path work, String name, boolean marker) throws Exception {
        return crash(state, work, name, marker, "lock");
    }

    private RunId crash(Path state, Path work, String name, boolean marker, String lock) throws Exception {
        Child k = start("crash", state.toString(), work.toString(), name, Boolean.toString(marker), lock);
        k.line("CRASH-POINT");
        k.process.destroyForcibly(); // SIGKILL
        assertThat(k.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        try (Journal journal = Journal.directory(state.resolve("journal"))) {
            List<RunId> ids = journal.runIds();
            Runner runner = Backstep.runner().journal(journal).stateDir(state).build();
            RunId id = ids.stream().filter(i -> runner.summary(i).planName().equals("deploy " + name)).findFirst()
                    .orElseThrow();
            assertThat(runner.summary(id).status()).as("the killed run is unfinished").isEmpty();
            return id;
        }
    }

    private static RunId finished(Child c) throws Exception {
        String line = c.line("FINISHED");
        c.await();
        String[] parts = line.split(" ");
        assertThat(parts[2]).as(line).isEqualTo("SUCCEEDED");
        return RunId.of(parts[1]);
    }

    private static void awaitLine(Path file, String line) throws Exception {
        long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
        while (!(Files.exists(file) && Files.readAllLines(file).contains(line))) {
            assertThat(System.nanoTime()).as("waiting for %s in %s", line, file).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Waits until {@code n} more processes than the holder have started their runner (then they wait). */
    private static void awaitLockWaiters(Path state, int n) throws Exception {
        // a waiting process has generated its id before it asks for the lock; give the JVMs time to get there
        long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
        while (waiters(state) < n) {
            assertThat(System.nanoTime()).as("waiting for %d lock waiters", n).isLessThan(deadline);
            Thread.sleep(100);
        }
        Thread.sleep(1000);
    }

    private static long waiters(Path state) throws IOException {
        Path marks = state.resolve("waiting");
        if (!Files.isDirectory(marks)) {
            return 0;
        }
        try (var s = Files.list(marks)) {
            return s.count();
        }
    }

    private static final class Child {
        final Process process;
        final BufferedReader out;
        final List<String> seen = new ArrayList<>();

        Child(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** The first line starting with one of {@code prefixes}; bounded. */
        String line(String... prefixes) throws Exception {
            CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
                try {
                    String l;
                    while ((l = out.readLine()) != null) {
                        seen.add(l);
                        for (String p : prefixes) {
                            if (l.startsWith(p)) {
                                return l;
                            }
                        }
                    }
                    return null;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String l = f.get(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(l).as("a line starting with %s; output: %s", List.of(prefixes), seen).isNotNull();
            return l;
        }

        void await() throws Exception {
            assertThat(process.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
    }

    private static Child start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", OrderChild.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        STARTED.add(p);
        return new Child(p);
    }
}
