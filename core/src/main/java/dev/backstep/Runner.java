package dev.backstep;

import dev.backstep.event.RunListener;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.Journal;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Runs plans as sagas: steps in order, every event journaled, completed steps compensated in
 * reverse order when a step or verification fails.
 *
 * <pre>{@code
 * Runner runner = Backstep.runner()
 *     .journal(Journal.inMemory())
 *     .listener(RunListener.console(System.out))
 *     .build();
 * DryRun preview = runner.dryRun(plan);   // executes nothing
 * RunResult result = runner.run(plan);
 * System.out.println(result.report().toText());
 * }</pre>
 *
 * <p>Thread-safe: one runner may run several plans concurrently.
 */
public interface Runner {

    /**
     * Runs the plan. Never throws for a failing step: the outcome, with every failure, is in the
     * result. Throws {@link BackstepException} only when the run could not start (a step's
     * validation failed; nothing was changed) or the journal itself fails.
     */
    RunResult run(Plan plan);

    /**
     * Validates every step and previews what it would do, read-only. Executes no action, no
     * compensation, no verification.
     */
    DryRun dryRun(Plan plan);

    /** Builder of runners. Not thread-safe. */
    interface Builder {
        /** Where every event is written. Default: {@link Journal#inMemory()}. */
        Builder journal(Journal journal);

        /** Adds a listener; listeners are called in the order added and their failures ignored. */
        Builder listener(RunListener listener);

        /** Default {@link CompensationMode#SEQUENTIAL}. */
        Builder compensation(CompensationMode mode);

        /** Default {@link CommandRunner#local()}. */
        Builder commands(CommandRunner commands);

        /**
         * Where steps keep backups ({@link StepContext#backupDir()}), one owner-only directory per
         * run. Default: a {@code backstep} directory under {@code java.io.tmpdir}.
         */
        Builder stateDir(Path dir);

        /** Default {@link Clock#systemUTC()}. */
        Builder clock(Clock clock);

        Runner build();
    }
}
