package dev.backstep.db.migrate;

import dev.backstep.PlanDefinitionException;
import dev.backstep.BackstepException;
import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.Secret;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Migrations#artisan}: records the highest migration batch of Laravel's {@code migrations}
 * table ({@code php artisan migrate:status}) before {@code php artisan migrate --force}; the
 * compensation rolls back exactly the batches added since, whether that is none (nothing was
 * pending), one, or several ({@link #stepwise()}, a retried step). Immutable.
 *
 * <pre>{@code
 * Step migrate = Migrations.artisan(Path.of("/srv/shop/current"))
 *     .env("DB_PASSWORD", Secret.of(System.getenv("DB_PASSWORD")))   // name journaled, value never
 *     .database("mysql");                                             // --database=mysql (optional)
 * }</pre>
 *
 * <p><b>How the undo finds "its" batches.</b> {@code migrate:rollback --step=1} undoes one
 * <em>migration</em>, not one deploy, and a fixed count is wrong whenever the deploy brought zero or
 * several batches; {@code --batch=N} is missing from older Laravel releases. So the compensation
 * runs plain {@code migrate:rollback --force} (which rolls back the highest batch, in every Laravel
 * release) while {@code migrate:status} shows a batch above the recorded one, and checks after each
 * call that the highest batch went down: a rollback that makes no progress (a migration file that
 * is gone, a {@code down()} that does nothing) fails the compensation instead of looping or
 * reporting a rollback that did not happen. A batch above the one the step recorded after its
 * {@code migrate} belongs to someone else (a later, manual {@code migrate}): the compensation
 * refuses to roll it back and says so. A failing {@code migrate} (MySQL DDL is not transactional,
 * so earlier migrations stay applied) is undone the same way before the step fails.
 *
 * <p>Validation refuses an application directory without an {@code artisan} file and a
 * {@code php} that does not start, before any step of the plan runs.
 */
public final class ArtisanMigrate extends ToolMigration<ArtisanMigrate> {
    static final Compensation COMPENSATION = ArtisanMigrate::compensate;
    static final String K_BATCH_BEFORE = "batchBefore";
    static final String K_BATCH_AFTER = "batchAfter";
    static final String K_CONNECTION = "connection";
    /** Laravel 10+: {@code 2024_01_01_000000_create_users_table ...... [3] Ran}. */
    private static final Pattern RAN = Pattern.compile("^\\s*(\\S+)\\s+\\.*\\s*\\[(\\d+)\\]\\s+Ran\\s*$");
    /** Laravel 5-9: {@code | Yes  | 2024_01_01_000000_create_users_table | 3     |}. */
    private static final Pattern RAN_TABLE = Pattern.compile("^\\|\\s*Yes\\s*\\|\\s*(\\S+)\\s*\\|\\s*(\\d+)\\s*\\|\\s*$");

    private final String php;
    private final String connection;
    private final boolean stepwise;

    ArtisanMigrate(String name, MigrationCommand command, List<String> via, String php, String connection,
                   boolean stepwise) {
        super(name, Migrations.ARTISAN, command, via, List.of(php, "artisan"));
        this.php = php;
        this.connection = connection;
        this.stepwise = stepwise;
    }

    @Override
    ArtisanMigrate copy(String newName, MigrationCommand newCommand, List<String> newVia) {
        return new ArtisanMigrate(newName, newCommand, newVia, php, connection, stepwise);
    }

    private ArtisanMigrate with(String p, String conn, boolean step) {
        return new ArtisanMigrate(name(), command, via, p, conn, step);
    }

    /** The PHP program (default {@code php} from the PATH), for example {@code /usr/bin/php8.2}. */
    public ArtisanMigrate php(String program) {
        MigrationCommand.checkArgs("php", program);
        return with(program, connection, stepwise);
    }

    /** The Laravel database connection ({@code --database=<name>}) for migrate, status and rollback. */
    public ArtisanMigrate database(String connectionName) {
        if (connectionName == null || !connectionName.matches("[A-Za-z0-9_.-]+")) {
            throw new PlanDefinitionException(null, name(), "invalid Laravel database connection name '" + connectionName + "'");
        }
        return with(php, connectionName, stepwise);
    }

    /** Runs {@code migrate --step}: every migration in its own batch (the undo still rolls back all of them). */
    public ArtisanMigrate stepwise() {
        return with(php, connection, true);
    }

    @Override
    public String describe() {
        return "php artisan migrate" + (stepwise ? " --step" : "") + where();
    }

    @Override
    public Compensation compensation() {
        return COMPENSATION;
    }

    @Override
    public void validate(StepContext ctx) {
        requireDirectory();
        if (via.isEmpty() && !Files.isRegularFile(command.dir().resolve("artisan"))) {
            throw new StepValidationException(name(), "no artisan file in " + command.dir()
                    + " (is it the Laravel application directory?)");
        }
        try {
            command.run(ctx.commands(), "--version", "--no-ansi");
        } catch (BackstepException e) {
            throw new StepValidationException(name(), "cannot run " + String.join(" ", command.prefix()) + ": " + e.getMessage(), e);
        }
        try {
            maxBatch(ctx.commands(), command, connection);
        } catch (BackstepException e) {
            throw new StepValidationException(name(), "cannot read the migration status: " + e.getMessage(), e);
        }
    }

    /** The migrations that ran and their batches, read-only, for {@link dev.backstep.Runner#rehearse}. */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) {
        List<String> ran = new ArrayList<>();
        status(ctx.commands(), command, connection).forEach((migration, batch) -> ran.add(migration + "@" + batch));
        return List.of(Fingerprint.of("artisan:" + command.dir() + (connection == null ? "" : "#" + connection),
                "ran", String.join(",", ran)));
    }

    @Override
    public void execute(StepContext ctx) {
        recordCommand(ctx);
        if (connection != null) {
            ctx.record(K_CONNECTION, connection);
        }
        ctx.record(K_BATCH_BEFORE, String.valueOf(maxBatch(ctx.commands(), command, connection)));
        int before = Integer.parseInt(ctx.recorded(K_BATCH_BEFORE).orElseThrow()); // a retry keeps the first attempt's
        List<String> args = new ArrayList<>(List.of("migrate", "--force", "--no-interaction", "--no-ansi"));
        if (stepwise) {
            args.add("--step");
        }
        connectionArg(connection).ifPresent(args::add);
        runOrUndo(ctx.commands(), () -> rollBackTo(ctx.commands(), command, connection, before, null),
                args.toArray(String[]::new));
        int after = maxBatch(ctx.commands(), command, connection);
        ctx.record(K_BATCH_AFTER, String.valueOf(after));
        ctx.summary(after == before ? "artisan migrate: nothing to migrate (batch " + before + ")"
                : "artisan migrate: batch " + before + " -> " + after);
    }

    /** The compensation of {@value Migrations#ARTISAN} steps: reads only recorded values. */
    static void compensate(StepContext ctx) {
        Optional<String> before = ctx.recorded(K_BATCH_BEFORE);
        if (before.isEmpty()) {
            return; // crashed before reading the status: migrate never started
        }
        MigrationCommand command = MigrationCommand.recorded(ctx).orElseThrow(() ->
                new BackstepException("step '" + ctx.stepName() + "' recorded a batch but not its artisan command"));
        Integer after = ctx.recorded(K_BATCH_AFTER).map(Integer::valueOf).orElse(null);
        rollBackTo(ctx.commands(), command, ctx.recorded(K_CONNECTION).orElse(null), Integer.parseInt(before.get()),
                after);
    }

    /** Rolls back the highest batch while it is above {@code batch}; see the class comment for why. */
    private static void rollBackTo(CommandRunner commands, MigrationCommand command, String connection, int batch,
                                   Integer lastOwnBatch) {
        int max = maxBatch(commands, command, connection);
        if (lastOwnBatch != null && max > lastOwnBatch) {
            throw new BackstepException("batch " + max + " of " + command.dir() + " was migrated after this step"
                    + " (which added batches " + (batch + 1) + ".." + lastOwnBatch + "): roll that back first;"
                    + " nothing was rolled back");
        }
        List<String> args = new ArrayList<>(List.of("migrate:rollback", "--force", "--no-interaction", "--no-ansi"));
        connectionArg(connection).ifPresent(args::add);
        while (max > batch) {
            command.run(commands, args.toArray(String[]::new));
            int next = maxBatch(commands, command, connection);
            if (next >= max) {
                throw new BackstepException("php artisan migrate:rollback left batch " + max + " of " + command.dir()
                        + " in place (the highest batch is still " + next + "; batches above " + batch
                        + " remain to be rolled back)");
            }
            max = next;
        }
    }

    private static Optional<String> connectionArg(String connection) {
        return Optional.ofNullable(connection).map(c -> "--database=" + c);
    }

    /** The highest batch {@code migrate:status} shows (0 when none ran or there is no migrations table). */
    static int maxBatch(CommandRunner commands, MigrationCommand command, String connection) {
        return status(commands, command, connection).values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Migration name to batch, of the migrations {@code migrate:status} shows as ran, in its order. */
    static Map<String, Integer> status(CommandRunner commands, MigrationCommand command, String connection) {
        List<String> args = new ArrayList<>(List.of("migrate:status", "--no-interaction", "--no-ansi"));
        connectionArg(connection).ifPresent(args::add);
        CommandResult r = commands.run(command.spec(args).successCodes(0, 1));
        String out = r.stdout() + "\n" + r.stderr();
        Map<String, Integer> ran = new LinkedHashMap<>();
        if (out.contains("Migration table not found")) {
            return ran;
        }
        if (r.exitCode() != 0) {
            throw new BackstepException("php artisan migrate:status failed (exit " + r.exitCode() + ") in "
                    + command.dir() + ": " + MigrationCommand.tail(r));
        }
        for (String line : r.stdout().split("\\R")) {
            Matcher m = RAN.matcher(line);
            if (!m.matches()) {
                m = RAN_TABLE.matcher(line.strip());
            }
            if (m.matches()) {
                ran.put(m.group(1), Integer.valueOf(m.group(2)));
            }
        }
        return ran;
    }
}
