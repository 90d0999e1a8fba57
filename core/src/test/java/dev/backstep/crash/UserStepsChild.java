package dev.backstep.crash;

import dev.backstep.Backstep;
import dev.backstep.Command;
import dev.backstep.Compensation;
import dev.backstep.Plan;
import dev.backstep.Recovery;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.Step;
import dev.backstep.spi.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The process {@link UserStepsCrashRecoveryIT} kills: a deploy made only of a user's own steps —
 * a command that captures the checked-out commit before it checks out another one, and a typed
 * code step whose compensation is registered on the runner — plus an after-rollback step and an
 * after-rollback check. Modes:
 * <ul>
 *   <li>{@code run STATE WORK HOOKS N FAIL}: runs the deploy (its health check fails when FAIL is
 *       true); right after the N-th journal record is durable prints {@code CRASH-POINT} and blocks
 *       until killed; prints {@code FINISHED <records> <runId> <status>} at the end.</li>
 *   <li>{@code recover STATE}: a fresh process that knows no plan, only the registered type, recovers.</li>
 *   <li>{@code rollback STATE RUNID}: a fresh process, a day later, rolls a finished run back.</li>
 *   <li>{@code rollback-unregistered STATE RUNID}: the same without the registered type.</li>
 * </ul>
 */
public final class UserStepsChild {
    static final String SECRET = "tok-9f8e7d-s3cret";
    static final String MARKER_TYPE = "test.release-marker";

    /** The typed step's compensation: puts the marker file back as recorded, from the journal alone. */
    static final Compensation MARKER_UNDO = ctx -> {
        if (ctx.recorded("existed").isEmpty()) {
            return; // killed before it looked at the file: it wrote nothing
        }
        Path file = Path.of(ctx.recorded("file").orElseThrow());
        if (Boolean.parseBoolean(ctx.recorded("existed").get())) {
            Files.writeString(file, ctx.recorded("previous").orElseThrow());
        } else {
            Files.deleteIfExists(file);
        }
    };

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[1]);
        switch (args[0]) {
            case "run" -> run(state, Path.of(args[2]), Path.of(args[3]), Integer.parseInt(args[4]),
                    Boolean.parseBoolean(args[5]));
            case "recover" -> recover(state);
            case "rollback" -> rollback(state, RunId.of(args[2]), true);
            case "rollback-unregistered" -> rollback(state, RunId.of(args[2]), false);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static Plan plan(Path work, Path hooks, boolean failHealth) {
        Path repo = work.resolve("repo");
        Path marker = work.resolve("RELEASE");
        return Plan.named("user steps deploy").target("user-steps-app")
                .step(Command.of("git", "checkout", "-q", "v2").in(repo)
                        .env("DEPLOY_TOKEN", Secret.of(SECRET))
                        .capture("head", Command.of("git", "rev-parse", "HEAD"), Pattern.compile("^([0-9a-f]{40})$",
                                Pattern.MULTILINE))
                        .compensatedBy(Command.of("git", "checkout", "-q", "{head}").in(repo))
                        .withName("checkout v2"))
                .step(Step.named("write release marker").type(MARKER_TYPE)
                        .action(ctx -> {
                            if (Files.exists(marker)) {
                                ctx.record("previous", Files.readString(marker));
                            }
                            ctx.record("file", marker.toString());
                            ctx.record("existed", Boolean.toString(Files.exists(marker))); // last: all is known
                            Files.writeString(marker, "v2\n");
                        })
                        .build())
                .verify(Step.verification("health", ctx -> {
                    if (failHealth) {
                        throw new IllegalStateException("health check: expected 200 but was 503");
                    }
                }))
                .afterRollback(Command.of("touch", hooks.resolve("restarted").toString()).withName("restart app"))
                .verifyAfterRollback(Command.of("git", "-C", repo.toString(), "diff", "--quiet", "v1", "--")
                        .asVerification().withName("code is v1 again"))
                .build();
    }

    private static Runner runner(Path state, Journal journal, Clock clock, boolean registered) {
        Runner.Builder b = Backstep.runner().journal(journal).stateDir(state).clock(clock);
        if (registered) {
            b.compensation(MARKER_TYPE, MARKER_UNDO);
        }
        return b.build();
    }

    private static void run(Path state, Path work, Path hooks, int crashAfter, boolean fail) {
        AtomicInteger count = new AtomicInteger();
        Journal durable = Journal.directory(state.resolve("journal"));
        Journal crashing = CrashingJournal.of(durable, crashAfter, count);
        RunResult r = runner(state, crashing, Clock.systemUTC(), true).run(plan(work, hooks, fail));
        System.out.println("FINISHED " + count.get() + " " + r.runId() + " " + r.status());
    }

    private static void recover(Path state) {
        try (Journal journal = Journal.directory(state.resolve("journal"))) {
            Recovery r = runner(state, journal, Clock.systemUTC(), true).recover();
            r.recovered().forEach(x -> System.out.println("RECOVERED " + x.runId() + " " + x.status()
                    + " rollback steps " + x.rollbackSteps().stream().map(s -> s.name() + "=" + s.status()).toList()
                    + x.failure().map(f -> " failure " + f.getMessage()).orElse("")));
            r.unrecoverable().forEach(u -> System.out.println("UNRECOVERABLE " + u.runId() + " " + u.reason()));
            System.exit(r.unrecoverable().isEmpty() && r.recovered().stream()
                    .allMatch(x -> x.status() == RunStatus.ROLLED_BACK) ? 0 : 3);
        }
    }

    private static void rollback(Path state, RunId id, boolean registered) {
        try (Journal journal = Journal.directory(state.resolve("journal"))) {
            Clock nextDay = Clock.offset(Clock.systemUTC(), Duration.ofDays(1));
            try {
                RunResult r = runner(state, journal, nextDay, registered).rollback(id);
                System.out.println("ROLLED-BACK " + r.status() + " rollback steps "
                        + r.rollbackSteps().stream().map(s -> s.name() + "=" + s.status()).toList());
                System.exit(r.status() == RunStatus.ROLLED_BACK ? 0 : 3);
            } catch (dev.backstep.RollbackRefusedException e) {
                System.out.println("REFUSED " + e.getMessage());
                System.exit(4);
            }
        }
    }
}
