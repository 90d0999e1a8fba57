package dev.backstep.examples.runbooks;

import dev.backstep.Command;
import dev.backstep.Compensation;
import dev.backstep.Plan;
import dev.backstep.PlanDefinitionException;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.check.Check;
import dev.backstep.check.CheckFailedException;
import dev.backstep.db.Database;
import dev.backstep.db.migrate.AlembicUpgrade;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.EditStep;
import dev.backstep.files.EnvDiff;
import dev.backstep.git.Git;
import dev.backstep.spi.CommandRunner;
import dev.backstep.systemd.ServiceManager;
import dev.backstep.systemd.Systemctl;
import dev.backstep.systemd.Systemd;
import dev.backstep.systemd.SystemdException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runbook 002 ("Інструкції для оновлення проєкту": a Python Telegram bot run as a Windows service,
 * PostgreSQL, Alembic, {@code .env}, pytest) as a plan. The runbook's steps map to steps:
 *
 * <table>
 * <caption>runbook → plan</caption>
 * <tr><td>back up the database</td><td>{@code db.snapshot(backups).restoreOnRollback()}: a verified
 *     0600 dump, restored when the deploy is rolled back (the runbook's rollback step 1)</td></tr>
 * <tr><td>back up the configuration files</td><td>{@code ConfigFile.backup(.env).to(backups)}: a 0600
 *     copy with its sha256, kept</td></tr>
 * <tr><td>{@code Stop-Service -Name "ServiceName"}</td><td>{@link #stopService}: through a
 *     {@link ServiceManager} — {@link WindowsServices} (PowerShell) on Windows, {@code systemctl}
 *     elsewhere; undo starts it again if it was running (rollback step 3)</td></tr>
 * <tr><td>{@code git pull origin main}</td><td>{@code Git.pull(app, "origin", "main")}: fast-forward
 *     only; undo returns to the recorded HEAD</td></tr>
 * <tr><td>{@code alembic upgrade head}</td><td>{@code Migrations.alembic(app)} ({@link Bot#migrations}):
 *     undo is {@code alembic downgrade} to the recorded revision</td></tr>
 * <tr><td>update {@code .env}; make sure every new parameter is there</td><td>{@code ConfigFile.edit(.env)}
 *     (undo: the file byte for byte, mode included), then the verification
 *     {@link #envHasEveryExampleKey} against the new {@code .env.example}</td></tr>
 * <tr><td>{@code pytest tests/}</td><td>a verification: {@code python3 -m pytest tests} in the app
 *     directory; a failing test rolls everything back</td></tr>
 * <tr><td>(the runbook never starts the bot again)</td><td>{@link #startService}, then a verification
 *     that it runs</td></tr>
 * <tr><td>rollback step 4, "check again that the application works"</td><td>{@code verifyAfterRollback}:
 *     pytest on the restored code and the service running, also when the rollback runs later from
 *     the journal in another process</td></tr>
 * </table>
 *
 * <p><b>Where the runbook is wrong, and what the plan does instead.</b> Its code rollback is
 * {@code git reset --hard HEAD~1}: that undoes one commit, but {@code git pull} may have brought
 * several (the test pulls two), leaving the bot on a commit that was never deployed, with a schema
 * that matches neither version. The plan records HEAD before the pull and goes back to exactly that
 * commit. The runbook backs up the database while the bot still writes to it and restores the
 * dump <i>before</i> the code; the plan stops the bot before the dump, and a rollback undoes in
 * reverse order: the bot is stopped (when it was started), then {@code .env}, then {@code alembic
 * downgrade} to the recorded revision (with the new code's migration scripts, which the old code
 * lacks), then the code, then the dump is restored (it also undoes what a downgrade cannot, such as
 * data a migration rewrote), and only then is the bot started again. The runbook updates {@code .env} without
 * a backup and "checks" new keys by eye; the plan keeps the old bytes and compares the keys with
 * {@code .env.example}. It runs pytest before the bot starts, so a bot whose tests fail never serves
 * users. The runbook's downtime notice, changelog reading and Prometheus/Grafana monitoring stay
 * outside the plan (a {@code Check.metric} gate can be added with {@link Bot#extraChecks}).
 *
 * <pre>{@code
 * Bot bot = Bot.of("pthn_bot@win1", Path.of("D:/university/4/tg_bot/pthn_bot"), "pthn_bot",
 *         Services.windows(), Db.postgres(DbConnection.fromEnv("127.0.0.1", 5432, "bot", "bot", "BOT_DB_PASSWORD")),
 *         Migrations.alembic(app).env("BOT_DB_PASSWORD", Secret.of(System.getenv("BOT_DB_PASSWORD"))))
 *     .backups(Path.of("D:/backups/pthn_bot"));
 * RunResult r = runner.run(Runbook002.deployPlan(bot, Map.of("BOT_LANGUAGE", "uk")));
 * runner.rollback(r.runId());   // later, from the journal, in any process on that host
 * }</pre>
 *
 * <p>The Windows path ({@link WindowsServices}) is tested only on the PowerShell argv it sends; the
 * integration test runs the same plan with {@link Services#systemd} against a real systemd.
 */
public final class Runbook002 {
    /** Type id of {@link #stopService} steps. */
    public static final String STOP_SERVICE = "runbook002.service-stop";
    /** Type id of {@link #startService} steps. */
    public static final String START_SERVICE = "runbook002.service-start";

    private static final Map<String, Compensation> COMPENSATIONS = Map.of(
            STOP_SERVICE, new ServiceUndo(true),
            START_SERVICE, new ServiceUndo(false));

    private Runbook002() {
    }

    /**
     * Which service manager runs the bot, in a form the journal keeps (no secrets): a compensation
     * in another process talks to the same one.
     *
     * @param kind systemd or Windows
     * @param program the {@code systemctl} argv prefix, or the PowerShell executable
     */
    public record Services(Kind kind, List<String> program) {
        /** The service managers this runbook knows. */
        public enum Kind { SYSTEMD, WINDOWS }

        public Services {
            Objects.requireNonNull(kind, "kind");
            program = List.copyOf(program);
            if (program.isEmpty() || program.stream().anyMatch(a -> a.isBlank() || a.contains("\n"))) {
                throw new PlanDefinitionException(null, null, "runbook 002: the service manager program is empty or holds a"
                        + " blank argument or a newline");
            }
        }

        /** The systemd that {@code systemctl} reaches ({@code Systemctl.system()}, a container, sudo). */
        public static Services systemd(Systemctl systemctl) {
            return new Services(Kind.SYSTEMD, systemctl.prefix());
        }

        /** Windows services through {@code powershell.exe}. */
        public static Services windows() {
            return windows(WindowsServices.POWERSHELL);
        }

        /** Windows services through this PowerShell executable. */
        public static Services windows(String powershell) {
            return new Services(Kind.WINDOWS, List.of(powershell));
        }

        /** The manager, running its commands through {@code commands}. */
        public ServiceManager manager(CommandRunner commands) {
            return kind == Kind.SYSTEMD ? Systemctl.decode(String.join("\n", program), commands)
                    : WindowsServices.over(commands, program.get(0));
        }

        /**
         * {@code service} as this manager names it: a systemd unit gets {@code .service} when it
         * has no suffix.
         *
         * @throws SystemdException INVALID_ARGUMENT for a name the manager does not accept
         */
        public String normalize(String service) {
            return kind == Kind.SYSTEMD ? Systemd.start(service).units().get(0) : WindowsServices.requireName(service);
        }

        /** A verification, journaled by its argv, that {@code service} runs. */
        public Command running(String service) {
            List<String> argv = new ArrayList<>();
            if (kind == Kind.SYSTEMD) {
                argv.addAll(program);
                argv.addAll(List.of("is-active", "--quiet", "--", normalize(service)));
            } else {
                argv.addAll(WindowsServices.isRunningArgv(program.get(0), service));
            }
            return Command.of(argv).withName(service + " is running").asVerification();
        }

        String encode() {
            return kind + "\n" + String.join("\n", program);
        }

        static Services decode(String encoded) {
            List<String> lines = List.of(encoded.split("\n"));
            return new Services(Kind.valueOf(lines.get(0)), lines.subList(1, lines.size()));
        }
    }

    /**
     * The deployed bot.
     *
     * @param target the lock and journal target
     * @param app the git working copy on the branch that is pulled
     * @param remote the remote pulled from ({@code origin})
     * @param branch the branch pulled ({@code main})
     * @param service the service name ({@code pthn_bot} on Windows, {@code pthn_bot.service} under systemd)
     * @param services the service manager
     * @param db the bot's database, dumped before the deploy
     * @param migrations the {@code alembic upgrade head} step, with its connection environment
     * @param backups where the dump and the {@code .env} copy go (0700, never pruned)
     * @param python the interpreter that runs pytest
     * @param tests the test directory, relative to {@code app}
     * @param extraChecks verifications after the bot started (health, metrics)
     */
    public record Bot(String target, Path app, String remote, String branch, String service, Services services,
                      Database db, AlembicUpgrade migrations, Path backups, String python, String tests,
                      List<Step> extraChecks) {
        public Bot {
            Runbooks.notBlank("runbook 002", target, "target");
            Objects.requireNonNull(app, "app");
            Objects.requireNonNull(services, "services");
            Objects.requireNonNull(db, "db");
            Objects.requireNonNull(migrations, "migrations");
            Objects.requireNonNull(backups, "backups");
            Objects.requireNonNull(python, "python");
            service = services.normalize(service);
            Path t = Path.of(Objects.requireNonNull(tests, "tests")).normalize();
            if (t.isAbsolute() || t.startsWith("..")) {
                throw new PlanDefinitionException(null, null, "runbook 002: the tests directory '" + tests
                        + "' must be inside the app directory");
            }
            extraChecks = List.copyOf(extraChecks);
        }

        /**
         * A bot pulled from {@code origin main}, dumps in {@code app/../backups}, pytest run by
         * {@code /usr/bin/python3} on {@code tests}.
         */
        public static Bot of(String target, Path app, String service, Services services, Database db,
                             AlembicUpgrade migrations) {
            return new Bot(target, app, "origin", "main", service, services, db, migrations,
                    app.toAbsolutePath().getParent().resolve("backups"), "/usr/bin/python3", "tests", List.of());
        }

        public Bot backups(Path dir) {
            return new Bot(target, app, remote, branch, service, services, db, migrations, dir, python, tests, extraChecks);
        }

        public Bot python(String interpreter) {
            return new Bot(target, app, remote, branch, service, services, db, migrations, backups, interpreter, tests,
                    extraChecks);
        }

        public Bot extraChecks(Step... checks) {
            return new Bot(target, app, remote, branch, service, services, db, migrations, backups, python, tests,
                    List.of(checks));
        }

        /** The bot's {@code .env}. */
        public Path env() {
            return app.resolve(".env");
        }

        /** The {@code .env.example} the code ships: every key in it must be in {@link #env()}. */
        public Path envExample() {
            return app.resolve(".env.example");
        }

        /** {@code python3 -m pytest -q -p no:cacheprovider <tests>} in the app directory, as a verification. */
        public Command pytest() {
            return Command.of(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", tests).in(app)
                    .timeout(Duration.ofMinutes(5)).withName("pytest " + tests).asVerification();
        }
    }

    /**
     * The update: stop the bot, dump the database (nothing writes to it then), back up {@code .env}, pull, {@code alembic upgrade
     * head}, set {@code envChanges} in {@code .env} (no edit when empty) and check it has every key of {@code .env.example},
     * run pytest, start the bot and check it runs. A failure anywhere undoes everything before it in
     * reverse order; then the restored bot is verified again (pytest, running).
     *
     * @throws PlanDefinitionException for an empty key in {@code envChanges}
     */
    public static Plan deployPlan(Bot bot, Map<String, String> envChanges) {
        EditStep env = ConfigFile.edit(bot.env());
        for (Map.Entry<String, String> e : new LinkedHashMap<>(envChanges).entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                throw new PlanDefinitionException(null, null, "runbook 002: .env change '" + e.getKey() + "' has no key or value");
            }
            env = env.set(e.getKey(), e.getValue());
        }
        Plan.Builder plan = Plan.named("update " + bot.target()).target(bot.target())
                .step(stopService(bot))
                .step(bot.db().snapshot(bot.backups()).restoreOnRollback().withName("back up the database"))
                .step(ConfigFile.backup(bot.env()).to(bot.backups()).withName("back up .env"))
                .step(Git.pull(bot.app(), bot.remote(), bot.branch()))
                .step(bot.migrations().withName("alembic upgrade head"));
        if (!envChanges.isEmpty()) {
            plan.step(env.withName("update .env"));
        }
        plan.verify(envHasEveryExampleKey(bot))
                .verify(bot.pytest())
                .step(startService(bot))
                .verify(bot.services().running(bot.service()));
        for (Step check : bot.extraChecks()) {
            plan.verify(check);
        }
        return plan.verifyAfterRollback(bot.pytest().withName("pytest " + bot.tests() + " after rollback"),
                bot.services().running(bot.service()).withName(bot.service() + " is running after rollback")).build();
    }

    /**
     * A verification that every key of {@code .env.example} is set in {@code .env} (values are never
     * shown, only the missing keys).
     */
    public static Step envHasEveryExampleKey(Bot bot) {
        Path env = bot.env();
        Path example = bot.envExample();
        return Check.that(".env has every key of .env.example", ctx -> {
            if (!Files.isRegularFile(example)) {
                return; // the code ships no example: nothing to compare
            }
            List<String> missing = EnvDiff.of(example, env).changes().stream()
                    .filter(c -> c.kind() == EnvDiff.Kind.REMOVED).map(EnvDiff.Change::key).toList();
            if (!missing.isEmpty()) {
                throw new CheckFailedException(ctx.stepName(), env + " lacks " + missing + ", which "
                        + example.getFileName() + " lists", 1, List.of("missing " + missing), null);
            }
        });
    }

    /** Stops the bot's service ({@code Stop-Service}); undo starts it again if it was running. */
    public static Step stopService(Bot bot) {
        return serviceStep(bot, true);
    }

    /** Starts the bot's service ({@code Start-Service}); undo stops it again if it was not running. */
    public static Step startService(Bot bot) {
        return serviceStep(bot, false);
    }

    private static Step serviceStep(Bot bot, boolean stop) {
        String service = bot.service();
        Services services = bot.services();
        String verb = stop ? "stop" : "start";
        return Step.named(verb + " service " + service)
                .type(stop ? STOP_SERVICE : START_SERVICE)
                .describe(verb + " " + service + " (" + String.join(" ", services.program()) + "); undo: "
                        + (stop ? "start it again if it was running" : "stop it again if it was not running"))
                .validate(ctx -> {
                    try {
                        if (!services.manager(ctx.commands()).exists(service)) {
                            throw new StepValidationException(ctx.stepName(), "service " + service + " not found");
                        }
                    } catch (SystemdException e) {
                        throw new StepValidationException(ctx.stepName(), e.getMessage(), e);
                    }
                })
                .action(ctx -> {
                    ServiceManager m = services.manager(ctx.commands());
                    boolean running = m.isActive(service);
                    ctx.record("services", services.encode());
                    ctx.record("service", service);
                    ctx.record("wasRunning", Boolean.toString(running));
                    if (stop) {
                        m.stop(service);
                    } else {
                        m.start(service);
                    }
                    ctx.summary(service + " " + (running ? "running" : "stopped") + " -> " + (stop ? "stopped" : "running"));
                })
                .build();
    }

    /**
     * The compensations of the service steps by type id. Discovered by
     * {@link dev.backstep.spi.StepRegistry#discover()} (this module lists
     * {@code Runbook002StepTypes}), so a process holding only the journal can roll a run back.
     */
    public static Map<String, Compensation> compensations() {
        return COMPENSATIONS;
    }

    /** Puts the service back to the recorded running state; reads only recorded values; idempotent. */
    private record ServiceUndo(boolean stopped) implements Compensation {
        @Override
        public void compensate(StepContext ctx) {
            if (ctx.recorded("services").isEmpty() || ctx.recorded("service").isEmpty()) {
                return; // nothing recorded: nothing was changed
            }
            ServiceManager m = Services.decode(ctx.recorded("services").get()).manager(ctx.commands());
            String service = ctx.recorded("service").get();
            boolean wasRunning = Boolean.parseBoolean(ctx.recorded("wasRunning").orElse("false"));
            boolean running = m.isActive(service);
            if (wasRunning && !running) {
                m.start(service);
                ctx.logger().info("{}: started again", service);
            } else if (!wasRunning && running) {
                m.stop(service);
                ctx.logger().info("{}: stopped again", service);
            }
        }

        @Override
        public String toString() {
            return stopped ? "start the service again if it was running" : "stop the service again if it was not running";
        }
    }
}
