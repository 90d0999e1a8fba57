package dev.backstep.files;

import dev.backstep.Backstep;
import dev.backstep.Plan;
import dev.backstep.Step;
import dev.backstep.StepContext;
import dev.backstep.files.internal.FaultHook;
import dev.backstep.spi.Journal;
import dev.backstep.testkit.StepHarness;
import java.nio.file.Path;

/**
 * Runs one step in a child JVM and kills that JVM ({@code Runtime.halt}, no cleanup, no finally
 * blocks) at a named point, the way {@code kill -9} would. Every value the step records is synced
 * to a journal file first, like the real journal.
 *
 * <p>Arguments: scenario, state dir, journal file, halt point, then scenario arguments.
 */
public final class CrashMain {
    static final int HALTED = 99;

    private CrashMain() {
    }

    static Path journalDirOf(Path journal) {
        return journal.resolveSibling(journal.getFileName() + ".d");
    }

    /** Runs the step's action with every record synced to {@code journal} before it goes on. */
    private static void executeDurably(Step step, Path state, Path journal) throws Exception {
        step.execute(Fs.durable(StepHarness.of(step).backupRoot(state.resolve("backups"))
                .context(StepContext.Phase.FORWARD), journal));
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        Path state = Path.of(args[1]);
        Path journal = Path.of(args[2]);
        String haltAt = args[3];
        FaultHook halt = point -> {
            if (point.equals(haltAt)) {
                Runtime.getRuntime().halt(HALTED);
            }
        };
        if (scenario.equals("replace")) {
            ReplaceStep step = ConfigFile.replace(Path.of(args[4]), args[5].repeat(Integer.parseInt(args[6])))
                    .mode("0600").withFaultHook(halt);
            executeDurably(step, state, journal);
        } else if (scenario.equals("deploy")) {
            DeployStep step = Release.in(Path.of(args[4])).deploy(args[5], Path.of(args[6])).withFaultHook(halt);
            executeDurably(step, state, journal);
        } else if (scenario.equals("runner")) {
            // a whole plan through the real runner and directory journal: deploy, then a config
            // replace killed between its temp write and its rename
            Path base = Path.of(args[4]);
            Path conf = Path.of(args[5]);
            Plan plan = Plan.named("deploy shop 1.1.0").target("shop")
                    .step(Release.in(base).deploy("1.1.0", Path.of(args[6])))
                    .step(ConfigFile.replace(conf, "NEW=1\n").withFaultHook(halt))
                    .build();
            try (Journal j = Journal.directory(journalDirOf(journal))) {
                Backstep.runner().journal(j).stateDir(state).build().run(plan);
            }
        } else {
            throw new IllegalArgumentException(scenario);
        }
        System.exit(0);
    }
}
