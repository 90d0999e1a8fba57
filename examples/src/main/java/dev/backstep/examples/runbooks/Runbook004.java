package dev.backstep.examples.runbooks;

import dev.backstep.Command;
import dev.backstep.Plan;
import dev.backstep.PlanDefinitionException;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Secret;
import dev.backstep.Step;
import dev.backstep.StepKind;
import dev.backstep.check.Check;
import dev.backstep.check.MetricCheck;
import dev.backstep.db.Database;
import dev.backstep.db.migrate.AlembicUpgrade;
import dev.backstep.docker.Compose;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.EditStep;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runbook 004 ("Rollback Procedure для Samokoder": API, worker and frontend in docker-compose,
 * PostgreSQL, Alembic, Prometheus; RTO under 5 minutes) as a plan whose failure rolls back by
 * itself. The runbook's scenarios map to steps:
 *
 * <table>
 * <caption>runbook → plan</caption>
 * <tr><td>scenario 2, step 2: {@code docker-compose stop api worker} (no requests to the database)</td>
 *     <td>{@code compose.stop("api", "worker")}, first; undo: both run again on the image they ran</td></tr>
 * <tr><td>scenario 2, step 1 / scenario 3, step 2: {@code backup.sh} verified with {@code gunzip -t}</td>
 *     <td>{@code db.snapshot(backups).restoreOnRollback(maxAge)}: a {@code pg_dump -Fc} with a sha256
 *     manifest, checked before it is restored; restored on rollback, so data a migration destroyed
 *     comes back</td></tr>
 * <tr><td>scenario 4: {@code .env.prod} from git or backup, {@code diff}, {@code cp}</td>
 *     <td>{@code ConfigFile.edit(.env).set("APP_VERSION", v)} (and the new secrets): a backup kept,
 *     a masked diff in the dry-run, the file restored byte for byte on rollback</td></tr>
 * <tr><td>scenario 2, step 3: {@code alembic upgrade} / {@code downgrade}</td>
 *     <td>{@code Migrations.alembic(app)}: records {@code alembic current} first; undo is
 *     {@code downgrade <recorded revision>}</td></tr>
 * <tr><td>scenario 1, step 2 / scenario 3, step 3: {@code docker-compose up -d} on {@code APP_VERSION}</td>
 *     <td>{@code compose.up("api", "worker", "frontend")}; undo: every service back on exactly the
 *     image id it ran (not "the previous tag", which may have been re-pushed)</td></tr>
 * <tr><td>"rollback triggers": health check, 5xx &gt; 5 %, p95 &gt; 5 s</td>
 *     <td>verifications {@code compose.healthy("api")}, {@code Check.http(/health)},
 *     {@code Check.metricRatio} over Prometheus' text exposition (5xx / all, and the share of
 *     requests in the {@code le="5.0"} latency bucket, which is at least 95 % exactly when p95 ≤ 5 s):
 *     when one fails, everything above is undone in reverse order</td></tr>
 * <tr><td>scenario 2, step 4: {@code docker-compose up -d api worker} on the restored version</td>
 *     <td>{@code afterRollback}: {@code docker-compose up -d} with the restored {@code .env} (a
 *     journaled {@link Command}, so a rollback from the journal runs it too)</td></tr>
 * <tr><td>"Validation checklist": health, error rate &lt; 1 %, p95 &lt; 2 s, scenario 2, step 5:
 *     row counts of {@code users}, {@code projects}, {@code files}, foreign keys</td>
 *     <td>{@code verifyAfterRollback}: typed checks ({@link #register}) over {@code /health},
 *     {@code db.check().rowCount(t).atLeast(n)}, {@code db.check().foreignKeysValid()} and the
 *     metric gates; a failure ends the run {@code ROLLBACK_FAILED}, never {@code ROLLED_BACK}</td></tr>
 * <tr><td>{@code rollback.sh --full}, {@code --restore-db}</td><td>{@code runner.rollback(runId)}
 *     of a deploy that succeeded, from the journal, in any process (the test uses another JVM) that
 *     knows the installation's configuration and {@link #register}ed its checks: no plan needed</td></tr>
 * <tr><td>{@code rollback.sh --auto}</td><td>{@link #rollbackToLastGood}</td></tr>
 * <tr><td>{@code rollback.sh --dry-run}</td><td>{@code runner.dryRun(deployPlan(...))}</td></tr>
 * <tr><td>RTO &lt; 5 min</td><td>{@link RunResult#rto()}, in the report's text and JSON</td></tr>
 * </table>
 *
 * <p><b>Where the runbook is wrong, and what the plan does instead.</b>
 * <ul>
 * <li>Scenario 2 stops {@code api} and {@code worker}, then runs {@code docker exec samokoder-api
 *     alembic downgrade -1}: an exec into the container it has just stopped fails. The plan's
 *     alembic runs where it can while the API is down: on the deploy host (as the test does:
 *     its busybox images hold no Python) or through a one-off container
 *     ({@code .via("docker-compose", "run", "--rm", "-T", "--no-deps", "api")}), never by exec into
 *     a stopped service.</li>
 * <li>{@code downgrade -1} undoes one revision, whatever the deploy applied (none, one or several).
 *     The plan downgrades to the revision {@code alembic current} showed before the upgrade, and
 *     checks afterwards that the database is there.</li>
 * <li>It takes the backup while the API still writes, then stops it; the plan stops API and worker
 *     first, so the dump is consistent and the restore happens while nothing writes.</li>
 * <li>It restores the dump and then runs {@code alembic upgrade head} of the old code; the plan
 *     downgrades with the new code's scripts (the old code does not know the new revision), then
 *     restores the dump (taken at the old revision, it brings back rows a migration deleted) and
 *     runs no migration after it.</li>
 * <li>Scenario 1 sets {@code APP_VERSION} in the shell for one {@code docker-compose} call, so the
 *     next {@code up} brings the bad version back; the plan edits {@code .env} and restores it.</li>
 * </ul>
 *
 * <pre>{@code
 * Compose compose = Compose.project(Path.of("/opt/samokoder")).file("docker-compose.yml").envFile(".env");
 * Samokoder prod = Samokoder.of("samokoder@prod", compose, Migrations.alembic(app).config("alembic.ini"),
 *         Db.postgres(conn), URI.create("http://127.0.0.1:8000/"),
 *         URI.create("http://127.0.0.1:9090/federate?match[]={job=\"samokoder-api\"}"))
 *     .minRows(Map.of("users", 1L, "projects", 1L, "files", 0L))
 *     .composeCommand("docker-compose", "-f", "/opt/samokoder/docker-compose.yml", "--env-file", "/opt/samokoder/.env");
 * Runner runner = Runbook004.register(Backstep.runner().journal(Journal.directory(state)).stateDir(state), prod)
 *     .build();
 * RunResult r = Runbook004.deploy(runner, prod, "1.3.0", Map.of("SECRET_KEY", Secret.of(newKey)));
 * r.rto().ifPresent(rto -> System.out.println("RTO " + rto));   // when it rolled back
 * }</pre>
 */
public final class Runbook004 {
    /** The type of the post-rollback checks {@link #register} makes resolvable from the journal. */
    public static final String CHECK_TYPE_PREFIX = "samokoder.verify-restored.";

    private Runbook004() {
    }

    /**
     * The Samokoder installation.
     *
     * @param target the lock and journal target ({@code samokoder@prod})
     * @param compose the compose project (its env file holds {@code APP_VERSION})
     * @param env the {@code .env} the compose files are interpolated with
     * @param migrations the alembic step (program, config, environment, {@code via} prefix)
     * @param db the application's PostgreSQL
     * @param backups where dumps are written (0700, never pruned)
     * @param api the API's root; {@code /health} is resolved against it
     * @param metrics the Prometheus text exposition of the API's metrics
     *     ({@code samokoder_http_requests_total{status}}, {@code samokoder_http_request_duration_seconds})
     * @param verifyWithin how long the verifications may keep polling
     * @param maxErrorRate the 5xx share above which the deploy is rolled back (runbook: 5 %)
     * @param minRows the critical tables and the rows each must have after a rollback
     * @param composeCommand the argv prefix of {@code docker-compose} for the after-rollback {@code up -d}
     * @param dockerHost {@code DOCKER_HOST} for that command, empty for the default engine
     * @param backupMaxAge how old the dump may be when a later rollback restores it
     */
    public record Samokoder(String target, Compose compose, Path env, AlembicUpgrade migrations, Database db,
                            Path backups, URI api, URI metrics, Duration verifyWithin, double maxErrorRate,
                            Map<String, Long> minRows, List<String> composeCommand, String dockerHost,
                            Duration backupMaxAge) {
        public Samokoder {
            Runbooks.notBlank("runbook 004", target, "target");
            Objects.requireNonNull(compose, "compose");
            Objects.requireNonNull(env, "env");
            Objects.requireNonNull(migrations, "migrations");
            Objects.requireNonNull(db, "db");
            Objects.requireNonNull(backups, "backups");
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(verifyWithin, "verifyWithin");
            Objects.requireNonNull(backupMaxAge, "backupMaxAge");
            Runbooks.errorRate("runbook 004", maxErrorRate);
            minRows = Map.copyOf(new LinkedHashMap<>(minRows));
            composeCommand = Runbooks.notEmpty("runbook 004", composeCommand, "compose command");
            dockerHost = dockerHost == null ? "" : dockerHost;
        }

        /**
         * An installation with {@code .env} in the compose directory, dumps in
         * {@code <compose dir>/backups}, 60 s of verification, a 5 % error-rate threshold, no
         * row-count minimum, {@code docker-compose -f <dir>/docker-compose.yml --env-file <dir>/.env}
         * and dumps restorable for an hour.
         */
        public static Samokoder of(String target, Compose compose, AlembicUpgrade migrations, Database db, URI api,
                                   URI metrics) {
            Path dir = compose.directory();
            return new Samokoder(target, compose, dir.resolve(".env"), migrations, db, dir.resolve("backups"), api,
                    metrics, Duration.ofSeconds(60), 0.05, Map.of(),
                    List.of("docker-compose", "-f", dir.resolve("docker-compose.yml").toString(), "--env-file",
                            dir.resolve(".env").toString()), "", Duration.ofHours(1));
        }

        public Samokoder env(Path file) {
            return new Samokoder(target, compose, file, migrations, db, backups, api, metrics, verifyWithin,
                    maxErrorRate, minRows, composeCommand, dockerHost, backupMaxAge);
        }

        public Samokoder backups(Path dir) {
            return new Samokoder(target, compose, env, migrations, db, dir, api, metrics, verifyWithin,
                    maxErrorRate, minRows, composeCommand, dockerHost, backupMaxAge);
        }

        public Samokoder verifyWithin(Duration d) {
            return new Samokoder(target, compose, env, migrations, db, backups, api, metrics, d,
                    maxErrorRate, minRows, composeCommand, dockerHost, backupMaxAge);
        }

        public Samokoder maxErrorRate(double rate) {
            return new Samokoder(target, compose, env, migrations, db, backups, api, metrics, verifyWithin,
                    rate, minRows, composeCommand, dockerHost, backupMaxAge);
        }

        /** The critical tables and the least rows each must hold after a rollback (runbook: users, projects, files). */
        public Samokoder minRows(Map<String, Long> rows) {
            return new Samokoder(target, compose, env, migrations, db, backups, api, metrics, verifyWithin,
                    maxErrorRate, rows, composeCommand, dockerHost, backupMaxAge);
        }

        /** The argv prefix of docker-compose (with {@code -f} and {@code --env-file}) and its {@code DOCKER_HOST}. */
        public Samokoder composeCommand(String dockerHostOrBlank, String... argv) {
            return new Samokoder(target, compose, env, migrations, db, backups, api, metrics, verifyWithin,
                    maxErrorRate, minRows, List.of(argv), dockerHostOrBlank, backupMaxAge);
        }

        /** The API's health endpoint: {@code <api>/health}. */
        public URI health() {
            return api.resolve("/health");
        }
    }

    /**
     * The deploy of {@code version} (images {@code ...:<version>} through {@code APP_VERSION}):
     * stop API and worker, dump the database, edit {@code .env}, run the migrations, bring every
     * service up on the new images, then verify health, the 5xx rate and p95. A failure anywhere
     * undoes everything before it; then {@code docker-compose up -d} runs on the restored
     * {@code .env} and the restored system is verified. Run it with a runner built through
     * {@link #register} (otherwise the run is refused before anything changes: its post-rollback
     * checks are typed steps nobody registered).
     *
     * @param secrets further {@code .env} keys the version needs (masked in previews, reports, journal)
     */
    public static Plan deployPlan(Samokoder s, String version, Map<String, Secret> secrets) {
        if (version == null || !version.matches("[0-9A-Za-z][0-9A-Za-z._-]*")) {
            throw new PlanDefinitionException(null, null, "runbook 004: '" + version + "' is not an image tag");
        }
        EditStep env = ConfigFile.edit(s.env()).set("APP_VERSION", version);
        for (Map.Entry<String, Secret> e : new java.util.TreeMap<>(secrets).entrySet()) {
            env = env.set(e.getKey(), e.getValue());
        }
        String pct = Math.round(s.maxErrorRate() * 100) + " %";
        return Plan.named("deploy " + s.target() + " " + version).target(s.target())
                .step(s.compose().stop("api", "worker").withName("stop api and worker"))
                .step(s.db().snapshot(s.backups()).restoreOnRollback(s.backupMaxAge()).withName("backup database"))
                .step(env.withName("configure .env"))
                .step(s.migrations().withName("alembic upgrade"))
                .step(s.compose().up("api", "worker", "frontend").withName("compose up " + version))
                .verify(s.compose().healthy("api").within(s.verifyWithin()).withName("api container healthy"))
                .verify(Check.http(s.health()).status(200).within(s.verifyWithin()).every(Duration.ofMillis(250))
                        .withName("health check"))
                .verify(errorRate(s, s.maxErrorRate()).withName("5xx below " + pct))
                .verify(latency(s, "5.0").withName("p95 latency at most 5 s"))
                .afterRollback(composeUp(s))
                .verifyAfterRollback(restoredChecks(s).toArray(Step[]::new))
                .build();
    }

    /**
     * The runner builder with the post-rollback checks of {@code s} registered by type, so that
     * {@code runner.rollback(runId)} and {@code recover()} run them from the journal, without the plan.
     */
    public static Runner.Builder register(Runner.Builder runner, Samokoder s) {
        for (Map.Entry<String, Step> c : checks(s).entrySet()) {
            Step check = c.getValue();
            runner.compensation(CHECK_TYPE_PREFIX + c.getKey(), check::execute);
        }
        return runner;
    }

    /**
     * Runs {@link #deployPlan}; when it succeeded, marks the run good ({@code rollback.sh --auto}
     * comes back to it).
     */
    public static RunResult deploy(Runner runner, Samokoder s, String version, Map<String, Secret> secrets) {
        return Runbooks.runAndMarkGood(runner, deployPlan(s, version, secrets));
    }

    /** {@code rollback.sh --auto}: every run after the last good one compensated, newest first. */
    public static List<RunResult> rollbackToLastGood(Runner runner, Samokoder s) {
        return runner.rollbackToLastGood(s.target());
    }

    // --- the checks ---

    private static MetricCheck errorRate(Samokoder s, double max) {
        return Check.metricRatio(s.metrics(), "samokoder_http_requests_total{status=~\"5..\"}",
                "samokoder_http_requests_total").below(max).absentAs(0).within(s.verifyWithin())
                .every(Duration.ofMillis(500));
    }

    private static MetricCheck latency(Samokoder s, String le) {
        return Check.metricRatio(s.metrics(), "samokoder_http_request_duration_seconds_bucket{le=\"" + le + "\"}",
                "samokoder_http_request_duration_seconds_count").above(0.95).within(s.verifyWithin())
                .every(Duration.ofMillis(500));
    }

    /** The validation checklist, by key: health, error rate &lt; 1 %, p95 &lt; 2 s, row counts, foreign keys. */
    private static Map<String, Step> checks(Samokoder s) {
        Map<String, Step> m = new LinkedHashMap<>();
        m.put("health", Check.http(s.health()).status(200).within(s.verifyWithin()).every(Duration.ofMillis(250)));
        m.put("error-rate", errorRate(s, 0.01));
        m.put("p95", latency(s, "2.0"));
        for (Map.Entry<String, Long> e : new java.util.TreeMap<>(s.minRows()).entrySet()) {
            m.put("rows." + e.getKey(), s.db().check().rowCount(e.getKey()).atLeast(e.getValue()));
        }
        m.put("foreign-keys", s.db().check().foreignKeysValid());
        return m;
    }

    private static List<Step> restoredChecks(Samokoder s) {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("health", "health after rollback");
        names.put("error-rate", "5xx below 1 % after rollback");
        names.put("p95", "p95 at most 2 s after rollback");
        names.put("foreign-keys", "foreign keys valid");
        List<Step> out = new ArrayList<>();
        for (Map.Entry<String, Step> c : checks(s).entrySet()) {
            String key = c.getKey();
            String name = names.getOrDefault(key, key.startsWith("rows.")
                    ? "rows in " + key.substring(5) + " at least " + s.minRows().get(key.substring(5)) : key);
            Step check = c.getValue();
            out.add(Step.named(name).type(CHECK_TYPE_PREFIX + key).kind(StepKind.VERIFICATION)
                    .action(check::execute).describe(check.describe()).build());
        }
        return out;
    }

    /** {@code docker-compose up -d} on the restored {@code .env}: a journaled command, run from the journal too. */
    private static Command composeUp(Samokoder s) {
        List<String> argv = new ArrayList<>(s.composeCommand());
        argv.addAll(List.of("up", "-d"));
        Command up = Command.of(argv).in(s.compose().directory()).timeout(Duration.ofMinutes(3));
        if (!s.dockerHost().isEmpty()) {
            up = up.env("DOCKER_HOST", s.dockerHost());
        }
        return up.withName("compose up -d (restored)");
    }
}
