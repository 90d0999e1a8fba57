package dev.backstep.files;

import dev.backstep.files.internal.FaultHook;
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
            step.execute(TestContext.durable(state, step.name(), journal));
        } else if (scenario.equals("deploy")) {
            DeployStep step = Release.in(Path.of(args[4])).deploy(args[5], Path.of(args[6])).withFaultHook(halt);
            step.execute(TestContext.durable(state, step.name(), journal));
        } else {
            throw new IllegalArgumentException(scenario);
        }
        System.exit(0);
    }
}
