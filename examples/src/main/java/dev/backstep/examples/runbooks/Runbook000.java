package dev.backstep.examples.runbooks;

import dev.backstep.Command;
import dev.backstep.Plan;
import dev.backstep.PlanDefinitionException;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.check.Check;
import dev.backstep.db.Database;
import dev.backstep.db.migrate.Migrations;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.EditStep;
import dev.backstep.git.Git;
import dev.backstep.spi.CommandSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Runbook 000 ("Процедура відкату у разі невдалого оновлення": a Laravel application behind nginx
 * and php-fpm, MySQL, Zoho CRM and PDF generation) as a deploy plan whose rollback is the runbook's
 * procedure, run automatically when the smoke test fails, or later from the journal alone.
 *
 * <table>
 * <caption>runbook → plan</caption>
 * <tr><td>1. check the backups are there and fresh; 4.2 {@code mysql DB < db_backup_YYYY-MM-DD.sql}</td>
 *     <td>{@code db.snapshot(backups)} before anything changes: a verified, owner-only dump with a
 *     checksum manifest, taken by the deploy itself, so it is as fresh as it can be</td></tr>
 * <tr><td>3.1 {@code git checkout / reset --hard <previous-stable-commit>}</td>
 *     <td>{@code Git.checkout(app, "v" + version)}; undo returns to the recorded HEAD and branch
 *     (no {@code git pull}: the previous state is what was checked out, not a branch tip)</td></tr>
 * <tr><td>3.2 {@code composer install --no-dev --optimize-autoloader}</td>
 *     <td>{@link #composerInstall}: a typed step that copies {@code vendor/} aside before it runs;
 *     undo puts that copy back, byte for byte</td></tr>
 * <tr><td>4.1 {@code php artisan migrate:rollback --step=1}</td>
 *     <td>{@code Migrations.artisan(app)}: undo rolls back exactly the batches the deploy added</td></tr>
 * <tr><td>5.1 {@code cp ~/backups/.env.backup.YYYY-MM-DD .env}</td>
 *     <td>{@code ConfigFile.edit(.env).set(...)}: the backup is taken by the step; undo restores
 *     the file's bytes and mode</td></tr>
 * <tr><td>5.2 {@code artisan config:clear, config:cache, route:cache, view:cache}</td>
 *     <td>run by the deploy after {@code .env} changed, and again in {@code afterRollback}, once code,
 *     {@code vendor/} and {@code .env} are back</td></tr>
 * <tr><td>6. {@code systemctl restart php-fpm; systemctl restart nginx}</td>
 *     <td>the site's restart command, in the deploy and in {@code afterRollback}</td></tr>
 * <tr><td>7. test the deal form, PDF generation and the Zoho CRM integration</td>
 *     <td>three {@code Check.http} verifications (their failure rolls the deploy back) and, after a
 *     rollback, {@link #smokeTest} in {@code verifyAfterRollback}</td></tr>
 * <tr><td>2. read nginx/php-fpm/laravel logs; 8. notify the team</td>
 *     <td>left to the caller: the run report names the failed check and every step undone</td></tr>
 * </table>
 *
 * <h2>Where the runbook is wrong, and what the plan does instead</h2>
 * <ul>
 *   <li><b>{@code migrate:rollback --step=1} counts migrations, not deploys.</b> A release with two
 *       migrations leaves one applied; a release with none rolls back an older release's migration.
 *       The plan records the highest batch before {@code migrate} and its undo rolls back while a
 *       batch above it remains: exactly the batches this deploy added, zero, one or several.</li>
 *   <li><b>The order.</b> The runbook checks the old code out (3) before {@code migrate:rollback}
 *       (4), but the new migrations' {@code down()} live in the new code only: after the checkout,
 *       Laravel reports them "Migration not found" and leaves the schema as it is. Undoing in
 *       reverse order rolls the migrations back while their files are still there, then moves the
 *       code.</li>
 *   <li><b>Restoring the dump <em>and</em> rolling back migrations</b> would throw away every deal
 *       written since the deploy. The plan rolls back the migrations and keeps the dump as the
 *       verified backup for the case a {@code down()} cannot help ({@code Db.restore(snapshot)}).</li>
 *   <li><b>{@code composer install} after the checkout</b> needs the package host and produces a
 *       different autoloader (Composer names it at random); the plan restores the {@code vendor/}
 *       it copied, which works offline and is exactly the tree that ran before.</li>
 *   <li><b>Caches and restarts</b> are not undone but redone: a cached config still holds the new
 *       {@code .env}, and php-fpm's OPcache still runs the new code, until {@code config:cache} and
 *       a restart after every compensation.</li>
 * </ul>
 *
 * <pre>{@code
 * Site deals = Site.of("deals@prod", Path.of("/srv/deals"), Db.mariadb(conn), URI.create("http://127.0.0.1/"))
 *     .restart("sudo", "systemctl", "restart", "php-fpm", "nginx");
 * Runner runner = Runbook000.register(Backstep.runner().journal(Journal.directory(state)).stateDir(state)).build();
 * RunResult r = runner.run(Runbook000.deployPlan(deals, "1.5.0", Map.of("PDF_DRIVER", "dompdf")));
 * // smoke test failed: r.status() == ROLLED_BACK, the site is back on the previous release
 * runner.rollback(earlierRunId);   // a deploy that succeeded, undone later from the journal alone
 * }</pre>
 */
public final class Runbook000 {
    /** The {@link Step#type() type} of {@link #composerInstall}; {@link #register} resolves it. */
    public static final String COMPOSER_TYPE = "runbook000.composer-install";
    /** The pages {@link #smokeTest} and the deploy's checks request, relative to the site's root. */
    public static final String FORM = "/deals/new";
    public static final String PDF = "/deals/1/pdf";
    public static final String ZOHO = "/zoho/status";

    private static final String K_VENDOR = "vendor";
    private static final String K_COPY = "vendorCopy";
    private static final String K_HAD_VENDOR = "hadVendor";

    /**
     * The smoke test as a PHP program (argv: the site's root URI): the deal form, a deal's PDF and
     * the Zoho CRM status must answer 200 with the right content. A {@link Command}, so that a
     * rollback from the journal alone runs it too.
     */
    private static final String SMOKE_PHP = String.join("\n",
            "$base = rtrim($argv[1], '/');",
            "$ctx = stream_context_create(['http' => ['ignore_errors' => true, 'timeout' => 10]]);",
            "$checks = ['" + FORM + "' => '<form', '" + PDF + "' => '%PDF-', '" + ZOHO + "' => '\"connected\"'];",
            "$failed = 0;",
            "foreach ($checks as $path => $expect) {",
            "    $body = @file_get_contents($base . $path, false, $ctx);",
            "    $status = isset($http_response_header[0]) ? $http_response_header[0] : 'no answer';",
            "    if ($body === false || strpos($status, ' 200') === false || strpos($body, $expect) === false) {",
            "        fwrite(STDERR, \"smoke test: GET $path: $status, expected 200 with $expect\\n\");",
            "        $failed++;",
            "    } else {",
            "        echo \"smoke test: GET $path: $status\\n\";",
            "    }",
            "}",
            "exit($failed ? 1 : 0);");

    private Runbook000() {
    }

    /**
     * One Laravel site.
     *
     * <pre>{@code
     * Site deals = Site.of("deals@prod", Path.of("/srv/deals"), Db.mariadb(conn), URI.create("http://127.0.0.1/"))
     *     .backups(Path.of("/var/backups/deals"))
     *     .restart("sudo", "systemctl", "restart", "php-fpm", "nginx");
     * }</pre>
     *
     * @param target the lock and journal target ({@code deals@prod})
     * @param app the Laravel application: a git working copy with tags {@code v<version>}, its
     *     {@code artisan}, {@code composer.json}, {@code vendor/} and {@code .env}
     * @param db the application's MySQL/MariaDB database (for the backup)
     * @param backups where the database dumps go (0700, never pruned)
     * @param baseUri where nginx serves the site; the smoke test's pages are resolved against it
     * @param verifyWithin how long each smoke check may keep polling
     * @param restart the argv that restarts php-fpm and nginx
     * @param php the PHP program for {@code artisan} and the smoke test
     * @param composer the Composer argv prefix ({@code composer}, or {@code php composer.phar})
     * @param composerEnv environment for Composer ({@code COMPOSER_HOME}, {@code COMPOSER_DISABLE_NETWORK})
     */
    public record Site(String target, Path app, Database db, Path backups, URI baseUri, Duration verifyWithin,
                       List<String> restart, String php, List<String> composer, Map<String, String> composerEnv) {
        public Site {
            Runbooks.notBlank("runbook 000", target, "target");
            Objects.requireNonNull(app, "app");
            Objects.requireNonNull(db, "db");
            Objects.requireNonNull(backups, "backups");
            Objects.requireNonNull(baseUri, "baseUri");
            Objects.requireNonNull(verifyWithin, "verifyWithin");
            Runbooks.notBlank("runbook 000", php, "php program");
            restart = Runbooks.notEmpty("runbook 000", restart, "restart command of php-fpm and nginx");
            composer = Runbooks.notEmpty("runbook 000", composer, "composer command");
            composerEnv = Map.copyOf(composerEnv);
        }

        /**
         * A site with dumps in {@code app/../backups}, 30 s of verification, {@code systemctl restart
         * php-fpm nginx}, {@code php} and {@code composer} from the PATH.
         */
        public static Site of(String target, Path app, Database db, URI baseUri) {
            return new Site(target, app, db, app.toAbsolutePath().getParent().resolve("backups"), baseUri,
                    Duration.ofSeconds(30), List.of("systemctl", "restart", "php-fpm", "nginx"), "php",
                    List.of("composer"), Map.of());
        }

        public Site backups(Path dir) {
            return new Site(target, app, db, dir, baseUri, verifyWithin, restart, php, composer, composerEnv);
        }

        public Site verifyWithin(Duration d) {
            return new Site(target, app, db, backups, baseUri, d, restart, php, composer, composerEnv);
        }

        /** The restart of php-fpm and nginx, run after the deploy and after every rollback. */
        public Site restart(String... argv) {
            return new Site(target, app, db, backups, baseUri, verifyWithin, List.of(argv), php, composer, composerEnv);
        }

        public Site composer(List<String> argv, Map<String, String> env) {
            return new Site(target, app, db, backups, baseUri, verifyWithin, restart, php, argv, env);
        }

        /** The application's {@code .env}. */
        public Path env() {
            return app.resolve(".env");
        }

        public URI page(String path) {
            return baseUri.resolve(path);
        }
    }

    /**
     * Registers the compensation of {@link #composerInstall} with a runner, so that it undoes the
     * step live and from the journal ({@code rollback(runId)}, {@code recover()}).
     */
    public static Runner.Builder register(Runner.Builder runner) {
        return runner.compensation(COMPOSER_TYPE, Runbook000::restoreVendor);
    }

    /**
     * The deploy of {@code version} (git tag {@code v<version>}): back up the database, check the
     * tag out, {@code composer install}, set {@code APP_VERSION} and {@code envSettings} in
     * {@code .env}, rebuild the caches, {@code artisan migrate}, restart php-fpm and nginx, then
     * smoke-test the deal form, PDF generation and the Zoho CRM status. A failure anywhere undoes
     * everything before it in reverse order, then rebuilds the caches, restarts and smoke-tests
     * the restored site.
     *
     * @throws PlanDefinitionException when {@code version} or a setting is blank or not a plain value
     */
    public static Plan deployPlan(Site site, String version, Map<String, String> envSettings) {
        if (version == null || !version.matches("[0-9A-Za-z][0-9A-Za-z._-]*")) {
            throw new PlanDefinitionException(null, null, "runbook 000: version '" + version + "' is not a release name");
        }
        EditStep env = ConfigFile.edit(site.env()).set("APP_VERSION", version);
        for (Map.Entry<String, String> e : new TreeMap<>(envSettings).entrySet()) {
            env = env.set(e.getKey(), e.getValue());
        }
        Plan.Builder plan = Plan.named("deploy " + site.target() + " " + version).target(site.target())
                .step(site.db().snapshot(site.backups()).withName("db backup"))
                .step(Git.checkout(site.app(), tag(version)))
                .step(composerInstall(site))
                .step(env.withName("configure .env"));
        for (String cache : List.of("config:cache", "route:cache", "view:cache")) {
            plan.step(artisan(site, cache).withName("artisan " + cache)
                    .irreversible("a cache is rebuilt after the rollback, from the restored code and .env"));
        }
        plan.step(Migrations.artisan(site.app()).php(site.php()).withName("artisan migrate"))
                .step(Command.of(site.restart()).withName("restart php-fpm and nginx")
                        .irreversible("a restart changes no state; it is done again after the rollback"))
                .verify(Check.http(site.page(FORM)).status(200).bodyContains("<form")
                        .within(site.verifyWithin()).every(Duration.ofMillis(200)).withName("smoke: deal form"))
                .verify(Check.http(site.page(PDF)).status(200).bodyContains("%PDF-")
                        .within(site.verifyWithin()).every(Duration.ofMillis(200)).withName("smoke: PDF generation"))
                .verify(Check.http(site.page(ZOHO)).status(200).bodyContains("\"connected\"")
                        .within(site.verifyWithin()).every(Duration.ofMillis(200)).withName("smoke: Zoho CRM"));
        for (String cache : List.of("config:clear", "config:cache", "route:cache", "view:cache")) {
            plan.afterRollback(artisan(site, cache).withName("rollback: artisan " + cache));
        }
        return plan.afterRollback(Command.of(site.restart()).withName("rollback: restart php-fpm and nginx"))
                .verifyAfterRollback(smokeTest(site))
                .build();
    }

    /** The smoke test of the restored site, a {@link Command} that a rollback from the journal alone can run. */
    public static Command smokeTest(Site site) {
        return Command.of(site.php(), "-r", SMOKE_PHP, site.baseUri().toString()).withName("smoke test after rollback")
                .timeout(site.verifyWithin().plusSeconds(30)).asVerification();
    }

    /**
     * {@code composer install --no-dev --optimize-autoloader --no-interaction} in the application,
     * after copying {@code vendor/} into the step's private backup directory. Its undo (registered
     * with {@link #register}) replaces {@code vendor/} with that copy, or removes it when there was
     * none; it may run twice.
     */
    public static Step composerInstall(Site site) {
        Path app = site.app().toAbsolutePath();
        List<String> argv = new ArrayList<>(site.composer());
        argv.addAll(List.of("install", "--no-dev", "--optimize-autoloader", "--no-interaction", "--no-progress"));
        return Step.named("composer install").type(COMPOSER_TYPE)
                .describe(String.join(" ", argv) + " in " + app + " (vendor/ copied aside, restored on rollback)")
                .validate(ctx -> {
                    if (!Files.isRegularFile(app.resolve("composer.json"), LinkOption.NOFOLLOW_LINKS)) {
                        throw new StepValidationException("composer install", "no composer.json in " + app);
                    }
                })
                .action(ctx -> {
                    Path vendor = app.resolve("vendor");
                    Path copy = ctx.backupDir().resolve("vendor");
                    boolean had = Files.isDirectory(vendor, LinkOption.NOFOLLOW_LINKS);
                    ctx.record(K_VENDOR, vendor.toString());
                    ctx.record(K_HAD_VENDOR, Boolean.toString(had));
                    if (had && !Files.exists(copy, LinkOption.NOFOLLOW_LINKS)) {
                        copyTree(ctx, vendor, copy);
                    }
                    ctx.record(K_COPY, copy.toString());
                    ctx.commands().run(CommandSpec.of(argv).in(app).env(site.composerEnv())
                            .timeout(Duration.ofMinutes(10)));
                })
                .build();
    }

    /** The compensation of {@link #composerInstall}: from recorded values only. */
    static void restoreVendor(StepContext ctx) throws IOException {
        if (ctx.recorded(K_COPY).isEmpty()) {
            return; // the copy was never completed, so composer never ran
        }
        Path vendor = Path.of(ctx.recorded(K_VENDOR).orElseThrow());
        Path copy = Path.of(ctx.recorded(K_COPY).orElseThrow());
        boolean had = Boolean.parseBoolean(ctx.recorded(K_HAD_VENDOR).orElse("false"));
        if (had && !Files.isDirectory(copy, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("the copy of " + vendor + " (" + copy + ") is gone: vendor/ cannot be restored");
        }
        deleteTree(ctx, vendor);
        if (had) {
            copyTree(ctx, copy, vendor);
        }
    }

    /** {@code rm -rf}: symbolic links removed, never followed; nothing to do when {@code dir} is gone. */
    private static void deleteTree(StepContext ctx, Path dir) {
        ctx.commands().run(CommandSpec.of("rm").args("-rf", "--", dir.toString()).timeout(Duration.ofMinutes(10)));
    }

    /** {@code cp -a}: modes, times and symbolic links as they are (never followed). */
    private static void copyTree(StepContext ctx, Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        ctx.commands().run(CommandSpec.of("cp").args("-a", "--", from.toString(), to.toString())
                .timeout(Duration.ofMinutes(10)));
    }

    private static Command artisan(Site site, String command) {
        return Command.of(site.php(), "artisan", command, "--no-interaction", "--no-ansi").in(site.app());
    }

    /** The git tag of a version: {@code v<version>}. */
    public static String tag(String version) {
        return "v" + version;
    }
}
