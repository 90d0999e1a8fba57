package dev.backstep.examples.runbooks;

import dev.backstep.Command;
import dev.backstep.Fingerprint;
import dev.backstep.Plan;
import dev.backstep.PlanDefinitionException;
import dev.backstep.RunResult;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.check.CheckFailedException;
import dev.backstep.check.Since;
import dev.backstep.files.ConfigFile;
import dev.backstep.git.Git;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import dev.backstep.systemd.ServiceManager;
import dev.backstep.systemd.Systemctl;
import dev.backstep.systemd.Systemd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Runbook 001 ("Оновлення системи": a Python form bot running as the systemd unit
 * {@code my_form_bot}, updated with {@code git pull} and {@code pip}) as a plan. The runbook's
 * steps map to steps:
 *
 * <table>
 * <caption>runbook → plan</caption>
 * <tr><td>§4.1 {@code systemctl stop my_form_bot}</td><td>{@code Systemd.stop(unit)}; undo starts it
 *     again if it was running</td></tr>
 * <tr><td>§4.2 {@code git pull origin main}</td><td>{@code Git.pull(repo, "origin", "main")}; undo
 *     returns to the recorded HEAD and branch</td></tr>
 * <tr><td>§3.1 / §4.2 {@code pip install -r requirements.txt}</td><td>the typed step
 *     {@value #PIP_SYNC}: records {@code pip freeze --local} first, then installs; undo (registered with
 *     {@link #register}, so it also runs from the journal alone) uninstalls what the freeze did not
 *     list and reinstalls the recorded pins</td></tr>
 * <tr><td>§2 {@code cp config config_backup}, §5.1 {@code cp new/config current/config}</td>
 *     <td>{@code ConfigFile.replace(config, newConfig)}: an owner-only backup with a checksum, an
 *     atomic write; undo restores bytes and mode</td></tr>
 * <tr><td>§4.3 / §5.2 {@code systemctl restart}</td><td>one {@code Systemd.restart(unit)} once
 *     code, dependencies and config are all in place</td></tr>
 * <tr><td>§6.1 {@code tail -f /var/log/my_form_bot.log}</td><td>verifications:
 *     {@code Systemd.healthy(unit)} and {@code Systemd.logs(unit).since(RUN_START).noneMatch("Traceback")}
 *     watched for {@link Bot#watch()}; either failing rolls everything back</td></tr>
 * <tr><td>§7 rollback: stop, restore config, {@code git checkout tags/v1.2.3}, {@code pip install -r
 *     requirements.txt}, check logs</td><td>the compensations above in reverse order, then
 *     {@code afterRollback}: restart the unit on the restored version, and
 *     {@code verifyAfterRollback}: the typed check {@value #BOT_CLEAN} (active, its log since that
 *     restart shows the ready line and no {@code Traceback})</td></tr>
 * </table>
 *
 * <p>Where the runbook is wrong, and what the plan does instead:
 * <ul>
 * <li>§3 runs {@code pip install --upgrade -r requirements.txt} before the service is stopped and
 *     before the new code is pulled: it upgrades the libraries under the running old bot, from the
 *     old requirements. The plan installs after the stop and the pull, from the new
 *     requirements.</li>
 * <li>§2 copies the config to one fixed {@code config_backup}, overwritten by the next update and
 *     never checked: the plan keeps an owner-only backup per run with its checksum, and the restore
 *     puts back bytes and mode.</li>
 * <li>§4.3 restarts {@code formbot}, §4.1 and §5.2 {@code my_form_bot}, and the logs are once
 *     {@code /var/log/my_form_bot.log}, once {@code /var/log/formbot.log}: the plan names one unit
 *     everywhere and reads that unit's journal.</li>
 * <li>§4.3 starts the new code with the old config, §5 then swaps the config and restarts again: the
 *     plan swaps the config first and starts once, so the new code never runs on the old config.</li>
 * <li>{@code tail -f} never ends and decides nothing: the plan watches the journal for a bounded
 *     time and a {@code Traceback} fails the deploy (the bot stays "active" while it logs one, so
 *     {@code systemctl is-active} alone would pass).</li>
 * <li>§7 rolls back to a hard-coded {@code tags/v1.2.3}, whatever actually ran before, and leaves a
 *     detached HEAD on which the next {@code git pull origin main} fails: the plan returns to the
 *     recorded commit and branch.</li>
 * <li>§7's {@code pip install -r requirements.txt} neither removes the packages the new version added
 *     nor downgrades what an unpinned requirement let pip upgrade: the plan restores the recorded
 *     {@code pip freeze} exactly and fails loudly when the venv does not match it afterwards.</li>
 * <li>§7 stops the bot and never starts it again before "check the logs": the plan restarts it
 *     after every compensation and verifies it.</li>
 * </ul>
 *
 * <pre>{@code
 * Bot bot = Bot.of("formbot@prod", "my_form_bot", Path.of("/opt/my_form_bot/app"),
 *         Path.of("/etc/my_form_bot/config.ini"), "/opt/my_form_bot/venv");
 * Runner runner = Runbook001.register(Backstep.runner(), bot).journal(journal).stateDir(state).build();
 * RunResult r = Runbook001.deploy(runner, bot, Path.of("/srv/release/config.ini"));
 * // later, in any process whose runner was built with register(..): back to before that deploy
 * Runbook001.register(Backstep.runner(), bot).journal(journal).stateDir(state).build().rollback(r.runId());
 * }</pre>
 */
public final class Runbook001 {
    /** Type of the pip step: its undo restores the recorded {@code pip freeze --local}. */
    public static final String PIP_SYNC = "runbook001.pip-sync";
    /** Type of the post-rollback check: the unit is active and its log since it started is clean. */
    public static final String BOT_CLEAN = "runbook001.bot-clean";
    /** What a failing Python program prints: its appearance in the unit's log fails the deploy. */
    public static final String TRACEBACK = "Traceback";

    private static final Duration PIP_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(250);

    private Runbook001() {
    }

    /**
     * The bot: its unit and the systemd that runs it, its git working copy, config file and venv.
     *
     * @param target the lock and journal target ({@code formbot@prod})
     * @param unit the systemd unit ({@code my_form_bot.service}; {@code .service} is added when no
     *     unit type is given, a bad name is refused with a {@code SystemdException})
     * @param systemctl the systemd that runs the unit ({@code Systemctl.system()}, {@code via("sudo", "-n")})
     * @param exec the argv prefix that runs a program where the bot runs (empty: this machine;
     *     {@code nsenter -t PID -a} for a container)
     * @param repo the bot's git working copy, as this machine sees it
     * @param remote the remote pulled from ({@code origin})
     * @param branch the branch pulled ({@code main})
     * @param config the bot's config file, as this machine sees it
     * @param venv the virtualenv, as {@code exec} sees it
     * @param requirements the requirements file, as {@code exec} sees it
     * @param findLinks a directory of wheels to install from instead of an index ({@code pip
     *     --no-index --find-links}), as {@code exec} sees it; blank for the configured index
     * @param ready a regex of the line the bot logs once it is up
     * @param watch how long the log is watched for a {@code Traceback} after the (re)start
     * @param within how long the unit may take to become active and log its ready line
     */
    public record Bot(String target, String unit, Systemctl systemctl, List<String> exec, Path repo, String remote,
                      String branch, Path config, String venv, String requirements, String findLinks,
                      Pattern ready, Duration watch, Duration within) {
        public Bot {
            Runbooks.notBlank("runbook 001", target, "target");
            Runbooks.notBlank("runbook 001", unit, "unit");
            unit = Systemd.healthy(unit).unit(); // my_form_bot -> my_form_bot.service; SystemdException when invalid
            Objects.requireNonNull(systemctl, "systemctl");
            exec = List.copyOf(exec);
            Objects.requireNonNull(repo, "repo");
            Objects.requireNonNull(remote, "remote");
            Objects.requireNonNull(branch, "branch");
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(ready, "ready");
            if (venv == null || venv.isBlank() || requirements == null || requirements.isBlank()) {
                throw new PlanDefinitionException(null, null, "runbook 001: the venv and the requirements file are needed");
            }
            findLinks = findLinks == null ? "" : findLinks;
            for (String a : pip(exec, venv)) {
                argument(a);
            }
            argument(requirements);
            argument(findLinks);
            if (watch == null || watch.isNegative() || within == null || within.isZero() || within.isNegative()) {
                throw new PlanDefinitionException(null, null, "runbook 001: watch must be >= 0 and within > 0, were "
                        + watch + " and " + within);
            }
        }

        /**
         * A bot on this machine, pulled from {@code origin main}, with {@code requirements.txt} in
         * the working copy, the configured index, the ready line {@code ready}, 5 s of log
         * watching and 60 s to come up.
         */
        public static Bot of(String target, String unit, Path repo, Path config, String venv) {
            return new Bot(target, unit, Systemctl.system(), List.of(), repo, "origin", "main", config, venv,
                    repo.resolve("requirements.txt").toString(), "", Pattern.compile("\\bready\\b"),
                    Duration.ofSeconds(5), Duration.ofSeconds(60));
        }

        /** The bot runs where {@code exec} reaches, under that {@code systemctl}. */
        public Bot inside(Systemctl sc, String... execPrefix) {
            return new Bot(target, unit, sc, List.of(execPrefix), repo, remote, branch, config, venv, requirements,
                    findLinks, ready, watch, within);
        }

        public Bot pullFrom(String fromRemote, String fromBranch) {
            return new Bot(target, unit, systemctl, exec, repo, fromRemote, fromBranch, config, venv, requirements,
                    findLinks, ready, watch, within);
        }

        public Bot requirements(String file) {
            return new Bot(target, unit, systemctl, exec, repo, remote, branch, config, venv, file, findLinks, ready,
                    watch, within);
        }

        /** Install from this wheel directory only ({@code --no-index --find-links DIR}). */
        public Bot findLinks(String dir) {
            return new Bot(target, unit, systemctl, exec, repo, remote, branch, config, venv, requirements, dir, ready,
                    watch, within);
        }

        public Bot watch(Duration d) {
            return new Bot(target, unit, systemctl, exec, repo, remote, branch, config, venv, requirements, findLinks,
                    ready, d, within);
        }

        public Bot within(Duration d) {
            return new Bot(target, unit, systemctl, exec, repo, remote, branch, config, venv, requirements, findLinks,
                    ready, watch, d);
        }

        /** The argv that runs the venv's pip where the bot runs. */
        public List<String> pip() {
            return pip(exec, venv);
        }

        private static List<String> pip(List<String> exec, String venv) {
            List<String> argv = new ArrayList<>(exec);
            argv.add(venv.replaceAll("/+$", "") + "/bin/pip");
            return List.copyOf(argv);
        }

        private static void argument(String a) {
            if (a == null || a.indexOf('\n') >= 0 || a.indexOf('\0') >= 0) {
                throw new PlanDefinitionException(null, null, "runbook 001: argument '" + a
                        + "' is null or holds a newline or NUL");
            }
        }
    }

    /**
     * The update: stop the unit, pull the code, install the requirements (pip freeze recorded
     * first), replace the config with {@code newConfig}, restart, then verify the unit is active
     * and logs no {@code Traceback} while it is watched. A failure undoes everything in reverse
     * order; then the unit is restarted on the restored version and verified ({@link #BOT_CLEAN}).
     */
    public static Plan deployPlan(Bot bot, Path newConfig) {
        Objects.requireNonNull(newConfig, "newConfig");
        Systemctl sc = bot.systemctl();
        List<String> restart = new ArrayList<>(sc.prefix());
        restart.addAll(List.of("restart", bot.unit()));
        return Plan.named("update " + bot.unit()).target(bot.target())
                .step(Systemd.stop(bot.unit()).using(sc))
                .step(Git.pull(bot.repo(), bot.remote(), bot.branch()))
                .step(pipSync(bot))
                .step(ConfigFile.replace(bot.config(), newConfig).withName("replace config"))
                .step(Systemd.restart(bot.unit()).using(sc))
                .verify(Systemd.healthy(bot.unit()).using(sc).within(bot.within()))
                .verify(Systemd.logs(bot.unit(), sc).since(Since.RUN_START).noneMatch(TRACEBACK)
                        .during(bot.watch()).every(POLL).withName("no Traceback in the log of " + bot.unit()))
                .afterRollback(Command.of(restart).withName("restart " + bot.unit() + " on the restored version"))
                .verifyAfterRollback(botClean(bot))
                .build();
    }

    /**
     * Runs {@link #deployPlan} and marks a succeeded run good, so that
     * {@code runner.rollbackToLastGood(bot.target())} comes back to it.
     */
    public static RunResult deploy(Runner runner, Bot bot, Path newConfig) {
        return Runbooks.runAndMarkGood(runner, deployPlan(bot, newConfig));
    }

    /**
     * Registers what a rollback of this bot's runs needs beyond the adapters' step types: the
     * undo of {@link #PIP_SYNC} (from recorded values only) and the {@link #BOT_CLEAN} check (of
     * this bot). A runner built from it rolls back and recovers the bot's runs from the journal
     * alone, without the plan.
     */
    public static Runner.Builder register(Runner.Builder runner, Bot bot) {
        return runner.compensation(PIP_SYNC, Runbook001::restorePip)
                .compensation(BOT_CLEAN, ctx -> checkBot(bot, ctx));
    }

    /**
     * The pip step: records the pip argv, the wheel directory and {@code pip freeze --local}, then
     * {@code pip install -r requirements}. Its fingerprint is the freeze.
     */
    public static Step pipSync(Bot bot) {
        List<String> install = install(bot.pip(), bot.findLinks());
        install.addAll(List.of("-r", bot.requirements()));
        return Step.named("pip install -r requirements.txt").type(PIP_SYNC)
                .describe(String.join(" ", install.subList(bot.exec().size(), install.size()))
                        + " (undo: back to the recorded pip freeze)")
                .validate(ctx -> {
                    try {
                        ctx.commands().run(CommandSpec.of(bot.pip()).args("--version").timeout(PIP_TIMEOUT));
                    } catch (RuntimeException e) {
                        throw new StepValidationException(ctx.stepName(), "the venv's pip does not run: "
                                + String.join(" ", bot.pip()) + ": " + e.getMessage(), e);
                    }
                })
                .action(ctx -> {
                    String before = freeze(ctx.commands(), bot.pip());
                    ctx.record("pip", String.join("\n", bot.pip()));
                    ctx.record("findLinks", bot.findLinks());
                    ctx.record("freeze", before);
                    ctx.commands().run(CommandSpec.of(install).timeout(PIP_TIMEOUT));
                    ctx.summary(before.strip().replace("\n", ", ") + " -> "
                            + freeze(ctx.commands(), bot.pip()).strip().replace("\n", ", "));
                })
                .fingerprint(ctx -> List.of(Fingerprint.of("pip:" + bot.venv(), "freeze",
                        freeze(ctx.commands(), bot.pip()))))
                .build();
    }

    /**
     * The undo of {@link #PIP_SYNC}, from recorded values only: uninstalls what the recorded freeze
     * does not list, reinstalls the recorded pins that differ ({@code --no-deps}: the freeze is the
     * complete set), and fails when the venv still differs from the freeze.
     */
    static void restorePip(StepContext ctx) {
        String wanted = ctx.recorded("freeze").orElse(null);
        if (wanted == null) {
            return; // recorded before pip ran: nothing was installed
        }
        List<String> pip = List.of(ctx.recorded("pip").orElseThrow(
                () -> new IllegalStateException("the pip step recorded a freeze but no pip argv")).split("\n"));
        String findLinks = ctx.recorded("findLinks").orElse("");
        Map<String, String> want = pins(wanted);
        Map<String, String> have = pins(freeze(ctx.commands(), pip));
        List<String> extra = have.keySet().stream().filter(n -> !want.containsKey(n)).toList();
        if (!extra.isEmpty()) {
            List<String> argv = new ArrayList<>(pip);
            argv.addAll(List.of("uninstall", "-y"));
            argv.addAll(extra);
            ctx.commands().run(CommandSpec.of(argv).timeout(PIP_TIMEOUT));
        }
        List<String> differ = want.entrySet().stream().filter(e -> !e.getValue().equals(have.get(e.getKey())))
                .map(Map.Entry::getValue).toList();
        if (!differ.isEmpty()) {
            List<String> argv = install(pip, findLinks);
            argv.add("--no-deps");
            for (String line : differ) {
                argv.addAll(line.startsWith("-e ") ? List.of("-e", line.substring(3).strip()) : List.of(line));
            }
            ctx.commands().run(CommandSpec.of(argv).timeout(PIP_TIMEOUT));
        }
        Map<String, String> now = pins(freeze(ctx.commands(), pip));
        if (!now.equals(want)) {
            throw new IllegalStateException("the venv does not match the recorded pip freeze after the restore: "
                    + "expected " + want.values() + " but was " + now.values());
        }
    }

    /**
     * The post-rollback check of {@link #BOT_CLEAN}: within {@link Bot#within()}, the unit is
     * active and the log of its current invocation ({@code _SYSTEMD_INVOCATION_ID}) has the ready
     * line; then for {@link Bot#watch()} no line of it may contain {@code Traceback}.
     */
    static void checkBot(Bot bot, StepContext ctx) throws Exception {
        ServiceManager systemd = bot.systemctl().manager(ctx.commands());
        long deadline = System.nanoTime() + bot.within().toNanos();
        long watchEnd = Long.MAX_VALUE;
        int attempts = 0;
        String last = "not active";
        while (true) {
            ctx.throwIfCancelled();
            attempts++;
            Map<String, String> show = systemd.show(bot.unit(), "ActiveState", "InvocationID");
            String active = show.getOrDefault("ActiveState", "");
            // the log first: a bot that crashed with a Traceback is not active any more
            List<String> log = invocationLog(ctx.commands(), bot, show.getOrDefault("InvocationID", ""));
            long tracebacks = log.stream().filter(l -> l.contains(TRACEBACK)).count();
            if (tracebacks > 0) {
                throw new CheckFailedException(ctx.stepName(), bot.unit() + " (ActiveState=" + active
                        + "): expected no line containing <" + TRACEBACK + "> since it started but found "
                        + tracebacks + ", the log ends with \"" + log.get(log.size() - 1) + "\"", attempts,
                        List.of(), null);
            }
            if (active.equals("active")) {
                boolean ready = log.stream().anyMatch(l -> bot.ready().matcher(l).find());
                last = ready ? "ready" : "active, no ready line yet";
                if (ready && watchEnd == Long.MAX_VALUE) {
                    watchEnd = System.nanoTime() + bot.watch().toNanos();
                }
                if (System.nanoTime() >= watchEnd) {
                    return;
                }
            } else {
                last = "ActiveState=" + active;
                watchEnd = Long.MAX_VALUE;
            }
            if (watchEnd == Long.MAX_VALUE && System.nanoTime() > deadline) {
                throw new CheckFailedException(ctx.stepName(), bot.unit() + ": expected active with a line matching <"
                        + bot.ready() + "> within " + bot.within() + " but was " + last, attempts, List.of(last), null);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** The check run after every compensation of a rollback: see {@link #checkBot}. */
    static Step botClean(Bot bot) {
        return Step.named(bot.unit() + " active, log clean").type(BOT_CLEAN)
                .describe(bot.unit() + " active, a line matching '" + bot.ready() + "' and no " + TRACEBACK
                        + " in its log since it started (watched " + bot.watch().toMillis() + " ms)")
                .action(ctx -> checkBot(bot, ctx))
                .build();
    }

    private static List<String> invocationLog(CommandRunner commands, Bot bot, String invocation) {
        if (!invocation.matches("[0-9a-f]{32}")) {
            return List.of();
        }
        List<String> argv = new ArrayList<>(bot.systemctl().journalctlPrefix());
        argv.addAll(List.of("-o", "cat", "--no-pager", "_SYSTEMD_INVOCATION_ID=" + invocation));
        String out = commands.run(CommandSpec.of(argv).timeout(Duration.ofSeconds(60))).stdout();
        return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }

    private static List<String> install(List<String> pip, String findLinks) {
        List<String> argv = new ArrayList<>(pip);
        argv.addAll(List.of("install", "--disable-pip-version-check", "--no-input"));
        if (!findLinks.isBlank()) {
            argv.addAll(List.of("--no-index", "--find-links", findLinks));
        }
        return argv;
    }

    /** {@code pip freeze --local}: the venv's own packages, one {@code name==version} a line. */
    static String freeze(CommandRunner commands, List<String> pip) {
        List<String> argv = new ArrayList<>(pip);
        argv.addAll(List.of("freeze", "--local", "--disable-pip-version-check"));
        return commands.run(CommandSpec.of(argv).timeout(PIP_TIMEOUT)).stdout();
    }

    /** Freeze lines by normalized project name (PEP 503). */
    private static Map<String, String> pins(String freeze) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String raw : freeze.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String name = line.startsWith("-e ") ? line.replaceAll(".*[#&]egg=", "")
                    : line.split("==|===| @ |\\s", 2)[0];
            out.put(name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-"), line);
        }
        return out;
    }
}
