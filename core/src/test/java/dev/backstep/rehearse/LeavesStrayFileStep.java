package dev.backstep.rehearse;

import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.Step;
import dev.backstep.StepContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A deliberately sloppy step: it warms a cache directory under a lock file, and its compensation
 * removes the warmed file but leaves the lock behind.
 */
record LeavesStrayFileStep(Path dir) implements Step {
    @Override
    public String name() {
        return "warm " + dir.getFileName();
    }

    @Override
    public void execute(StepContext ctx) throws IOException {
        ctx.record("dir", dir.toString());
        Files.writeString(dir.resolve("warm.lock"), "");
        Files.writeString(dir.resolve("warm.bin"), "warm");
    }

    @Override
    public Compensation compensation() {
        return ctx -> {
            if (ctx.recorded("dir").isPresent()) {
                Files.deleteIfExists(Path.of(ctx.recorded("dir").get()).resolve("warm.bin"));
            }
        };
    }

    @Override
    public String describe() {
        return "warm " + dir;
    }

    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return List.of(Fingerprint.of("dir:" + dir, "entries",
                    s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.joining(", "))));
        }
    }
}
