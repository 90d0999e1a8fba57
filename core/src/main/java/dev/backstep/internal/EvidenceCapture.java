package dev.backstep.internal;

import dev.backstep.Evidence;
import dev.backstep.Plan;
import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Evidence}: {@link #remember} stores a plan's evidence list in the run's state directory
 * when the run starts (so that {@code rollback(runId)} and {@code recover()} find it without the
 * plan); {@link #capture} runs when a rollback starts, before any compensation, and never throws.
 *
 * <p>Layout, all owner-only: {@code <runStateDir>/evidence/spec} (one JSON object per item),
 * {@code <runStateDir>/evidence/<capture time>/NN-<kind>.txt} per item, and
 * {@code <runStateDir>/evidence/<capture time>/index} (one JSON object per capture).
 */
final class EvidenceCapture {
    private static final Logger LOG = LoggerFactory.getLogger(EvidenceCapture.class);
    static final String DIR = "evidence";
    private static final String SPEC = "spec";
    private static final String INDEX = "index";

    private EvidenceCapture() {
    }

    /** Stores the plan's evidence list under the run's state directory; nothing when it has none. */
    static void remember(Plan plan, RunInfo run) {
        List<Evidence> items = plan.evidence();
        if (items.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        for (Evidence e : items) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("maxBytes", e.maxBytes());
            if (e instanceof Evidence.FileEvidence f) {
                m.put("kind", "file");
                m.put("path", f.path().toString());
            } else if (e instanceof Evidence.CommandEvidence c) {
                m.put("kind", "command");
                m.put("argv", JsonText.stringArray(c.argv()));
                m.put("timeoutMs", c.timeout().toMillis());
            } else if (e instanceof Evidence.HttpEvidence h) {
                m.put("kind", "http");
                m.put("uri", h.uri().toString());
                m.put("timeoutMs", h.timeout().toMillis());
            } else if (e instanceof Evidence.Custom c) {
                m.put("kind", "custom");
                m.put("type", c.type());
                m.put("what", c.describe());
                m.put("values", JsonText.stringObject(c.values()));
            }
            b.append(JsonText.write(m)).append('\n');
        }
        try {
            Path dir = run.runStateDir().resolve(DIR);
            OwnerOnlyFiles.createDirectories(dir);
            write(dir.resolve(SPEC), b.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            LOG.warn("[{}] cannot store the evidence list; a later rollback of this run captures none: {}",
                    run.runId(), Errors.message(e));
        }
    }

    /** The stored evidence list of a run; empty when it has none or it cannot be read. */
    static List<Evidence> recall(Path runStateDir) {
        Path spec = runStateDir.resolve(DIR).resolve(SPEC);
        if (!Files.isRegularFile(spec, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<Evidence> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(spec, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> m = JsonText.parse(line);
                long max = ((Number) m.get("maxBytes")).longValue();
                switch (String.valueOf(m.get("kind"))) {
                    case "file" -> out.add(Evidence.file(Path.of((String) m.get("path"))).maxBytes(max));
                    case "command" -> out.add(Evidence.command(JsonText.parseStringArray((String) m.get("argv"))
                            .toArray(String[]::new)).maxBytes(max)
                            .timeout(Duration.ofMillis(((Number) m.get("timeoutMs")).longValue())));
                    case "http" -> out.add(Evidence.http(URI.create((String) m.get("uri"))).maxBytes(max)
                            .timeout(Duration.ofMillis(((Number) m.get("timeoutMs")).longValue())));
                    case "custom" -> out.add(CustomCapture.rebuild((String) m.get("type"), (String) m.get("what"),
                            max, JsonText.parseStringObject((String) m.get("values"))));
                    default -> LOG.warn("unknown evidence kind in {}: {}", spec, m.get("kind"));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the evidence list {}: {}", spec, Errors.message(e));
        }
        return out;
    }

    /**
     * Captures every item of the run's stored list. Never throws: a failed item is recorded with
     * its error; an unreadable list captures nothing.
     */
    static List<Evidence.Captured> capture(RunInfo run) {
        try {
            List<Evidence> items = recall(run.runStateDir());
            if (items.isEmpty()) {
                return List.of();
            }
            Path dir = run.runStateDir().resolve(DIR).resolve(run.clock().instant().toString().replace(':', '-'));
            OwnerOnlyFiles.createDirectories(dir);
            List<Evidence.Captured> out = new ArrayList<>();
            StringBuilder index = new StringBuilder();
            int n = 1;
            for (Evidence e : items) {
                Evidence.Captured c = e instanceof Evidence.Custom custom
                        ? CustomCapture.capture(run, custom, dir.resolve(String.format("%02d-%s%s", n++,
                                CustomCapture.fileName(custom.type()), CustomCapture.fileName(custom.extension()))))
                        : one(run, e, dir.resolve(String.format("%02d-%s.txt", n++, kind(e))));
                out.add(c);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("what", c.what());
                m.put("file", c.file().map(Path::toString).orElse(null));
                m.put("bytes", c.bytes());
                m.put("truncated", c.truncated());
                m.put("error", c.error().orElse(null));
                index.append(JsonText.write(m)).append('\n');
            }
            write(dir.resolve(INDEX), index.toString().getBytes(StandardCharsets.UTF_8));
            LOG.info("[{}] evidence captured before the rollback: {} item(s) in {}", run.runId(), out.size(), dir);
            return out;
        } catch (IOException | RuntimeException e) {
            LOG.warn("[{}] evidence not captured: {}; the rollback goes on", run.runId(),
                    run.secrets().mask(Errors.message(e)));
            return List.of();
        }
    }

    /** Every capture of a run so far (every rollback attempt), oldest first. */
    static List<Evidence.Captured> captured(Path runStateDir) {
        Path root = runStateDir.resolve(DIR);
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<Evidence.Captured> out = new ArrayList<>();
        try (var dirs = Files.list(root)) {
            for (Path d : dirs.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                Path index = d.resolve(INDEX);
                if (!Files.isRegularFile(index, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                for (String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    Map<String, Object> m = JsonText.parse(line);
                    out.add(new Evidence.Captured((String) m.get("what"),
                            Optional.ofNullable((String) m.get("file")).map(Path::of),
                            ((Number) m.get("bytes")).longValue(), Boolean.TRUE.equals(m.get("truncated")),
                            Optional.ofNullable((String) m.get("error"))));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot list the evidence in {}: {}", root, Errors.message(e));
        }
        return out;
    }

    private static String kind(Evidence e) {
        return e instanceof Evidence.FileEvidence ? "file" : e instanceof Evidence.CommandEvidence ? "command" : "http";
    }

    private static Evidence.Captured one(RunInfo run, Evidence e, Path target) {
        byte[] data;
        String error = null;
        long max = e.maxBytes();
        // read a margin more than kept, so that a secret across the cut is masked before cutting
        int read = (int) Math.min(Integer.MAX_VALUE - 8, max + MARGIN);
        boolean cut = false;
        try {
            if (e instanceof Evidence.FileEvidence f) {
                if (Files.isSymbolicLink(f.path())) {
                    throw new IOException("is a symbolic link; not followed");
                }
                try (FileChannel ch = FileChannel.open(f.path(), java.nio.file.StandardOpenOption.READ,
                        LinkOption.NOFOLLOW_LINKS)) {
                    long size = ch.size();
                    long want = Math.min(size, read);
                    ch.position(size - want); // the end of a log is what a review needs
                    ByteBuffer buf = ByteBuffer.allocate((int) want);
                    while (buf.hasRemaining() && ch.read(buf) >= 0) {
                        // read until full or end of file
                    }
                    data = java.util.Arrays.copyOf(buf.array(), buf.position());
                    if (size > want) {
                        data = tail(data, max, true);
                        cut = true;
                    }
                }
            } else if (e instanceof Evidence.CommandEvidence c) {
                CommandResult r = run.commands().run(CommandSpec.of(c.argv()).timeout(c.timeout())
                        .outputLimit(read)
                        .successCodes(java.util.stream.IntStream.range(0, 256).boxed().toList()));
                String text = "$ " + String.join(" ", c.argv()) + "  (exit " + r.exitCode() + ")\n" + r.stdout()
                        + (r.stderr().isEmpty() ? "" : "\n--- stderr ---\n" + r.stderr());
                data = text.getBytes(StandardCharsets.UTF_8);
                if (r.exitCode() != 0) {
                    error = "exit code " + r.exitCode();
                }
            } else {
                Evidence.HttpEvidence h = (Evidence.HttpEvidence) e;
                HttpClient client = HttpClient.newBuilder().connectTimeout(h.timeout())
                        .followRedirects(HttpClient.Redirect.NEVER).build();
                HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(h.uri()).timeout(h.timeout()).GET()
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    data = in.readNBytes(read);
                    cut = in.read() >= 0;
                }
                if (r.statusCode() / 100 != 2) {
                    error = "HTTP " + r.statusCode();
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return new Evidence.Captured(e.describe(), Optional.empty(), 0, false, Optional.of("interrupted"));
        } catch (Exception | LinkageError ex) {
            return new Evidence.Captured(e.describe(), Optional.empty(), 0, false,
                    Optional.of(run.secrets().mask(Errors.message(ex))));
        }
        boolean head = e instanceof Evidence.HttpEvidence;
        byte[] masked = run.secrets().mask(new String(data, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        boolean truncated = cut || masked.length > max;
        if (masked.length > max) {
            masked = tail(masked, max, !head);
        }
        try {
            write(target, masked);
        } catch (IOException ex) {
            return new Evidence.Captured(e.describe(), Optional.empty(), 0, truncated,
                    Optional.of("cannot store: " + run.secrets().mask(Errors.message(ex))));
        }
        return new Evidence.Captured(e.describe(), Optional.of(target), masked.length, truncated,
                Optional.ofNullable(error));
    }

    private static final int MARGIN = 4096;

    /** The last (or first) {@code max} bytes. */
    private static byte[] tail(byte[] data, long max, boolean end) {
        if (data.length <= max) {
            return data;
        }
        return end ? java.util.Arrays.copyOfRange(data, (int) (data.length - max), data.length)
                : java.util.Arrays.copyOf(data, (int) max);
    }

    static void write(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = OwnerOnlyFiles.createNew(file, java.nio.file.StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

}
