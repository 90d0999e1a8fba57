package dev.backstep.examples;

import dev.backstep.cli.BackstepCli;
import dev.backstep.cli.ExitCode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a host tool's {@code rollback.sh} (runbooks 003 and 004) becomes on top of Backstep's
 * journal: every command works from the state directory alone, in a process that never saw the
 * deploy. A thin front of the {@code backstep rollback} operator command ({@link BackstepCli}, module
 * {@code cli}) for a state directory laid out as {@code STATE/journal}; data snapshots are restored
 * ({@code --restore-db}).
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
        if (a.verify && !Files.isDirectory(a.state.resolve("journal"))) {
            out.println("refused, nothing changed: no journal in " + a.state.resolve("journal"));
            return REFUSED;
        }
        if (a.recover && a.dryRun) {
            out.println("--dry-run with --recover: recovery always changes things; run without --recover to list");
            return REFUSED;
        }
        List<String> cli = new ArrayList<>(List.of("rollback", "--journal", "dir:" + a.state.resolve("journal"),
                "--state-dir", a.state.toString(), "--restore-db"));
        if (a.target != null) {
            cli.addAll(List.of("--target", a.target));
        }
        if (a.verify) {
            cli.add("--verify");
        } else if (a.recover) {
            cli.add("--recover");
        } else if (a.run != null) {
            cli.addAll(List.of("--run", a.run));
        } else {
            cli.add(a.list ? "--list" : "--auto");
        }
        if (a.dryRun) {
            cli.add("--dry-run");
        }
        return exitCode(BackstepCli.run(cli.toArray(String[]::new), out, out));
    }

    /** The command's codes folded into this tool's fewer ones. */
    private static int exitCode(int cli) {
        if (cli == ExitCode.NOT_FOUND.code() || cli == ExitCode.LOCKED.code() || cli == ExitCode.CONFIG.code()) {
            return REFUSED;
        }
        return cli == ExitCode.ERROR.code() ? FAILED : cli;
    }

    private record Args(Path state, String target, String run, boolean list, boolean recover, boolean dryRun,
                        boolean verify) {
        static Args parse(String[] args) {
            Path state = null;
            String target = null;
            String run = null;
            boolean list = false;
            boolean recover = false;
            boolean dryRun = false;
            boolean verify = false;
            boolean auto = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--state" -> state = Path.of(value(args, ++i, "--state"));
                    case "--target" -> target = value(args, ++i, "--target");
                    case "--run" -> run = value(args, ++i, "--run");
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
