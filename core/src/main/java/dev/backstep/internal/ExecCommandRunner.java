package dev.backstep.internal;

import dev.backstep.BackstepException;
import dev.backstep.CommandFailedException;
import dev.backstep.CommandInterruptedException;
import dev.backstep.CommandTimeoutException;
import dev.backstep.Defaults;
import dev.backstep.ProgramNotFoundException;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ProcessDestroyer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommandRunner} that runs programs on this machine over Apache Commons Exec.
 *
 * <ul>
 *   <li>Before anything starts: the working directory must exist and argv[0] must resolve to an
 *       executable file (on the {@code PATH} when it has no slash, the spec's own {@code PATH}
 *       if it sets one), else {@link ProgramNotFoundException}.</li>
 *   <li>argv reaches the program literally: no shell, no quoting, no trimming, no
 *       {@code ${...}} expansion (see {@link LiteralCommandLine}).</li>
 *   <li>Environment: this process's, plus {@link CommandSpec#env()}, plus the revealed
 *       {@link CommandSpec#secretEnv()} (revealed nowhere else). Standard input is closed.</li>
 *   <li>At the timeout an {@link org.apache.commons.exec.ExecuteWatchdog} terminates the process
 *       and its descendants ({@code SIGTERM}, then {@code SIGKILL} after
 *       {@link #KILL_GRACE}): {@link CommandTimeoutException}.</li>
 *   <li>An interrupted caller terminates the tree the same way, gets a
 *       {@link CommandInterruptedException} and finds its interrupt flag set again. A caller
 *       interrupted before the call starts nothing.</li>
 *   <li>stdout and stderr keep their last {@link CommandSpec#outputLimit()} bytes each; secret
 *       values are masked in them, in argv and in every exception message.</li>
 *   <li>An exit code outside {@link CommandSpec#successCodes()}: {@link CommandFailedException}
 *       with the last {@link Defaults#STDERR_TAIL_CHARS} characters of stderr.</li>
 * </ul>
 *
 * <pre>{@code
 * CommandResult r = ExecCommandRunner.INSTANCE.run(CommandSpec.of("git", "rev-parse", "HEAD").in(repo));
 * }</pre>
 */
public final class ExecCommandRunner implements CommandRunner {
    public static final ExecCommandRunner INSTANCE = new ExecCommandRunner();

    /** How long a terminated process tree gets to exit before it is killed with SIGKILL. */
    static final Duration KILL_GRACE = Duration.ofSeconds(5);
    /** How long output is still read after the process ended (a background child may hold the pipes). */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(ExecCommandRunner.class);
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private ExecCommandRunner() {
    }

    @Override
    public CommandResult run(CommandSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Redactor redactor = Redactor.of(spec.secretEnv().values());
        List<String> shownArgv = redactor.redact(spec.argv());
        String shownProgram = shownArgv.get(0);

        // everything that can be checked is checked before anything starts
        checkArgv(spec, shownArgv);
        Map<String, String> env = environment(spec, shownArgv);
        Path workDir = ProgramResolver.workingDir(shownProgram, spec.workingDir());
        Path programFile = ProgramResolver.resolve(spec.program(), workDir, env.get("PATH"), redactor);
        boolean useResolvedPath = spec.program().indexOf('/') >= 0 || spec.env().containsKey("PATH");
        String executable = useResolvedPath ? programFile.toString() : spec.program();
        if (Thread.currentThread().isInterrupted()) {
            throw new CommandInterruptedException(shownArgv, "");
        }

        int keep = spec.outputLimit() + redactor.overlap();
        TailBuffer out = new TailBuffer(keep);
        TailBuffer err = new TailBuffer(keep);
        ThreadFactory threads = threadFactory();
        CapturingStreamHandler streams = new CapturingStreamHandler(out, err, threads, DRAIN_TIMEOUT);
        TreeKillingWatchdog watchdog = new TreeKillingWatchdog(spec.timeout());
        StartTracker started = new StartTracker();
        DefaultExecutor executor = DefaultExecutor.builder()
                .setExecuteStreamHandler(streams)
                .setWorkingDirectory(workDir)
                .setThreadFactory(threads)
                .get();
        executor.setExitValues(null); // success codes are judged below
        executor.setWatchdog(watchdog);
        executor.setProcessDestroyer(started);
        DefaultExecuteResultHandler handler = new LatchResultHandler();

        LOG.debug("running {} in {}{}", shownArgv, workDir,
                spec.env().isEmpty() && spec.secretEnv().isEmpty() ? ""
                        : " with environment " + spec.env().keySet() + " and secrets " + spec.secretEnv().keySet());
        long t0 = System.nanoTime();
        try {
            executor.execute(new LiteralCommandLine(executable, spec.argv()), env, handler);
        } catch (IOException e) {
            throw new ProgramNotFoundException(shownProgram, redactor.redact(String.valueOf(e.getMessage())), e);
        }
        boolean interrupted = await(handler, watchdog, spec.timeout());
        Duration duration = Duration.ofNanos(System.nanoTime() - t0);

        String stdout = redactor.tail(out.bytes(), spec.outputLimit(), out.total() > keep);
        String stderr = redactor.tail(err.bytes(), spec.outputLimit(), err.total() > keep);
        boolean truncated = out.total() > spec.outputLimit() || err.total() > spec.outputLimit();
        String stderrTail = lastChars(stderr, Defaults.STDERR_TAIL_CHARS);
        if (streams.incomplete()) {
            LOG.warn("{}: output was still open {} after the process ended (a background process holds it);"
                    + " the captured output may be incomplete", shownArgv, DRAIN_TIMEOUT);
        }

        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (watchdog.killedByCancel()) {
            LOG.debug("{} was interrupted after {} ms and killed", shownArgv, duration.toMillis());
            throw new CommandInterruptedException(shownArgv, stderrTail);
        }
        if (watchdog.timedOut()) {
            LOG.debug("{} timed out after {} and was killed", shownArgv, spec.timeout());
            throw new CommandTimeoutException(shownArgv, spec.timeout(), stderrTail);
        }
        ExecuteException failure = handler.getException();
        if (failure != null) {
            String why = redactor.redact(rootMessage(failure));
            if (!started.started()) {
                throw new ProgramNotFoundException(shownProgram, "could not be started: " + why, failure);
            }
            throw new BackstepException("command " + shownArgv + " failed: " + why, failure);
        }
        int exitCode = handler.getExitValue();
        LOG.debug("{} exited with code {} after {} ms", shownArgv, exitCode, duration.toMillis());
        if (!spec.successCodes().contains(exitCode)) {
            throw new CommandFailedException(shownArgv, exitCode, stderrTail);
        }
        return new CommandResult(shownArgv, exitCode, stdout, stderr, duration, truncated);
    }

    /**
     * Waits for the process. The watchdog kills it at the timeout; the grace covers the time the
     * kill takes. Returns whether this thread was interrupted meanwhile.
     */
    private static boolean await(DefaultExecuteResultHandler handler, TreeKillingWatchdog watchdog, Duration timeout) {
        boolean interrupted = false;
        try {
            handler.waitFor(timeout.plus(KILL_GRACE));
        } catch (InterruptedException e) {
            interrupted = true;
            watchdog.cancel();
        }
        if (!handler.hasResult() && !interrupted) {
            // the watchdog's SIGTERM was ignored
            watchdog.killRemaining(Duration.ZERO);
        }
        interrupted |= waitUninterruptibly(handler, KILL_GRACE);
        if (!handler.hasResult()) {
            watchdog.killRemaining(Duration.ZERO);
            interrupted |= waitUninterruptibly(handler, KILL_GRACE.plus(DRAIN_TIMEOUT));
        }
        if (watchdog.timedOut() || watchdog.killedByCancel()) {
            // descendants that ignore SIGTERM or outlived their parent
            watchdog.killRemaining(KILL_GRACE);
        }
        if (!handler.hasResult()) {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw new BackstepException("a killed process did not end within " + KILL_GRACE.multipliedBy(2)
                    + "; it may be stuck in the kernel (uninterruptible I/O)");
        }
        return interrupted;
    }

    private static boolean waitUninterruptibly(DefaultExecuteResultHandler handler, Duration max) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + max.toNanos();
        while (!handler.hasResult()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                handler.waitFor(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    private static void checkArgv(CommandSpec spec, List<String> shownArgv) {
        for (int i = 0; i < spec.argv().size(); i++) {
            if (spec.argv().get(i).indexOf('\0') >= 0) {
                throw new BackstepException("argument " + i + " of command " + shownArgv
                        + " contains a NUL character, which no program can receive");
            }
        }
    }

    private static Map<String, String> environment(CommandSpec spec, List<String> shownArgv) {
        Map<String, String> env = new HashMap<>(System.getenv());
        spec.env().forEach((k, v) -> {
            checkEnvName(k, shownArgv);
            if (v.indexOf('\0') >= 0) {
                throw new BackstepException("environment variable " + k + " of command " + shownArgv
                        + " contains a NUL character");
            }
            env.put(k, v);
        });
        spec.secretEnv().forEach((k, v) -> {
            checkEnvName(k, shownArgv);
            if (v.reveal().indexOf('\0') >= 0) {
                throw new BackstepException("secret environment variable " + k + " of command " + shownArgv
                        + " contains a NUL character");
            }
            env.put(k, v.reveal());
        });
        return env;
    }

    private static void checkEnvName(String name, List<String> shownArgv) {
        if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
            throw new BackstepException("invalid environment variable name '" + name + "' for command "
                    + shownArgv + ": it must be non-empty and contain neither '=' nor NUL");
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null ? c.getClass().getSimpleName() : m;
    }

    private static String lastChars(String s, int n) {
        if (s.length() <= n) {
            return s;
        }
        int from = s.length() - n;
        if (Character.isLowSurrogate(s.charAt(from))) {
            from++;
        }
        return s.substring(from);
    }

    private static ThreadFactory threadFactory() {
        return r -> {
            Thread t = new Thread(r, "backstep-exec-" + THREAD_IDS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Learns whether the process was started; Commons Exec hands every started process to it. */
    private static final class StartTracker implements ProcessDestroyer {
        private volatile boolean started;

        @Override
        public boolean add(Process process) {
            started = true;
            return true;
        }

        @Override
        public boolean remove(Process process) {
            return true;
        }

        @Override
        public int size() {
            return 0;
        }

        boolean started() {
            return started;
        }
    }
}
