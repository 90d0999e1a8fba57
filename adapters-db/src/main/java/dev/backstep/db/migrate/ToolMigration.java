package dev.backstep.db.migrate;

import dev.backstep.BackstepException;
import dev.backstep.PlanDefinitionException;
import dev.backstep.Secret;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.AbstractStep;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link AlembicUpgrade} and {@link ArtisanMigrate} share: a migration tool run through a
 * {@link MigrationCommand} (optionally behind a {@code via} prefix) whose environment, timeout and
 * step name the immutable {@code with...} setters change. Package-private: users see the steps.
 *
 * @param <S> the concrete step, returned by the setters
 */
abstract sealed class ToolMigration<S extends ToolMigration<S>> extends AbstractStep permits AlembicUpgrade, ArtisanMigrate {
    final MigrationCommand command;
    final List<String> via;

    /** {@code command} runs {@code via}, then {@code program} (the tool's own argv, e.g. {@code php artisan}). */
    ToolMigration(String name, String type, MigrationCommand command, List<String> via, List<String> program) {
        super(name, type);
        this.via = List.copyOf(via);
        List<String> prefix = new ArrayList<>(via);
        prefix.addAll(program);
        this.command = command.withPrefix(prefix);
    }

    /** This step with another name, command and prefix; every other setting kept. */
    abstract S copy(String newName, MigrationCommand newCommand, List<String> newVia);

    /**
     * Runs the tool through this argv prefix, for example {@code docker compose exec -T api} or
     * {@code sudo -u api}. The environment variables of this step are set for the prefix program
     * (pass them on explicitly, {@code docker compose exec -e DB_PASSWORD}).
     */
    public S via(String... prefix) {
        MigrationCommand.checkArgs("via", prefix);
        return copy(name(), command, List.of(prefix));
    }

    /** An environment variable for the tool, recorded in the journal (never a password: see {@link #env(String, Secret)}). */
    public S env(String name, String value) {
        return copy(name(), command.withEnv(name, value), via);
    }

    /** A secret environment variable for the tool: its name is recorded, its value never (see {@link Migrations#registerSecret}). */
    public S env(String name, Secret value) {
        return copy(name(), command.withSecretEnv(name, value), via);
    }

    /** The time each command of the tool may take (default one hour). */
    public S timeout(Duration timeout) {
        return copy(name(), command.withTimeout(timeout), via);
    }

    /** This step under another name. */
    @Override
    public S withName(String newName) {
        if (newName == null || newName.isBlank()) {
            throw new PlanDefinitionException(null, name(), "a step needs a non-blank name, was "
                    + (newName == null ? null : "'" + newName + "'"));
        }
        return copy(newName, command, via);
    }

    /** " in DIR" and " via PREFIX" when there is one, for {@link #describe()}. */
    final String where() {
        return " in " + command.dir() + (via.isEmpty() ? "" : " via " + String.join(" ", via));
    }

    /** Makes the secrets known to this process's compensations and records the command, before the tool runs. */
    final void recordCommand(StepContext ctx) {
        command.rememberSecrets();
        command.record(ctx);
    }

    /**
     * Runs the tool with {@code args}; when it fails, {@code undo} puts back what it applied before
     * the failure is thrown (a failing undo is added to it as suppressed).
     */
    final void runOrUndo(CommandRunner commands, Runnable undo, String... args) {
        try {
            command.run(commands, args);
        } catch (BackstepException e) {
            try {
                undo.run();
            } catch (RuntimeException undoFailure) {
                e.addSuppressed(undoFailure);
            }
            throw e;
        }
    }

    /** Refuses, in validation, an application directory that does not exist. */
    final void requireDirectory() {
        if (!Files.isDirectory(command.dir())) {
            throw new StepValidationException(name(), "application directory " + command.dir() + " does not exist");
        }
    }
}
