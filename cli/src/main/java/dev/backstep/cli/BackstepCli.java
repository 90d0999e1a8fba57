package dev.backstep.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code backstep} operator command: {@code backstep rollback} rolls deploys back, lists,
 * previews, recovers and verifies from the journal named in a config file, in a process that
 * never saw the deploy. Runs from the shaded jar ({@code java -jar backstep-cli-VERSION-all.jar})
 * or the {@code bin/backstep} launcher; callable in-process too:
 *
 * <pre>{@code
 * int code = BackstepCli.run(new String[] {"rollback", "--config", "/etc/backstep.properties", "--auto"},
 *         System.out, System.err);   // 0 rolled back, 3 nothing to roll back, ... (see ExitCode)
 * }</pre>
 *
 * Steps are undone through the {@link dev.backstep.spi.StepRegistry} of the adapters on the class
 * path (core, git, db, systemd, docker in the jar).
 */
@Command(name = "backstep", description = "Backstep's operator command.", subcommands = RollbackCommand.class)
public final class BackstepCli {
    private BackstepCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command with {@code args} (without the program name); returns its exit code
     * ({@link ExitCode#code()}). Results go to {@code out}; progress goes to {@code out} too, or to
     * {@code err} with {@code --json} (so that {@code out} holds one JSON object); error messages
     * go to {@code out} (to {@code err} with {@code --json}), usage errors to {@code err}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean json = Arrays.asList(args).contains("--json");
        CommandLine cmd = new CommandLine(BackstepCli.class, new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> cls) throws Exception {
                return cls == RollbackCommand.class ? (K) new RollbackCommand(out, err)
                        : CommandLine.defaultFactory().create(cls);
            }
        });
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitCode c : ExitCode.values()) {
            codes.put(String.format("%3d", c.code()), c.name() + ": " + c.meaning());
        }
        CommandLine rollback = cmd.getSubcommands().get("rollback");
        rollback.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        cmd.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cmd.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cmd.setExitCodeExceptionMapper(e -> ExitCode.ERROR.code());
        cmd.setParameterExceptionHandler((e, a) -> {
            String m = "usage error, nothing changed: " + e.getMessage();
            err.println(m);
            err.println("see: backstep " + (e.getCommandLine() == rollback ? "rollback " : "") + "--help");
            if (json) {
                out.println(new Json().put("message", m).put("outcome", ExitCode.USAGE.name())
                        .put("exitCode", ExitCode.USAGE.code()));
            }
            err.flush();
            return ExitCode.USAGE.code();
        });
        cmd.setExecutionExceptionHandler((e, c, p) -> {
            err.println("unexpected error: " + e);
            return ExitCode.ERROR.code();
        });
        if (args.length == 0) {
            cmd.usage(err);
            return ExitCode.USAGE.code();
        }
        return cmd.execute(args);
    }
}
