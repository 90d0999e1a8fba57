package dev.backstep.git;

import dev.backstep.CommandFailedException;
import dev.backstep.CommandTimeoutException;
import dev.backstep.ProgramNotFoundException;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real-process {@link CommandRunner} over {@link ProcessBuilder}, for the tests until core's
 * {@code CommandRunner.local()} is available: argv lists, working directory, added environment,
 * timeout, success codes, the same exceptions as the contract.
 */
final class ProcessCommandRunner implements CommandRunner {

    @Override
    public CommandResult run(CommandSpec spec) {
        ProcessBuilder pb = new ProcessBuilder(spec.argv());
        spec.workingDir().ifPresent(d -> pb.directory(d.toFile()));
        pb.environment().putAll(spec.env());
        spec.secretEnv().forEach((k, v) -> pb.environment().put(k, v.reveal()));
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ProgramNotFoundException(spec.program(), e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(spec.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new CommandTimeoutException(spec.argv(), spec.timeout(), err.getNow(""));
            }
            String stdout = out.join();
            String stderr = err.join();
            if (!spec.successCodes().contains(p.exitValue())) {
                throw new CommandFailedException(spec.argv(), p.exitValue(), stderr);
            }
            return new CommandResult(spec.argv(), p.exitValue(), stdout, stderr,
                    Duration.ofNanos(System.nanoTime() - start), false);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
