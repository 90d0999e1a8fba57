package dev.backstep.crash;

import dev.backstep.Backstep;
import dev.backstep.Command;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.Release;
import dev.backstep.spi.Journal;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process {@link CrashRecoveryIT} kills. Modes:
 * <ul>
 *   <li>{@code run STATE WORK N FAIL}: runs the deploy plan (its health check fails when FAIL is
 *       true) and, right after the N-th journal record is durable, prints {@code CRASH-POINT} and
 *       blocks until killed; prints {@code FINISHED <records> <runId> <status>} when it gets to the end.</li>
 *   <li>{@code recover STATE}: a fresh process that knows no plan runs {@code recover()}.</li>
 *   <li>{@code rollback STATE RUNID}: a fresh process rolls a finished run back.</li>
 * </ul>
 */
public final class CrashChild {

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[1]);
        switch (args[0]) {
            case "run" -> run(state, Path.of(args[2]), Integer.parseInt(args[3]), Boolean.parseBoolean(args[4]));
            case "recover" -> recover(state);
            case "rollback" -> rollback(state, RunId.of(args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static Plan plan(Path work, boolean failHealth) {
        return Plan.named("crash-test deploy").target("crash-app")
                .step(ConfigFile.replace(work.resolve("app.env"), "APP_VERSION=2\nFEATURE=on\n"))
                .step(Command.of("touch", work.resolve("maintenance.flag").toString())
                        .compensatedBy("rm", "-f", work.resolve("maintenance.flag").toString())
                        .withName("maintenance on"))
                .step(Release.in(work.resolve("app")).deploy("v2", work.resolve("build-v2")))
                .step(ConfigFile.edit(work.resolve("app/shared.env")).set("RELEASE", "v2").remove("LEGACY"))
                .verify(Step.verification("health", ctx -> {
                    if (failHealth) {
                        throw new IllegalStateException("health check: expected 200 but was 503");
                    }
                }))
                .build();
    }

    private static Runner runner(Path state, Journal journal) {
        return Backstep.runner().journal(journal).stateDir(state).build();
    }

    private static void run(Path state, Path work, int crashAfter, boolean fail) {
        AtomicInteger count = new AtomicInteger();
        Journal durable = Journal.directory(state.resolve("journal"));
        Journal crashing = CrashingJournal.of(durable, crashAfter, count);
        RunResult r = runner(state, crashing).run(plan(work, fail));
        System.out.println("FINISHED " + count.get() + " " + r.runId() + " " + r.status());
    }

    private static void recover(Path state) {
        try (Journal journal = Journal.directory(state.resolve("journal"))) {
            Recovery r = runner(state, journal).recover();
            r.recovered().forEach(x -> System.out.println("RECOVERED " + x.runId() + " " + x.status()));
            r.unrecoverable().forEach(u -> System.out.println("UNRECOVERABLE " + u.runId() + " " + u.reason()));
            System.exit(r.unrecoverable().isEmpty() && r.recovered().stream().allMatch(x -> x.status()
                    == dev.backstep.RunStatus.ROLLED_BACK) ? 0 : 3);
        }
    }

    private static void rollback(Path state, RunId id) {
        try (Journal journal = Journal.directory(state.resolve("journal"))) {
            RunResult r = runner(state, journal).rollback(id);
            System.out.println("ROLLED-BACK " + r.status());
            System.exit(r.status() == dev.backstep.RunStatus.ROLLED_BACK ? 0 : 3);
        }
    }
}
