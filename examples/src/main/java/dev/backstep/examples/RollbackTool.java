package dev.backstep.examples;

import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.NothingToRollBackException;
import dev.backstep.Recovery;
import dev.backstep.RollbackRefusedException;
import dev.backstep.RunId;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.Runner;
import dev.backstep.spi.Journal;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What a host tool's {@code rollback.sh} (runbooks 003 and 004) becomes on top of Backstep's
 * journal: every command works from the state directory alone, in a process that never saw the
 * deploy.
 *
 * <pre>
 * rollback --state DIR --target shop@prod --auto          back to the last run marked good
 * rollback --state DIR --run 20261122-014500.123-000a3f9   one run
 * rollback --state DIR --target shop@prod --list          history
 * rollback --state DIR --recover                          finish runs whose process died
 * rollback ... --dry-run                                  say what would be rolled back, change nothing
 * rollback --state DIR --verify                           check the journal, change nothing
 * </pre>
 *
 * Exit codes: 0 rolled back (or nothing to recover, or a sound journal), 3 nothing to roll back, 2
 * refused (nothing changed, also for an unknown run), 1 the rollback failed and something is still
 * applied, 4 {@code --verify} found damaged runs (each listed with file and line), 64 bad
 * arguments.
 */
public final class RollbackTool {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int REFUSED = 2;
    static final int NOTHING = 3;
    static final int DAMAGED = 4;
    static final int USAGE = 64;

    private RollbackTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs the tool; returns its exit code. */
    public static int run(String[] args, PrintStream out) {
        Args a;
        try {
            a = Args.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("usage error: " + e.getMessage());
            return USAGE;
        }
        if (a.verify && !java.nio.file.Files.isDirectory(a.state.resolve("journal"))) {
            out.println("refused, nothing changed: no journal in " + a.state.resolve("journal"));
            return REFUSED;
        }
        try (Journal journal = Journal.directory(a.state.resolve("journal"))) {
            if (a.verify) {
                return verify(journal, out);
            }
            Runner runner = Backstep.runner().journal(journal).stateDir(a.state).build();
            if (a.recover) {
                return recover(runner, a, out);
            }
            if (a.list) {
                for (RunSummary s : runner.history(a.target)) {
                    out.printf("%s  %-30s %-18s%s%n", s.runId(), s.planName(),
                            s.status().map(Enum::name).orElse("UNFINISHED"), s.good() ? "  good" : "");
                }
                return OK;
            }
            List<RunId> toUndo = a.run != null ? List.of(a.run) : candidatesAfterLastGood(runner, a.target);
            if (toUndo.isEmpty()) {
                out.println("nothing to roll back: " + a.target + " is at its last good run");
                return NOTHING;
            }
            if (a.dryRun) {
                toUndo.forEach(id -> out.println("would roll back " + id + " (" + runner.summary(id).planName() + ")"));
                return OK;
            }
            List<RunResult> results = a.run != null ? List.of(runner.rollback(a.run))
                    : runner.rollbackToLastGood(a.target);
            results.forEach(r -> out.println(r.report().toText()));
            return results.stream().allMatch(r -> r.status() == RunStatus.ROLLED_BACK) ? OK : FAILED;
        } catch (NothingToRollBackException e) {
            out.println(e.getMessage());
            return NOTHING;
        } catch (RollbackRefusedException | dev.backstep.RunNotFoundException e) {
            out.println("refused, nothing changed: " + e.getMessage());
            return REFUSED;
        } catch (BackstepException e) {
            out.println("error: " + e.getMessage());
            return FAILED;
        }
    }

    private static List<RunId> candidatesAfterLastGood(Runner runner, String target) {
        RunSummary good = runner.lastGood(target).orElseThrow(() -> new RollbackRefusedException(
                "no run of " + target + " was marked good"));
        return runner.history(target).stream()
                .filter(s -> s.runId().compareTo(good.runId()) > 0 && s.isApplied())
                .map(RunSummary::runId).collect(java.util.stream.Collectors.collectingAndThen(
                        java.util.stream.Collectors.toList(), ids -> {
                            java.util.Collections.reverse(ids);
                            return ids;
                        }));
    }

    private static int verify(Journal journal, PrintStream out) {
        List<Journal.Damage> damages = journal.verify();
        damages.forEach(d -> out.println("DAMAGED " + d.runId() + ": " + d.file() + " line " + d.line() + ": "
                + d.reason()));
        out.println(damages.isEmpty() ? "journal is sound: " + journal.runIds().size() + " run(s) checked"
                : damages.size() + " damaged run(s); nothing was changed");
        return damages.isEmpty() ? OK : DAMAGED;
    }

    private static int recover(Runner runner, Args a, PrintStream out) {
        if (a.dryRun) {
            out.println("--dry-run with --recover: recovery always changes things; run without --recover to list");
            return REFUSED;
        }
        Recovery r = runner.recover();
        r.recovered().forEach(x -> out.println(x.report().toText()));
        r.unrecoverable().forEach(u -> out.println("NEEDS ATTENTION " + u.runId() + ": " + u.reason()));
        boolean ok = r.unrecoverable().isEmpty()
                && r.recovered().stream().allMatch(x -> x.status() == RunStatus.ROLLED_BACK);
        return ok ? OK : FAILED;
    }

    private record Args(Path state, String target, RunId run, boolean list, boolean recover, boolean dryRun,
                        boolean verify) {
        static Args parse(String[] args) {
            Path state = null;
            String target = null;
            RunId run = null;
            boolean list = false;
            boolean recover = false;
            boolean dryRun = false;
            boolean verify = false;
            boolean auto = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--state" -> state = Path.of(value(args, ++i, "--state"));
                    case "--target" -> target = value(args, ++i, "--target");
                    case "--run" -> run = RunId.of(value(args, ++i, "--run"));
                    case "--auto" -> auto = true;
                    case "--list" -> list = true;
                    case "--recover" -> recover = true;
                    case "--dry-run" -> dryRun = true;
                    case "--verify" -> verify = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (state == null) {
                throw new IllegalArgumentException("--state DIR is required");
            }
            if (verify) {
                if (recover || run != null || target != null || dryRun) {
                    throw new IllegalArgumentException("--verify takes only --state");
                }
                return new Args(state, null, null, false, false, false, true);
            }
            if (!recover && run == null && target == null) {
                throw new IllegalArgumentException("say --run RUNID, or --target T with --auto or --list");
            }
            if (!recover && run == null && !auto && !list) {
                throw new IllegalArgumentException("--target needs --auto or --list");
            }
            return new Args(state, target, run, list, recover, dryRun, false);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }
}
