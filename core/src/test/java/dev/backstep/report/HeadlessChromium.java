package dev.backstep.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's real {@code chromium}, headless: renders a local page to its DOM or to a PNG. */
public final class HeadlessChromium {
    private static final long TIMEOUT_SECONDS = 180;

    private HeadlessChromium() {
    }

    /** The DOM of {@code page} after chromium rendered it. */
    public static String dumpDom(Path page, Path scratch) throws IOException, InterruptedException {
        Path out = scratch.resolve("dom.html");
        run(List.of("--dump-dom", page.toUri().toString()), scratch, out);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Renders {@code page} into {@code png}. */
    public static void screenshot(Path page, Path png, Path scratch) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=1200,2000", page.toUri().toString()),
                scratch, scratch.resolve("screenshot.out"));
    }

    private static void run(List<String> args, Path scratch, Path stdout) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(scratch, "chromium-profile");
        List<String> argv = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile));
        argv.addAll(args);
        Path stderr = scratch.resolve("chromium.err");
        Process p = new ProcessBuilder(argv).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + argv);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited " + p.exitValue() + ": " + argv + "\n"
                    + Files.readString(stderr, StandardCharsets.UTF_8));
        }
    }
}
