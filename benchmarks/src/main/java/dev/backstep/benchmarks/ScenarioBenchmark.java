package dev.backstep.benchmarks;

import dev.backstep.Backstep;
import dev.backstep.Command;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.RunId;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.event.RunEvent;
import dev.backstep.event.RunListener;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.Release;
import dev.backstep.db.Database;
import dev.backstep.git.Git;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import dev.backstep.spi.ForwardingJournal;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.Lock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backstep against the {@code rollback.sh} a user would otherwise write: a deploy of <em>git
 * checkout of a tag, release copy + atomic {@code current} switch, {@code .env} edit</em>, a failing
 * verification, and the full rollback, done by Backstep (directory journal, fsync per record) and
 * by a bash script doing the same operations in the same order ({@code git}, {@code cp -a},
 * {@code ln -s} + {@code mv -T}, {@code cp}/{@code sed}). Each round copies one fixture fresh for
 * each side (not timed), runs both (alternating which goes first) and takes the round's ratio;
 * medians are printed.
 *
 * <pre>{@code
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.backstep.benchmarks.ScenarioBenchmark --files=200,2000 --rounds=7
 * java -cp benchmarks/target/benchmarks.jar dev.backstep.benchmarks.ScenarioBenchmark --profile   # time per step, git calls
 * # variants: a real service process restarted around the switch, an embedded PostgreSQL snapshot restored
 * ./mvnw -q -pl benchmarks -am compile exec:java -Dexec.classpathScope=compile \
 *   -Dexec.mainClass=dev.backstep.benchmarks.ScenarioBenchmark -Dexec.args="--files=200 --rounds=5 --service --postgres"
 * }</pre>
 */
public final class ScenarioBenchmark {

    private static final String TARGET = "shop@bench";

    /** {@code --parallel}: the three steps in one parallel group, compensated concurrently. */
    static boolean parallel;

    /**
     * {@code --durable-script}: the script also runs {@code sync -f} (syncfs) after the release
     * copy, after the deploy and after the rollback, the least a script needs to survive a power
     * loss the way Backstep's run does.
     */
    static boolean durableScript;

    /**
     * {@code --service}: a real process stands for the service (started from {@link #SERVICE_CTL},
     * pid file {@code srv/shop/run/shop.pid}, running in the current release); both sides stop it
     * before the switch and start it after, and the rollback does the same around the switch back.
     */
    static Path serviceCtl;

    /**
     * {@code --postgres[=rows]}: an embedded PostgreSQL; Backstep adds
     * {@code snapshot(dir).restoreOnRollback()} and a SQL change after the {@code .env} edit, the
     * script {@code pg_dump -Fc} and {@code psql -c}, restored by {@code pg_restore --clean
     * --single-transaction} in the rollback.
     */
    static ScenarioDatabase database;

    private ScenarioBenchmark() {
    }

    /**
     * The service's control script, the same for both sides (what a host without systemd has):
     * {@code svc.sh start|stop APP}. Start launches a process in {@code APP/current}'s release that
     * writes its pid file, and waits (at most 10 s) until the pid file names a live process; stop
     * sends SIGTERM and waits (at most 10 s) until that process is gone (a zombie counts as gone:
     * this machine's init may not reap).
     */
    static final String SERVICE_CTL = """
            #!/bin/bash
            set -euo pipefail
            cmd=$1; app=$2; pidfile=$app/run/shop.pid
            alive() { local st; read -r _ _ st _ 2>/dev/null < "/proc/$1/stat" || return 1; [ "$st" != Z ]; }
            case $cmd in
              start)
                rel=$(readlink -f "$app/current")
                rm -f "$pidfile"
                ( cd "$rel" && exec setsid bash -c 'echo $$ > "$0.tmp" && mv "$0.tmp" "$0" && exec sleep 3600' \
                    "$pidfile" </dev/null >/dev/null 2>&1 & )
                for _ in $(seq 1000); do
                  if [ -s "$pidfile" ] && alive "$(<"$pidfile")"; then exit 0; fi
                  sleep 0.01
                done
                echo "the service of $app did not start within 10 s" >&2; exit 1 ;;
              stop)
                [ -s "$pidfile" ] || exit 0
                pid=$(<"$pidfile")
                kill "$pid" 2>/dev/null || true
                for _ in $(seq 1000); do
                  if ! alive "$pid"; then rm -f "$pidfile"; exit 0; fi
                  sleep 0.01
                done
                echo "the service $pid of $app did not stop within 10 s" >&2; exit 1 ;;
              *) echo "usage: svc.sh start|stop APP" >&2; exit 2 ;;
            esac
            """;

    /** The bash side: the same operations in the same order, no fsync (what such scripts do). */
    static final String SCRIPT = """
            #!/bin/bash
            set -euo pipefail
            repo=$1; app=$2; env=$3; tag=$4; version=$5; src=$6
            svc=${SVC:-}; db=${PGDATABASE:-}; backups=${BACKUPS:-}   # --service, --postgres
            # deploy
            if [ -n "$(git -C "$repo" status --porcelain --untracked-files=all)" ]; then echo dirty >&2; exit 2; fi
            prev=$(git -C "$repo" rev-parse HEAD)
            git -C "$repo" checkout -q --detach "$tag" --
            if [ -n "$svc" ]; then "$svc" stop "$app"; fi
            prevrel=$(readlink "$app/current")
            cp -a "$src" "$app/releases/.tmp-$version"
            [ "${DURABLE:-}" = 1 ] && sync -f "$app/releases/.tmp-$version"
            mv -T "$app/releases/.tmp-$version" "$app/releases/$version"
            ln -s "releases/$version" "$app/.current-tmp"
            mv -T "$app/.current-tmp" "$app/current"
            cp -p "$env" "$env.bak"
            sed -i "s/^APP_VERSION=.*/APP_VERSION=$version/" "$env"
            [ "${DURABLE:-}" = 1 ] && sync -f "$env"
            if [ -n "$db" ]; then   # PGHOST, PGPORT, PGUSER, PGPASSWORD come from the environment
              mkdir -p -m 700 "$backups"
              pg_dump --format=custom --file="$backups/shop.dump" --dbname="$db"
              psql -X -q --set=ON_ERROR_STOP=1 --dbname="$db" -c "DELETE FROM items WHERE id % 10 = 0"
            fi
            if [ -n "$svc" ]; then "$svc" start "$app"; fi
            # the verification fails: roll back in reverse order
            if ! false; then
              if [ -n "$svc" ]; then "$svc" stop "$app"; fi
              if [ -n "$db" ]; then
                pg_restore --clean --if-exists --single-transaction --exit-on-error --dbname="$db" "$backups/shop.dump"
              fi
              cp -p "$env.bak" "$env"
              ln -s "$prevrel" "$app/.current-tmp"
              mv -T "$app/.current-tmp" "$app/current"
              rm -rf "$app/releases/$version"
              if [ -n "$svc" ]; then "$svc" start "$app"; fi
              git -C "$repo" checkout -q --detach "$prev" --
              [ "${DURABLE:-}" = 1 ] && sync -f "$app"
            fi
            exit 0
            """;

    /** {@code --files=200,2000 --rounds=7 --profile --service --postgres[=rows]}. */
    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(200, 2000);
        int rounds = 7;
        boolean profile = false;
        boolean service = false;
        int dbRows = 0;
        for (String a : args) {
            if (a.equals("--service")) {
                service = true;
                continue;
            }
            if (a.equals("--postgres") || a.startsWith("--postgres=")) {
                dbRows = a.contains("=") ? Integer.parseInt(a.substring(11)) : 10_000;
                continue;
            }
            if (a.equals("--parallel")) {
                parallel = true;
                continue;
            }
            if (a.equals("--durable-script")) {
                durableScript = true;
                continue;
            }
            if (a.startsWith("--files=")) {
                sizes = Arrays.stream(a.substring(8).split(",")).map(Integer::valueOf).toList();
            } else if (a.startsWith("--rounds=")) {
                rounds = Integer.parseInt(a.substring(9));
            } else if (a.equals("--profile")) {
                profile = true;
            } else {
                throw new IllegalArgumentException("unknown argument " + a
                        + " (--files=200,2000 --rounds=7 --profile --parallel --durable-script --service"
                        + " --postgres[=rows])");
            }
        }
        if (parallel && (service || dbRows > 0)) {
            throw new IllegalArgumentException("--parallel covers the three base steps only, not --service/--postgres");
        }
        Path base = JournalBenchmark.tempDir("backstep-scenario");
        try {
            Path script = base.resolve("rollback.sh");
            Files.writeString(script, SCRIPT);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
            if (service) {
                serviceCtl = base.resolve("svc.sh");
                Files.writeString(serviceCtl, SERVICE_CTL);
                Files.setPosixFilePermissions(serviceCtl, PosixFilePermissions.fromString("rwx------"));
            }
            if (dbRows > 0) {
                database = ScenarioDatabase.start(dbRows);
            }
            for (int files : sizes) {
                Path fixture = Fixture.create(base.resolve("fixture-" + files), files);
                if (profile) {
                    profile(base, fixture, rounds);
                } else {
                    compare(base, fixture, script, files, rounds);
                }
            }
        } finally {
            killServices(base);
            if (database != null) {
                database.close();
            }
            JournalBenchmark.deleteRecursively(base);
        }
    }

    /** Whatever a failed round left running (each round stops its services itself). */
    private static void killServices(Path base) throws IOException {
        if (serviceCtl == null) {
            return;
        }
        try (var dirs = Files.list(base)) {
            for (Path d : dirs.toList()) {
                Path pid = d.resolve("srv/shop/run/shop.pid");
                if (Files.exists(pid)) {
                    ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroy);
                }
            }
        }
    }

    /** What the variant adds, for the headings. */
    private static String variant() {
        return (serviceCtl != null ? " + service stop/start" : "")
                + (database != null ? " + PostgreSQL snapshot/restore (" + database.rows + " rows)" : "");
    }

    static void compare(Path base, Path fixture, Path script, int files, int rounds) throws Exception {
        System.out.printf("deploy%s + failing verification + rollback%s, %d files, %d rounds (load %s)%n",
                variant(), (parallel ? " (Backstep: one parallel group; script: sequential)" : "")
                        + (durableScript ? " (script with sync -f)" : ""), files, rounds,
                Files.readString(Path.of("/proc/loadavg")).strip());
        // warm-up: JIT, page cache
        Path wb = fresh(base, fixture, "warm-b");
        runBackstep(wb, null, null);
        Fixture.checkRestored(fixture, wb);
        cleanUp(wb);
        Path ws = fresh(base, fixture, "warm-s");
        runScript(ws, script);
        Fixture.checkRestored(fixture, ws);
        cleanUp(ws);
        double[] b = new double[rounds];
        double[] s = new double[rounds];
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            Path bd = fresh(base, fixture, "b" + r);
            Path sd = fresh(base, fixture, "s" + r);
            if (r % 2 == 0) {
                b[r] = runBackstep(bd, null, null);
                s[r] = runScript(sd, script);
            } else {
                s[r] = runScript(sd, script);
                b[r] = runBackstep(bd, null, null);
            }
            ratio[r] = b[r] / s[r];
            Fixture.checkRestored(fixture, bd);
            Fixture.checkRestored(fixture, sd);
            cleanUp(bd);
            cleanUp(sd);
            System.out.printf("round %2d: backstep %7.1f ms  script %7.1f ms  backstep/script %.2f%n",
                    r + 1, b[r], s[r], ratio[r]);
        }
        System.out.printf("median (%d files): backstep %.1f ms, script %.1f ms, backstep/script %.2f%n",
                files, median(b), median(s), median(ratio));
    }

    /**
     * Where Backstep's time goes: the run's wall time cut into phases (set-up before the run's
     * first record, each step and compensation, the gaps between them, the end), and within each
     * the time spent waiting for journal appends (their fsync) and for programs (git, sync).
     */
    static void profile(Path base, Path fixture, int rounds) throws Exception {
        Path warm = fresh(base, fixture, "warm-p");
        runBackstep(warm, null, null);
        cleanUp(warm);
        Profile prof = new Profile();
        for (int r = 0; r < rounds; r++) {
            Path d = fresh(base, fixture, "p" + r);
            prof.begin();
            prof.total += runBackstep(d, prof, prof.commands, prof);
            prof.phase("end (journal close)");
            Fixture.checkRestored(fixture, d);
            try (var runs = Files.list(d.resolve("state/journal/runs"))) {
                for (Path f : runs.toList()) {
                    prof.lines += Files.readAllLines(f).size();
                }
            }
            cleanUp(d);
        }
        System.out.printf("profile, %s: mean total %.1f ms over %d rounds (load %s)%n", fixture.getFileName(),
                prof.total / rounds, rounds, Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.printf("  %-38s %8s %8s %7s %7s %8s%n", "phase", "wall ms", "journal", "forced", "lazy",
                "programs");
        long[] sums = new long[5];
        prof.wall.forEach((k, v) -> {
            long[] row = {v, prof.journalNanos.getOrDefault(k, 0L), prof.appends.getOrDefault(k, 0),
                prof.lazyAppends.getOrDefault(k, 0), prof.programNanos.getOrDefault(k, 0L)};
            for (int i = 0; i < row.length; i++) {
                sums[i] += row[i];
            }
            System.out.printf("  %-38s %8.1f %8.1f %7.1f %7.1f %8.1f%n", k, row[0] / 1e6 / rounds, row[1] / 1e6 / rounds,
                    row[2] / (double) rounds, row[3] / (double) rounds, row[4] / 1e6 / rounds);
        });
        System.out.printf("  %-38s %8.1f %8.1f %7.1f %7.1f %8.1f%n", "sum", sums[0] / 1e6 / rounds,
                sums[1] / 1e6 / rounds, sums[2] / (double) rounds, sums[3] / (double) rounds, sums[4] / 1e6 / rounds);
        System.out.printf("  journal records (lines)            %5.1f per run%n", prof.lines / (double) rounds);
        prof.commands.forEach((k, v) -> System.out.printf("  program %-26s %5.1f per run%n", k,
                v.get() / (double) rounds));
    }

    /** Wall time per phase (sequential runs), journal and program time attributed to the phase they happen in. */
    static final class Profile implements RunListener, Timer {
        final Map<String, Long> wall = new LinkedHashMap<>();
        final Map<String, Long> journalNanos = new ConcurrentHashMap<>();
        final Map<String, Integer> appends = new ConcurrentHashMap<>();
        final Map<String, Integer> lazyAppends = new ConcurrentHashMap<>();
        final Map<String, Long> programNanos = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> commands = new ConcurrentHashMap<>();
        double total;
        long lines;
        private volatile String phase;
        private long since;

        void begin() {
            phase = "set-up (lock, validate, first record)";
            since = System.nanoTime();
        }

        synchronized void phase(String next) {
            long now = System.nanoTime();
            wall.merge(phase, now - since, Long::sum);
            phase = next;
            since = now;
        }

        @Override
        public void journal(long nanos, int records) {
            journalNanos.merge(phase, nanos, Long::sum);
            appends.merge(phase, 1, Integer::sum);
        }

        @Override
        public void lazy(long nanos) {
            journalNanos.merge(phase, nanos, Long::sum);
            lazyAppends.merge(phase, 1, Integer::sum);
        }

        @Override
        public void program(long nanos) {
            programNanos.merge(phase, nanos, Long::sum);
        }

        @Override
        public void onRunStart(RunEvent.RunStarted e) {
            phase("run start -> first step");
        }

        @Override
        public void onStepStart(RunEvent.StepStarted e) {
            phase("step " + e.step());
        }

        @Override
        public void onStepEnd(RunEvent.StepFinished e) {
            phase("after step " + e.step());
        }

        @Override
        public void onRollbackStart(RunEvent.RollbackStarted e) {
            phase("rollback start");
        }

        @Override
        public void onCompensationStart(RunEvent.CompensationStarted e) {
            phase("undo " + e.step());
        }

        @Override
        public void onCompensationEnd(RunEvent.CompensationFinished e) {
            phase("after undo " + e.step());
        }

        @Override
        public void onRunEnd(RunEvent.RunFinished e) {
            phase("run finished -> return");
        }
    }

    /** Measures journal appends and programs for {@link Profile}. */
    interface Timer {
        /** A durable append (or appendAll) took {@code nanos}. */
        void journal(long nanos, int records);

        /** A lazy append (written, forced by the next durable one) took {@code nanos}. */
        void lazy(long nanos);

        void program(long nanos);
    }

    /** Times every append of {@code journal}. */
    static Journal timed(Journal journal, Timer timer) {
        return new ForwardingJournal(journal) {
            @Override
            public void append(JournalRecord record) {
                long t = System.nanoTime();
                journal.append(record);
                timer.journal(System.nanoTime() - t, 1);
            }

            @Override
            public void appendAll(List<JournalRecord> records) {
                long t = System.nanoTime();
                journal.appendAll(records);
                timer.journal(System.nanoTime() - t, records.size());
            }

            @Override
            public void appendLazily(JournalRecord record) {
                long t = System.nanoTime();
                journal.appendLazily(record);
                timer.lazy(System.nanoTime() - t);
            }

            @Override
            public void sync(RunId runId) {
                long t = System.nanoTime();
                journal.sync(runId);
                timer.journal(System.nanoTime() - t, 0);
            }

            @Override
            public void close() {
                journal.close();
            }
        };
    }

    static Path fresh(Path base, Path fixture, String name) throws Exception {
        Path dir = base.resolve(name);
        Process p = new ProcessBuilder("cp", "-a", fixture.toString(), dir.toString()).inheritIO().start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("cp -a failed");
        }
        if (database != null) {
            database.reset(dbName(dir));
        }
        if (serviceCtl != null) {
            service(dir, "start");
        }
        return dir;
    }

    /** Stops the round's service, drops its database, deletes its directory (none of it timed). */
    static void cleanUp(Path dir) throws Exception {
        if (serviceCtl != null) {
            service(dir, "stop");
        }
        if (database != null) {
            database.drop(dbName(dir));
        }
        JournalBenchmark.deleteRecursively(dir);
    }

    /** {@code svc.sh start|stop} outside the measured runs (the fixture's service before, the clean-up after). */
    static void service(Path dir, String verb) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(serviceCtl.toString(), verb, dir.resolve("srv/shop").toString())
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("svc.sh " + verb + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    /** The database of one side of one round: {@code shop_b0}, {@code shop_warm_s}, ... */
    static String dbName(Path dir) {
        return "shop_" + dir.getFileName().toString().replace('-', '_');
    }

    static double runBackstep(Path dir, RunListener listener, Map<String, AtomicInteger> commandCount) {
        return runBackstep(dir, listener, commandCount, null);
    }

    static double runBackstep(Path dir, RunListener listener, Map<String, AtomicInteger> commandCount, Timer timer) {
        Path repo = dir.resolve("repo");
        Path app = dir.resolve("srv/shop");
        long start = System.nanoTime();
        CommandRunner local = CommandRunner.local();
        CommandRunner commands = commandCount == null ? local : spec -> {
            commandCount.computeIfAbsent(spec.argv().get(0) + " " + firstVerb(spec), k -> new AtomicInteger())
                    .incrementAndGet();
            long t = System.nanoTime();
            try {
                return local.run(spec);
            } finally {
                if (timer != null) {
                    timer.program(System.nanoTime() - t);
                }
            }
        };
        Journal directory = Journal.directory(dir.resolve("state/journal"));
        try (Journal journal = timer == null ? directory : timed(directory, timer)) {
            Runner runner = Backstep.runner().journal(journal).stateDir(dir.resolve("state"))
                    .commands(commands).listener(listener == null ? RunListener.NONE : listener).build();
            Step checkout = Git.checkout(repo, "v2");
            Step deploy = Release.in(app).deploy("2.0.0", source(dir));
            Step env = ConfigFile.edit(dir.resolve("shared.env")).set("APP_VERSION", "2.0.0").withName("configure .env");
            Plan.Builder builder = Plan.named("deploy shop v2").target(TARGET);
            if (parallel) {
                builder = builder.parallel(checkout, deploy, env);
            } else {
                // the order of SCRIPT: checkout, stop service, release, .env, snapshot + change, start service
                builder = builder.step(checkout);
                if (serviceCtl != null) {
                    builder = builder.step(serviceCommand(app, "stop", "start").withName("stop service"));
                }
                builder = builder.step(deploy).step(env);
                if (database != null) {
                    Database db = database.backstep(dbName(dir));
                    builder = builder.step(db.snapshot(dir.resolve("backups")).restoreOnRollback().withName("snapshot db"))
                            .step(db.sql(ScenarioDatabase.CHANGE).withName("change db"));
                }
                if (serviceCtl != null) {
                    builder = builder.step(serviceCommand(app, "start", "stop").withName("start service"));
                }
            }
            Plan plan = builder
                    .verify(Step.verification("smoke test", ctx -> {
                        throw new IllegalStateException("smoke test failed (on purpose)");
                    }))
                    .build();
            RunResult result = runner.run(plan);
            if (result.status() != RunStatus.ROLLED_BACK) {
                throw new IllegalStateException("expected ROLLED_BACK, got " + result.status(), result.failure().orElse(null));
            }
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** {@code svc.sh <verb> app}, compensated by {@code svc.sh <undo> app}; both wait at most 10 s. */
    private static Command serviceCommand(Path app, String verb, String undo) {
        return Command.of(serviceCtl.toString(), verb, app.toString()).timeout(Duration.ofSeconds(60))
                .compensatedBy(Command.of(serviceCtl.toString(), undo, app.toString()).timeout(Duration.ofSeconds(60)));
    }

    /**
     * What the release copies: the checked-out {@code public/}, or with {@code --parallel} a build
     * directory of the same content (a copy racing the checkout of its source would not be independent).
     */
    static Path source(Path dir) {
        return parallel ? dir.resolve("build") : dir.resolve("repo/public");
    }

    private static String firstVerb(CommandSpec spec) {
        for (String a : spec.argv().subList(1, spec.argv().size())) {
            if (!a.startsWith("-") && !a.contains("=")) {
                return a.contains("/") ? "" : a; // a path (a dump to restore) would make a key per run
            }
        }
        return "";
    }

    static double runScript(Path dir, Path script) throws IOException, InterruptedException {
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(script.toString(), dir.resolve("repo").toString(),
                dir.resolve("srv/shop").toString(), dir.resolve("shared.env").toString(), "v2", "2.0.0",
                source(dir).toString())
                .redirectErrorStream(true);
        pb.environment().put("DURABLE", durableScript ? "1" : "0");
        pb.environment().put("SVC", serviceCtl == null ? "" : serviceCtl.toString());
        pb.environment().put("BACKUPS", dir.resolve("backups").toString());
        if (database != null) {
            database.scriptEnv(pb.environment(), dbName(dir));
        } else {
            pb.environment().remove("PGDATABASE");
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("script failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return (System.nanoTime() - start) / 1e6;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** A git repository with tags v1 and v2, a release directory serving v1 and a shared .env. */
    static final class Fixture {
        private Fixture() {
        }

        static Path create(Path dir, int files) throws IOException, InterruptedException {
            Path repo = dir.resolve("repo");
            Path pub = repo.resolve("public");
            Files.createDirectories(pub);
            git(repo, "init", "-q", "-b", "main");
            git(repo, "config", "user.email", "bench@example.invalid");
            git(repo, "config", "user.name", "bench");
            writeFiles(pub, files, "v1");
            git(repo, "add", "-A");
            git(repo, "commit", "-q", "-m", "v1");
            git(repo, "tag", "v1");
            writeFiles(pub, files / 10, "v2"); // a tenth of the files change
            git(repo, "add", "-A");
            git(repo, "commit", "-q", "-m", "v2");
            git(repo, "tag", "v2");
            Process build = new ProcessBuilder("cp", "-a", pub.toString(), dir.resolve("build").toString())
                    .inheritIO().start();
            if (build.waitFor() != 0) {
                throw new IOException("cp failed");
            }
            git(repo, "checkout", "-q", "--detach", "v1");
            Path releases = dir.resolve("srv/shop/releases");
            Files.createDirectories(releases);
            Process p = new ProcessBuilder("cp", "-a", pub.toString(), releases.resolve("1.0.0").toString())
                    .inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IOException("cp failed");
            }
            Files.createSymbolicLink(dir.resolve("srv/shop/current"), Path.of("releases/1.0.0"));
            Files.createDirectories(dir.resolve("srv/shop/run")); // the service's pid file (--service)
            Files.writeString(dir.resolve("shared.env"), "# shop\nAPP_VERSION=1.0.0\nDB_HOST=127.0.0.1\n");
            // a host that has deployed before: state, journal and lock directories exist (their
            // first creation syncs four directories, once per host, not per deploy)
            Journal.directory(dir.resolve("state/journal")).close();
            try (Lock.Handle held = Lock.file(dir.resolve("state")).acquire(TARGET,
                    RunId.generate(java.time.Instant.now()), java.time.Duration.ZERO)) {
                // acquired once and released: the lock file exists, as on any host that deployed
            }
            return dir;
        }

        private static void writeFiles(Path pub, int files, String version) throws IOException {
            byte[] body = new byte[1024];
            for (int i = 0; i < files; i++) {
                Path f = pub.resolve("d" + (i / 50)).resolve("f" + i + ".php");
                Files.createDirectories(f.getParent());
                Arrays.fill(body, (byte) ('a' + (i % 26)));
                String head = "<?php // " + version + " file " + i + "\n";
                byte[] h = head.getBytes(StandardCharsets.UTF_8);
                System.arraycopy(h, 0, body, 0, h.length);
                Files.write(f, body);
            }
        }

        /** Fails loudly unless {@code dir} is back as the fixture was: files, git, and the variants' service and rows. */
        static void checkRestored(Path fixture, Path dir) throws Exception {
            if (database != null && database.count(dbName(dir)) != database.rows) {
                throw new IllegalStateException("database not restored: " + database.count(dbName(dir)) + " rows, not "
                        + database.rows + ": " + dir);
            }
            if (serviceCtl != null) {
                Path pidFile = dir.resolve("srv/shop/run/shop.pid");
                String pid = Files.exists(pidFile) ? Files.readString(pidFile).strip() : "";
                Path proc = Path.of("/proc", pid);
                String stat = pid.isEmpty() || !Files.exists(proc) ? "" : Files.readString(proc.resolve("stat"));
                if (stat.isEmpty() || stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")
                        || !Files.readSymbolicLink(proc.resolve("cwd")).equals(
                                dir.resolve("srv/shop/releases/1.0.0").toRealPath())) {
                    throw new IllegalStateException("service not running in release 1.0.0 (pid '" + pid + "'): " + dir);
                }
            }
            if (!Files.readSymbolicLink(dir.resolve("srv/shop/current")).toString().equals("releases/1.0.0")
                    || !Files.readString(dir.resolve("shared.env")).equals(Files.readString(fixture.resolve("shared.env")))
                    || Files.exists(dir.resolve("srv/shop/releases/2.0.0"))
                    || !Files.readString(dir.resolve("repo/.git/HEAD")).equals(
                            Files.readString(fixture.resolve("repo/.git/HEAD")))) {
                throw new IllegalStateException("not restored: " + dir);
            }
        }

        private static void git(Path repo, String... args) throws IOException, InterruptedException {
            List<String> argv = new ArrayList<>(List.of("git"));
            argv.addAll(List.of(args));
            Process p = new ProcessBuilder(argv).directory(repo.toFile()).inheritIO().start();
            if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new UncheckedIOException(new IOException("git " + String.join(" ", args) + " failed"));
            }
        }
    }
}
