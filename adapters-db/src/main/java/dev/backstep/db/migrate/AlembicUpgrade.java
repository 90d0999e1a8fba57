package dev.backstep.db.migrate;

import dev.backstep.PlanDefinitionException;
import dev.backstep.BackstepException;
import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.Secret;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.spi.CommandRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Migrations#alembic}: records {@code alembic current} before {@code alembic upgrade <target>};
 * the compensation is {@code alembic downgrade <recorded revision>} ({@code base} when the database
 * had none), checked afterwards with {@code alembic current}. Immutable.
 *
 * <pre>{@code
 * Step migrate = Migrations.alembic(Path.of("/srv/api"))
 *     .via("docker", "compose", "exec", "-T", "-e", "DB_PASSWORD", "api")   // or nothing: alembic on this host
 *     .config("alembic.ini")
 *     .env("DB_PASSWORD", Secret.of(System.getenv("DB_PASSWORD")))        // name journaled, value never
 *     .target("head");
 * }</pre>
 *
 * <p>Validation (before any step of the plan runs) refuses: an application directory that does
 * not exist (with {@code via}, the directory the prefix program runs in), an {@code alembic} that does not start, a target that {@code alembic show} does not
 * know, {@code head} when the scripts have several heads, and a database that is at several
 * revisions at once (a single {@code downgrade} could not return to that). A failing upgrade is
 * downgraded to the recorded revision before the step fails (a no-op where the database
 * rolled the upgrade back itself, as PostgreSQL's transactional DDL does).
 */
public final class AlembicUpgrade extends ToolMigration<AlembicUpgrade> {
    static final Compensation COMPENSATION = AlembicUpgrade::compensate;
    static final String K_REVISION = "revision";
    static final String BASE = "base";
    private static final Pattern REVISION_LINE = Pattern.compile("^([A-Za-z0-9_]+)((?: \\([a-z ]+\\))*)\\s*$");

    private final String program;
    private final String config;
    private final String target;

    AlembicUpgrade(String name, MigrationCommand command, List<String> via, String program, String config,
                   String target) {
        super(name, Migrations.ALEMBIC, command, via, config == null ? List.of(program) : List.of(program, "-c", config));
        this.program = program;
        this.config = config;
        this.target = target;
    }

    @Override
    AlembicUpgrade copy(String newName, MigrationCommand newCommand, List<String> newVia) {
        return new AlembicUpgrade(newName, newCommand, newVia, program, config, target);
    }

    private AlembicUpgrade with(String p, String cfg, String t) {
        return new AlembicUpgrade(name(), command, via, p, cfg, t);
    }

    /** The alembic program (default {@code alembic} from the PATH), for example {@code /usr/bin/alembic} or {@code .venv/bin/alembic}. */
    public AlembicUpgrade program(String alembic) {
        MigrationCommand.checkArgs("program", alembic);
        return with(alembic, config, target);
    }

    /** The alembic configuration file ({@code alembic -c <path>}), relative to the application directory. */
    public AlembicUpgrade config(String path) {
        MigrationCommand.checkArgs("config", path);
        return with(program, path, target);
    }

    /** The revision to upgrade to (default {@code head}). */
    public AlembicUpgrade target(String revision) {
        if (revision == null || !revision.matches("[A-Za-z0-9_@.+]+")) {
            throw new PlanDefinitionException(null, name(), "invalid alembic target '" + revision + "'");
        }
        return with(program, config, revision);
    }

    @Override
    public String describe() {
        return "alembic upgrade " + target + where();
    }

    @Override
    public Compensation compensation() {
        return COMPENSATION;
    }

    @Override
    public void validate(StepContext ctx) {
        requireDirectory();
        try {
            command.run(ctx.commands(), "--version");
        } catch (BackstepException e) {
            throw new StepValidationException(name(), "cannot run alembic (" + String.join(" ", command.prefix())
                    + "): " + e.getMessage(), e);
        }
        if (target.equals("head") || target.equals("heads")) {
            List<String> heads = revisions(ctx.commands(), command, "heads");
            if (heads.size() > 1) {
                throw new StepValidationException(name(), "the alembic scripts have several heads " + heads
                        + ": upgrade to one of them (target(\"" + heads.get(0) + "\")) or merge them"
                        + " (alembic merge heads)");
            }
        } else {
            try {
                command.run(ctx.commands(), "show", target);
            } catch (BackstepException e) {
                throw new StepValidationException(name(), "alembic does not know the target revision '" + target
                        + "': " + e.getMessage(), e);
            }
        }
        List<String> current;
        try {
            current = revisions(ctx.commands(), command, "current");
        } catch (BackstepException e) {
            throw new StepValidationException(name(), "cannot read the current alembic revision: " + e.getMessage(), e);
        }
        if (current.size() > 1) {
            throw new StepValidationException(name(), "the database is at several alembic revisions " + current
                    + ": a single downgrade could not return to that; merge the branches first");
        }
    }

    /** The database's alembic revision(s), read-only, for {@link dev.backstep.Runner#rehearse}. */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) {
        List<String> current = revisions(ctx.commands(), command, "current");
        return List.of(Fingerprint.of("alembic:" + command.dir(), "revision",
                current.isEmpty() ? BASE : String.join(",", current)));
    }

    @Override
    public void execute(StepContext ctx) {
        recordCommand(ctx);
        List<String> current = revisions(ctx.commands(), command, "current");
        if (current.size() > 1) {
            throw new BackstepException("the database is at several alembic revisions " + current);
        }
        String before = current.isEmpty() ? BASE : current.get(0);
        ctx.record(K_REVISION, before);
        runOrUndo(ctx.commands(), () -> downgrade(ctx.commands(), command, ctx.recorded(K_REVISION).orElse(before)),
                "upgrade", target);
        List<String> after = revisions(ctx.commands(), command, "current");
        ctx.summary("alembic " + before + " -> " + (after.isEmpty() ? BASE : String.join(",", after)));
    }

    /** The compensation of {@value Migrations#ALEMBIC} steps: reads only recorded values. */
    static void compensate(StepContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        String revision = ctx.recorded(K_REVISION).orElse(null);
        if (revision == null) {
            return; // crashed before reading the current revision: the upgrade never started
        }
        MigrationCommand command = MigrationCommand.recorded(ctx).orElseThrow(() ->
                new BackstepException("step '" + ctx.stepName() + "' recorded a revision but not its alembic command"));
        downgrade(ctx.commands(), command, revision);
    }

    private static void downgrade(CommandRunner commands, MigrationCommand command, String revision) {
        List<String> now = revisions(commands, command, "current");
        if (at(now, revision)) {
            return;
        }
        command.run(commands, "downgrade", revision);
        List<String> after = revisions(commands, command, "current");
        if (!at(after, revision)) {
            throw new BackstepException("alembic downgrade " + revision + " left the database at "
                    + (after.isEmpty() ? BASE : after) + " in " + command.dir());
        }
    }

    private static boolean at(List<String> current, String revision) {
        return BASE.equals(revision) ? current.isEmpty() : current.equals(List.of(revision));
    }

    /**
     * The revisions {@code alembic current} or {@code alembic heads} prints, one per line
     * ({@code 1a2b3c4d (head)}); log lines a configuration may send to stdout are skipped.
     */
    static List<String> revisions(CommandRunner commands, MigrationCommand command, String subcommand) {
        String out = command.run(commands, subcommand).stdout();
        List<String> revisions = new ArrayList<>();
        for (String line : out.split("\\R")) {
            Matcher m = REVISION_LINE.matcher(line.strip());
            if (m.matches() && !List.of("INFO", "WARN", "WARNING", "DEBUG", "ERROR").contains(m.group(1))) {
                revisions.add(m.group(1));
            }
        }
        return revisions;
    }
}
