package dev.backstep.rehearse;

import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.Step;
import dev.backstep.StepContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A deliberately sloppy step: it writes a new key file (a fresh file, mode 0600, renamed into
 * place) and its compensation writes the old content back into that file, forgetting the mode
 * the original had.
 */
record ForgetsModeStep(Path file) implements Step {
    @Override
    public String name() {
        return "rotate " + file.getFileName();
    }

    @Override
    public void execute(StepContext ctx) throws IOException {
        ctx.record("path", file.toString());
        ctx.record("previous", Files.readString(file));
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(tmp, "key-2\n");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public Compensation compensation() {
        return ctx -> {
            if (ctx.recorded("path").isPresent() && ctx.recorded("previous").isPresent()) {
                Files.writeString(Path.of(ctx.recorded("path").get()), ctx.recorded("previous").get());
            }
        };
    }

    @Override
    public String describe() {
        return "rotate the key in " + file;
    }

    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) throws Exception {
        return List.of(new Fingerprint("file:" + file, Map.of(
                "sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))),
                "mode", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))));
    }
}
