package dev.backstep.testkit;

import dev.backstep.Compensation;
import dev.backstep.Step;
import dev.backstep.StepContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** A journal-recoverable test step: writes a file; its compensation restores it from recorded values only. */
record WriteFileStep(String name, Path file, String content) implements Step {
    static final String TYPE = "test.write-file";

    static final Compensation COMPENSATION = ctx -> {
        Path f = Path.of(ctx.recorded("file").orElseThrow());
        if (ctx.recorded("existed").map(Boolean::parseBoolean).orElse(false)) {
            Files.write(f, Base64.getDecoder().decode(ctx.recorded("previous").orElseThrow()));
        } else {
            Files.deleteIfExists(f);
        }
    };

    /** A {@code VERSION} file in {@code dir} at {@code 1.0}: what the tests' "version" steps write over. */
    static Path versionFile(Path dir) throws IOException {
        return Files.writeString(dir.resolve("VERSION"), "1.0");
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        boolean existed = Files.exists(file);
        ctx.record("file", file.toString());
        ctx.record("existed", Boolean.toString(existed));
        if (existed) {
            ctx.record("previous", Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    @Override
    public Compensation compensation() {
        return COMPENSATION;
    }

    @Override
    public String describe() {
        return "write " + file;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
