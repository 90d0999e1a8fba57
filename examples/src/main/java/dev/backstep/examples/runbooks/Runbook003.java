package dev.backstep.examples.runbooks;

import dev.backstep.Command;
import dev.backstep.Plan;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.check.Check;
import dev.backstep.db.Database;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.Release;
import dev.backstep.git.Git;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Runbook 003 ("Rollbacks e Desfazer Deploys", a generic Laravel Envoyer/Forge-style web app) as
 * plans. The runbook's strategies map to steps:
 *
 * <table>
 * <caption>runbook → plan</caption>
 * <tr><td>{@code mysqldump -u root -p database_name > backup.sql} before any deploy</td>
 *     <td>{@code db.snapshot(backups).restoreOnRollback()}: a verified 0600 dump, restored when
 *     the deploy is rolled back</td></tr>
 * <tr><td>{@code git checkout <commit_id>}</td><td>{@code Git.checkout(repo, "v" + version)};
 *     undo returns to the recorded HEAD and branch</td></tr>
 * <tr><td>atomic deploy {@code ln -sfn releases/<v> current}</td>
 *     <td>{@code Release.in(base).deploy(version, repo/public)}; undo switches back</td></tr>
 * <tr><td>configuration</td><td>{@code ConfigFile.edit(.env).set("APP_VERSION", version)}; undo
 *     restores the file byte for byte</td></tr>
 * <tr><td>{@code systemctl restart nginx}</td><td>an optional restart {@link Command}</td></tr>
 * <tr><td>monitoring and alerts that trigger an automatic rollback</td>
 *     <td>verifications {@code Check.http(/health)} and {@code Check.metricRatio(/metrics, 5xx,
 *     all).below(maxErrorRate)}: when one fails, every step above is undone</td></tr>
 * <tr><td>{@code rollback.sh VERSION}</td><td>{@link #rollbackTo(Site, String)}</td></tr>
 * <tr><td>CI job {@code when: on_failure}</td><td>the runner itself: a failed run is rolled back
 *     before {@code run} returns; {@link #rollbackToLastGood} for a run that succeeded but turned
 *     out bad later</td></tr>
 * </table>
 *
 * <pre>{@code
 * Site shop = Site.of("shop@prod", repo, Release.in(Path.of("/srv/shop")), Db.mariadb(conn),
 *         URI.create("http://127.0.0.1:8080/"))
 *     .restart("systemctl", "restart", "nginx");
 * RunResult r = Runbook003.deploy(runner, shop, "1.3.0",
 *     Db.mariadb(conn).sql("UPDATE products SET price = price * 1.1"));  // undone by the dump's restore
 * runner.run(Runbook003.rollbackTo(shop, "1.2.0"));                     // rollback.sh 1.2.0
 * Runbook003.rollbackToLastGood(runner, shop);                          // back to the last run marked good
 * }</pre>
 */
public final class Runbook003 {
    private Runbook003() {
    }

    /**
     * One deployed site: its git checkout, release directory, {@code .env}, database, where dumps
     * go, where it answers HTTP, and how its web server is restarted.
     *
     * @param target the lock and journal target ({@code shop@prod})
     * @param repo the git working copy whose tags are {@code v<version>}
     * @param releases the release layout ({@code base/releases/<v>}, {@code base/current})
     * @param env the shared {@code .env} file
     * @param db the application's database
     * @param backups where database dumps are written (0700, never pruned)
     * @param baseUri the site's root; {@code health} and {@code metrics} are resolved against it
     * @param verifyWithin how long the verifications may keep polling
     * @param maxErrorRate the share of 5xx responses above which the deploy is rolled back
     * @param restart the argv that restarts the web server, empty for none
     */
    public record Site(String target, Path repo, Release releases, Path env, Database db, Path backups,
                       URI baseUri, Duration verifyWithin, double maxErrorRate, List<String> restart) {
        public Site {
            Runbooks.notBlank("runbook 003", target, "target");
            Objects.requireNonNull(repo, "repo");
            Objects.requireNonNull(releases, "releases");
            Objects.requireNonNull(env, "env");
            Objects.requireNonNull(db, "db");
            Objects.requireNonNull(backups, "backups");
            Objects.requireNonNull(baseUri, "baseUri");
            Objects.requireNonNull(verifyWithin, "verifyWithin");
            Runbooks.errorRate("runbook 003", maxErrorRate);
            restart = List.copyOf(restart);
        }

        /**
         * A site with {@code .env} in {@code base/shared/.env}, dumps in {@code base/backups},
         * 30 s of verification, a 5 % error-rate threshold and no restart command.
         */
        public static Site of(String target, Path repo, Release releases, Database db, URI baseUri) {
            return new Site(target, repo, releases, releases.base().resolve("shared/.env"), db,
                    releases.base().resolve("backups"), baseUri, Duration.ofSeconds(30), 0.05, List.of());
        }

        public Site env(Path file) {
            return new Site(target, repo, releases, file, db, backups, baseUri, verifyWithin, maxErrorRate, restart);
        }

        public Site backups(Path dir) {
            return new Site(target, repo, releases, env, db, dir, baseUri, verifyWithin, maxErrorRate, restart);
        }

        public Site verifyWithin(Duration d) {
            return new Site(target, repo, releases, env, db, backups, baseUri, d, maxErrorRate, restart);
        }

        public Site maxErrorRate(double rate) {
            return new Site(target, repo, releases, env, db, backups, baseUri, verifyWithin, rate, restart);
        }

        /** The web server restart ({@code systemctl restart nginx}), run after the switch. */
        public Site restart(String... argv) {
            return new Site(target, repo, releases, env, db, backups, baseUri, verifyWithin, maxErrorRate,
                    List.of(argv));
        }

        /** The health endpoint: {@code <baseUri>/health}. */
        public URI health() {
            return baseUri.resolve("/health");
        }

        /** The Prometheus text endpoint: {@code <baseUri>/metrics}. */
        public URI metrics() {
            return baseUri.resolve("/metrics");
        }
    }

    /**
     * The deploy of {@code version} (git tag {@code v<version>}): dump the database, check the tag
     * out, copy and switch the release, set {@code APP_VERSION} in {@code .env}, run the
     * {@code migrations} (Laravel's {@code php artisan migrate}: any steps; one without its own
     * undo is undone by the dump's restore), restart the web server, then verify the health
     * endpoint and the 5xx rate and mark the release good. A failure anywhere undoes everything
     * before it, the database restore last.
     *
     * @throws dev.backstep.files.PathEscapeException when {@code version} is not a directory name
     */
    public static Plan deployPlan(Site site, String version, Step... migrations) {
        Release releases = site.releases();
        Plan.Builder plan = Plan.named("deploy " + site.target() + " " + version).target(site.target())
                .step(site.db().snapshot(site.backups()).restoreOnRollback().withName("mysqldump before deploy"))
                .step(Git.checkout(site.repo(), tag(version)))
                .step(releases.deploy(version, site.repo().resolve("public")))
                .step(ConfigFile.edit(site.env()).set("APP_VERSION", version).withName("configure .env"));
        for (Step m : migrations) {
            plan.step(Objects.requireNonNull(m, "migration"));
        }
        if (!site.restart().isEmpty()) {
            plan.step(Command.of(site.restart()).withName("restart web server")
                    .irreversible("a restart changes no state; the switched link is what is undone"));
        }
        return plan
                .verify(Check.http(site.health()).status(200)
                        .within(site.verifyWithin()).every(Duration.ofMillis(200)).withName("health check"))
                .verify(Check.metricRatio(site.metrics(), "http_requests_total{code=~\"5..\"}", "http_requests_total")
                        .below(site.maxErrorRate()).absentAs(0).withName("5xx rate below "
                                + Math.round(site.maxErrorRate() * 100) + " %"))
                .step(releases.markGood(version))
                .build();
    }

    /**
     * {@code rollback.sh VERSION}: the code back to tag {@code v<version>}, {@code current} back
     * to {@code releases/<version>} (which must exist), the web server restarted, and the health
     * endpoint verified (a rollback that does not come up healthy is itself undone). Like the
     * script, it leaves the database and {@code .env} alone; {@link #rollbackToLastGood} undoes
     * those too.
     */
    public static Plan rollbackTo(Site site, String version) {
        Plan.Builder plan = Plan.named("rollback " + site.target() + " to " + version).target(site.target())
                .step(Git.checkout(site.repo(), tag(version)))
                .step(site.releases().rollbackTo(version));
        if (!site.restart().isEmpty()) {
            plan.step(Command.of(site.restart()).withName("restart web server")
                    .irreversible("a restart changes no state; the switched link is what is undone"));
        }
        return plan.verify(Check.http(site.health()).status(200)
                        .within(site.verifyWithin()).every(Duration.ofMillis(200)).withName("health check"))
                .build();
    }

    /**
     * Runs {@link #deployPlan} and, when it succeeded (verifications passed), marks the run good in
     * the journal, so that {@link #rollbackToLastGood} comes back to it.
     */
    public static RunResult deploy(Runner runner, Site site, String version, Step... migrations) {
        return Runbooks.runAndMarkGood(runner, deployPlan(site, version, migrations));
    }

    /**
     * "Back to the last good version" from the journal, in this or another process: every run of
     * the site after the last one marked good is compensated, newest first (code, release,
     * {@code .env} and the database restored from its dump).
     */
    public static List<RunResult> rollbackToLastGood(Runner runner, Site site) {
        return runner.rollbackToLastGood(site.target());
    }

    /** The git tag of a version: {@code v<version>}. */
    public static String tag(String version) {
        return "v" + version;
    }
}
