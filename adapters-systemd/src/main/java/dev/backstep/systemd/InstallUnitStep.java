package dev.backstep.systemd;

import dev.backstep.PlanDefinitionException;
import dev.backstep.Compensation;
import dev.backstep.Fingerprint;
import dev.backstep.StepContext;
import dev.backstep.StepValidationException;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.ReplaceStep;
import dev.backstep.spi.AbstractStep;
import dev.backstep.spi.UndoOnFailure;
import dev.backstep.systemd.SystemdException.Reason;
import dev.backstep.systemd.internal.InstallUndo;
import dev.backstep.systemd.internal.Keys;
import dev.backstep.systemd.internal.UnitFingerprints;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a unit file ({@code /etc/systemd/system/<name>} unless {@link #in another directory}) and
 * runs {@code systemctl daemon-reload}. The write is {@link ConfigFile#replace}'s: an owner-only
 * backup of the previous file (bytes, mode, owner) is recorded first, the new file (mode 0644) is
 * written to a temp file, synced and renamed into place. Undo puts the previous file back, or
 * removes a file that did not exist, and reloads again. It does not start or restart the unit:
 * follow it with {@link Systemd#restart} or {@link Systemd#start}. Built by
 * {@link Systemd#installUnit}; immutable.
 *
 * <pre>{@code
 * Step install = Systemd.installUnit("my_form_bot.service", unitText)
 *     .in(Path.of("/etc/systemd/system"));
 * }</pre>
 */
public final class InstallUnitStep extends AbstractStep {
    /** Where system unit files go unless {@link #in} says otherwise. */
    public static final Path DEFAULT_DIRECTORY = Path.of("/etc/systemd/system");

    private final String unit;
    private final byte[] content;
    private final Path dir;
    private final Systemctl systemctl;

    private InstallUnitStep(String name, String unit, byte[] content, Path dir, Systemctl systemctl) {
        super(name, Systemd.INSTALL_UNIT);
        this.unit = unit;
        this.content = content;
        this.dir = dir;
        this.systemctl = systemctl;
    }

    /** Writes the unit file into {@code directory} (absolute) instead of {@code /etc/systemd/system}. */
    public InstallUnitStep in(Path directory) {
        if (directory == null || !directory.isAbsolute()) {
            throw new PlanDefinitionException(null, name(), "the unit directory must be an absolute path, was "
                    + directory);
        }
        return new InstallUnitStep(name(), unit, content, directory.normalize(), systemctl);
    }

    /** Reloads through this systemctl. */
    public InstallUnitStep using(Systemctl other) {
        if (other == null) {
            throw new PlanDefinitionException(null, name(), "systemctl is null");
        }
        return new InstallUnitStep(name(), unit, content, dir, other);
    }

    @Override
    public InstallUnitStep withName(String newName) {
        return new InstallUnitStep(newName, unit, content, dir, systemctl);
    }

    public String unit() {
        return unit;
    }

    /** The unit file this step writes. */
    public Path path() {
        return dir.resolve(unit);
    }

    private ReplaceStep write() {
        return ConfigFile.replace(path(), content).mode("0644").within(dir).withName(name());
    }

    @Override
    public Compensation compensation() {
        return InstallUndo.INSTANCE;
    }

    @Override
    public String describe() {
        return "write " + path() + " (" + content.length + " bytes, mode 0644) and daemon-reload"
                + "; undo: restore the previous file (or remove it) and daemon-reload";
    }

    @Override
    public void validate(StepContext ctx) throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new StepValidationException(ctx.stepName(), "unit directory " + dir + " does not exist",
                    new SystemdException(Reason.INVALID_ARGUMENT, unit, "unit directory " + dir + " does not exist"));
        }
        write().validate(ctx);
    }

    @Override
    public String preview(StepContext ctx) throws Exception {
        return write().preview(ctx) + "; daemon-reload";
    }

    @Override
    public void execute(StepContext ctx) throws Exception {
        ctx.record(Keys.SYSTEMCTL, systemctl.encode());
        ctx.record(Keys.UNIT, unit);
        write().execute(ctx);
        UndoOnFailure.run(() -> systemctl.manager(ctx.commands()).daemonReload(), compensation(), ctx);
        ctx.logger().info("installed {} and reloaded systemd", path());
    }

    /** The unit file (existence, sha256, mode, owner) and the unit as systemd sees it. */
    @Override
    public List<Fingerprint> fingerprint(StepContext ctx) throws Exception {
        List<Fingerprint> out = new ArrayList<>(write().fingerprint(ctx));
        out.add(UnitFingerprints.of(systemctl.manager(ctx.commands()), systemctl, unit));
        return out;
    }

    static InstallUnitStep of(String unit, String content) {
        if (content == null) {
            throw new PlanDefinitionException(null, null, unit + ": the unit file content is null");
        }
        String checked = dev.backstep.systemd.internal.Units.require(unit);
        return new InstallUnitStep("install unit " + checked, checked, content.getBytes(StandardCharsets.UTF_8),
                DEFAULT_DIRECTORY, Systemctl.system());
    }
}
