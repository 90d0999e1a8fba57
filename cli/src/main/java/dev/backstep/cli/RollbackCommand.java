package dev.backstep.cli;

import dev.backstep.Backstep;
import dev.backstep.BackstepException;
import dev.backstep.JournalCorruptedException;
import dev.backstep.LockUnavailableException;
import dev.backstep.NothingToRollBackException;
import dev.backstep.Recovery;
import dev.backstep.RollbackOption;
import dev.backstep.RollbackRefusedException;
import dev.backstep.RunId;
import dev.backstep.RunNotFoundException;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.RunSummary;
import dev.backstep.Runner;
import dev.backstep.UnfinishedRunException;
import dev.backstep.db.journal.JdbcJournal;
import dev.backstep.db.journal.JdbcLock;
import dev.backstep.spi.Journal;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code backstep rollback}: every mode works from the journal alone, in a process that never saw the deploy. */
@Command(name = "rollback", sortOptions = false, usageHelpWidth = 100,
        description = {
            "Rolls deploys back from Backstep's journal, in a process that never saw them.",
            "",
            "Scope: the config's target=T names the whole system (--full, the default); --service S",
            "means the runs of target T/S (a plan with .target(\"samokoder/api\") for --service api).",
            "A run's version is the last word of its plan name ('deploy samokoder v1.2.3' is v1.2.3;",
            "--to-version 1.2.3 and --to-version v1.2.3 both match it).",
            "Without --restore-db, database snapshots are not restored (RollbackOption.SKIP_DATA_RESTORE):",
            "the code goes back, the data stays as it is now.",
            ""},
        footer = {
            "",
            "Config file (--config, default ./backstep.properties; relative paths from its directory):",
            "  journal=dir:/var/lib/backstep/journal     or journal=jdbc:postgresql://db:5432/ops",
            "  journal.user=backstep                     jdbc only",
            "  journal.passwordEnv=BACKSTEP_DB_PASSWORD  jdbc only: the variable's NAME, never the password",
            "  stateDir=/var/lib/backstep",
            "  target=samokoder",
            "  host=deploy-1                             optional: this host's name in the journal"})
final class RollbackCommand implements Callable<Integer> {

    static final class Mode {
        @Option(names = "--auto", required = true, description = "back to the last run marked good: every run after it, newest first")
        boolean auto;
        @Option(names = "--to-version", required = true, paramLabel = "V", description = "back to the newest applied run of version V")
        String toVersion;
        @Option(names = "--run", required = true, paramLabel = "ID", description = "roll back one run")
        String run;
        @Option(names = "--list", required = true, description = "list the runs of the target, oldest first")
        boolean list;
        @Option(names = "--recover", required = true, description = "finish runs whose process died (roll them back)")
        boolean recover;
        @Option(names = "--verify", required = true, description = "check every journal record, change nothing")
        boolean verify;
    }

    static final class Scope {
        @Option(names = "--service", required = true, paramLabel = "S", description = "only the runs of target T/S")
        String service;
        @Option(names = "--full", required = true, description = "the runs of the whole system, target T (default)")
        boolean full;
    }

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "%nWhat to do (one of):%n")
    Mode mode;

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "%nScope:%n")
    Scope scope;

    @Option(names = "--restore-db", description = "also restore database snapshots (default: data is kept)")
    boolean restoreDb;

    @Option(names = "--dry-run", description = "show which runs and steps would be undone, change nothing")
    boolean dryRun;

    @Option(names = "--json", description = "print one JSON object on stdout (progress goes to stderr)")
    boolean json;

    @Option(names = "--config", paramLabel = "FILE",
            description = "config file (default: ./backstep.properties; not read when --journal and --state-dir are given)")
    Path config;

    @Option(names = "--journal", paramLabel = "SPEC", description = "instead of the config's journal= (dir:PATH or jdbc:URL)")
    String journalOverride;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "instead of the config's stateDir=")
    Path stateDirOverride;

    @Option(names = "--target", paramLabel = "T", description = "instead of the config's target=")
    String targetOverride;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    private final PrintStream out;
    private final PrintStream err;
    private final Json result = new Json();

    RollbackCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        ExitCode code;
        String message = null;
        try {
            code = execute();
        } catch (CliException e) {
            code = e.exitCode();
            message = e.getMessage();
        } catch (RunNotFoundException e) {
            code = ExitCode.NOT_FOUND;
            message = "unknown run, nothing changed: " + e.getMessage();
        } catch (NothingToRollBackException e) {
            code = ExitCode.NOTHING;
            message = e.getMessage();
        } catch (RollbackRefusedException | UnfinishedRunException e) {
            code = ExitCode.REFUSED;
            message = "refused, nothing changed: " + e.getMessage();
        } catch (LockUnavailableException e) {
            code = ExitCode.LOCKED;
            message = "locked, nothing changed: " + e.getMessage();
        } catch (JournalCorruptedException e) {
            code = ExitCode.DAMAGED;
            message = "journal damaged, nothing changed: " + e.getMessage();
        } catch (BackstepException e) {
            code = ExitCode.ERROR;
            message = "error: " + e.getMessage();
        }
        if (message != null) {
            (json ? err : out).println(message);
            result.put("message", message);
        }
        if (json) {
            result.put("outcome", code.name()).put("exitCode", code.code());
            out.println(result);
        }
        out.flush();
        return code.code();
    }

    private ExitCode execute() {
        if (scope != null && (mode.run != null || mode.recover || mode.verify)) {
            throw new CliException(ExitCode.USAGE, "--service and --full choose the runs of --auto, --to-version "
                    + "and --list; --run, --recover and --verify take none");
        }
        RunId runId = null;
        if (mode.run != null) {
            try {
                runId = RunId.of(mode.run);
            } catch (BackstepException e) {
                throw new CliException(ExitCode.USAGE, e.getMessage());
            }
        }
        if (mode.toVersion != null && mode.toVersion.isBlank()) {
            throw new CliException(ExitCode.USAGE, "--to-version needs a version");
        }
        if (scope != null && scope.service != null && (scope.service.isBlank() || scope.service.contains("/"))) {
            throw new CliException(ExitCode.USAGE, "--service needs a service name without '/'");
        }
        CliConfig cfg = config();
        result.put("mode", modeName()).put("dryRun", dryRun);
        try (Journal journal = open(cfg)) {
            if (mode.verify) {
                return verify(journal);
            }
            Runner runner = runner(cfg, journal);
            if (mode.recover) {
                return recover(runner, journal);
            }
            if (runId != null) {
                return one(runner, runId);
            }
            String target = target(cfg);
            result.put("target", target);
            if (mode.list) {
                return list(runner, target);
            }
            List<RunSummary> history = runner.history(target);
            RunSummary anchor = mode.auto ? runner.lastGood(target).orElseThrow(() -> new RollbackRefusedException(
                    "no run of " + target + " was marked good"))
                    : version(history, target, mode.toVersion);
            return backTo(runner, history, anchor);
        }
    }

    private CliConfig config() {
        if (config == null && journalOverride != null && stateDirOverride != null) {
            config = Path.of("(command line)");
            return CliConfig.of(journalOverride, stateDirOverride, targetOverride, Path.of("").toAbsolutePath());
        }
        if (config == null) {
            config = Path.of("backstep.properties");
        }
        return CliConfig.read(config).with(journalOverride, stateDirOverride, targetOverride);
    }

    private String modeName() {
        return mode.auto ? "auto" : mode.toVersion != null ? "to-version" : mode.run != null ? "run"
                : mode.list ? "list" : mode.recover ? "recover" : "verify";
    }

    private String target(CliConfig cfg) {
        String t = cfg.target().orElseThrow(() -> new CliException(ExitCode.CONFIG, "config file " + config
                + ": target= is missing (needed by --auto, --to-version and --list)"));
        return scope != null && scope.service != null ? t + "/" + scope.service : t;
    }

    private Journal open(CliConfig cfg) {
        if (!cfg.jdbc()) {
            Path dir = cfg.journalDir();
            if (!Files.isDirectory(dir)) {
                throw new CliException(ExitCode.CONFIG, "no journal in " + dir + " (journal= in " + config + ")");
            }
            return Journal.directory(dir);
        }
        return JdbcJournal.create(dataSource(cfg));
    }

    private DriverDataSource dataSource(CliConfig cfg) {
        char[] password = null;
        if (cfg.passwordEnv().isPresent()) {
            String v = System.getenv(cfg.passwordEnv().get());
            if (v == null) {
                throw new CliException(ExitCode.CONFIG, "environment variable " + cfg.passwordEnv().get()
                        + " (journal.passwordEnv in " + config + ") is not set");
            }
            password = v.toCharArray();
        }
        return new DriverDataSource(cfg.journal(), cfg.user().orElse(null), password);
    }

    private Runner runner(CliConfig cfg, Journal journal) {
        Runner.Builder b = Backstep.runner().journal(journal).stateDir(cfg.stateDir())
                .listener(new ProgressListener(json ? err : out));
        cfg.host().ifPresent(b::host);
        if (cfg.jdbc()) {
            b.lock(JdbcLock.create(dataSource(cfg)));
        }
        return b.build();
    }

    private RollbackOption[] options() {
        return restoreDb ? new RollbackOption[0] : new RollbackOption[] {RollbackOption.SKIP_DATA_RESTORE};
    }

    /** The newest still-applied run of {@code target} whose plan name ends with the version. */
    static RunSummary version(List<RunSummary> history, String target, String version) {
        List<RunSummary> of = history.stream().filter(s -> isVersion(s.planName(), version)).toList();
        if (of.isEmpty()) {
            throw new CliException(ExitCode.NOT_FOUND, "no run of " + target + " deployed version " + version
                    + ", nothing changed (a run's version is the last word of its plan name)");
        }
        return of.stream().filter(s -> s.status().orElse(null) == RunStatus.SUCCEEDED).reduce((a, b) -> b)
                .orElseThrow(() -> new RollbackRefusedException("no run of version " + version + " of " + target
                        + " is applied (each failed or was rolled back): " + of.stream().map(s -> s.runId() + " "
                        + s.status().map(Enum::name).orElse("UNFINISHED")).toList()));
    }

    static boolean isVersion(String planName, String version) {
        String[] words = planName.trim().split("\\s+");
        String last = words[words.length - 1];
        return last.equals(version) || strip(last).equals(strip(version));
    }

    private static String strip(String v) {
        return v.length() > 1 && (v.charAt(0) == 'v' || v.charAt(0) == 'V') && Character.isDigit(v.charAt(1))
                ? v.substring(1) : v;
    }

    private ExitCode list(Runner runner, String target) {
        List<Object> runs = new ArrayList<>();
        for (RunSummary s : runner.history(target)) {
            if (!json) {
                out.printf("%s  %-30s %-18s%s%n", s.runId(), s.planName(),
                        s.status().map(Enum::name).orElse("UNFINISHED"), s.good() ? "  good" : "");
            }
            runs.add(run(s, null));
        }
        result.put("runs", runs);
        return ExitCode.OK;
    }

    private static Map<String, Object> run(RunSummary s, List<String> steps) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", s.runId().value());
        m.put("planName", s.planName());
        m.put("target", s.target());
        m.put("status", s.status().map(Enum::name).orElse("UNFINISHED"));
        m.put("startedAt", s.startedAt().toString());
        m.put("good", s.good());
        if (steps != null) {
            m.put("stepsToUndo", steps);
        }
        return m;
    }

    private ExitCode backTo(Runner runner, List<RunSummary> history, RunSummary anchor) {
        int at = -1;
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).runId().equals(anchor.runId())) {
                at = i;
            }
        }
        List<RunSummary> toUndo = new ArrayList<>(history.subList(at + 1, history.size()).stream()
                .filter(RunSummary::isApplied).toList());
        java.util.Collections.reverse(toUndo);
        result.put("backTo", run(anchor, null));
        if (toUndo.isEmpty()) {
            String m = "nothing to roll back: " + anchor.target() + " is at " + anchor.runId() + " ("
                    + anchor.planName() + ")";
            result.put("message", m);
            if (!json) {
                out.println(m);
            }
            return ExitCode.NOTHING;
        }
        if (dryRun) {
            return preview(runner, toUndo);
        }
        return results(runner.rollbackTo(anchor.runId(), options()));
    }

    private ExitCode one(Runner runner, RunId id) {
        RunSummary s = runner.summary(id);
        if (dryRun) {
            if (!s.isApplied()) {
                throw new NothingToRollBackException(id, "its status is " + s.status().map(Enum::name).orElse("?"));
            }
            List<RunSummary> history = runner.history(s.target());
            List<RunSummary> later = new ArrayList<>();
            boolean after = false;
            for (RunSummary h : history) {
                if (after && h.isApplied()) {
                    later.add(h);
                }
                after |= h.runId().equals(id);
            }
            if (!later.isEmpty()) {
                throw new RollbackRefusedException("run " + id + " cannot be rolled back: later run(s) "
                        + later.stream().map(x -> x.runId().value()).toList() + " on target '" + s.target()
                        + "' are still applied; roll them back first");
            }
            return preview(runner, List.of(s));
        }
        return results(List.of(runner.rollback(id, options())));
    }

    private ExitCode preview(Runner runner, List<RunSummary> runs) {
        List<Object> items = new ArrayList<>();
        for (RunSummary s : runs) {
            List<String> steps = runner.appliedSteps(s.runId());
            items.add(run(s, steps));
            if (!json) {
                out.println("would roll back " + s.runId() + " (" + s.planName() + ")"
                        + (s.status().isEmpty() ? " [unfinished: run --recover first]" : ""));
                steps.forEach(step -> out.println("  would undo " + step));
            }
        }
        if (!json) {
            out.println(restoreDb ? "database snapshots would be restored (--restore-db)"
                    : "database snapshots would not be restored (no --restore-db)");
            out.println("dry run: nothing was changed");
        }
        result.put("wouldRollBack", items);
        return ExitCode.OK;
    }

    private ExitCode results(List<RunResult> results) {
        List<Object> reports = new ArrayList<>();
        for (RunResult r : results) {
            if (!json) {
                out.println(r.report().toText());
            }
            reports.add(new Json.Raw(r.report().toJson()));
        }
        result.put("results", reports);
        return results.stream().allMatch(r -> r.status() == RunStatus.ROLLED_BACK) ? ExitCode.OK : ExitCode.FAILED;
    }

    private ExitCode recover(Runner runner, Journal journal) {
        if (dryRun) {
            List<Object> items = new ArrayList<>();
            for (RunId id : journal.runIds()) {
                RunSummary s = runner.summary(id);
                if (s.status().isEmpty() || s.status().get() == RunStatus.INTERRUPTED) {
                    List<String> steps = runner.appliedSteps(id);
                    items.add(run(s, steps));
                    if (!json) {
                        out.println("would recover " + id + " (" + s.planName() + ", target " + s.target() + ")");
                        steps.forEach(step -> out.println("  would undo " + step));
                    }
                }
            }
            if (!json) {
                out.println(items.isEmpty() ? "nothing to recover" : "dry run: nothing was changed");
            }
            result.put("wouldRecover", items);
            return ExitCode.OK;
        }
        Recovery r = runner.recover();
        ExitCode code = results(r.recovered());
        List<Object> left = new ArrayList<>();
        for (Recovery.Unrecoverable u : r.unrecoverable()) {
            if (!json) {
                out.println("NEEDS ATTENTION " + u.runId() + ": " + u.reason());
            }
            left.add(Map.of("runId", u.runId().value(), "planName", u.planName(), "target", u.target(),
                    "reason", u.reason()));
        }
        result.put("unrecoverable", left);
        if (!json && r.nothingToDo()) {
            out.println("nothing to recover");
        }
        return r.unrecoverable().isEmpty() ? code : ExitCode.FAILED;
    }

    private ExitCode verify(Journal journal) {
        List<Journal.Damage> damages = journal.verify();
        List<Object> items = new ArrayList<>();
        for (Journal.Damage d : damages) {
            if (!json) {
                out.println("DAMAGED " + d.runId() + ": " + d.file() + " line " + d.line() + ": " + d.reason());
            }
            items.add(Map.of("runId", d.runId().value(), "file", d.file().toString(), "line", d.line(),
                    "reason", d.reason()));
        }
        int checked = journal.runIds().size();
        if (!json) {
            out.println(damages.isEmpty() ? "journal is sound: " + checked + " run(s) checked"
                    : damages.size() + " damaged run(s); nothing was changed");
        }
        result.put("checked", checked).put("damaged", items);
        return damages.isEmpty() ? ExitCode.OK : ExitCode.DAMAGED;
    }
}
