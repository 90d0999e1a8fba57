package dev.backstep.systemd.internal;

import dev.backstep.Compensation;
import dev.backstep.StepContext;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.ReplaceStep;
import dev.backstep.systemd.Systemctl;

/**
 * Undo of an installed unit file: the file compensation of {@link ConfigFile#replace} (verified
 * backup written back with its mode and owner, or the new file removed), then daemon-reload.
 * Reads recorded values only; idempotent.
 */
public final class InstallUndo implements Compensation {
    public static final InstallUndo INSTANCE = new InstallUndo();

    private InstallUndo() {
    }

    @Override
    public void compensate(StepContext ctx) throws Exception {
        ConfigFile.compensations().get(ReplaceStep.TYPE).compensate(ctx);
        var systemctl = ctx.recorded(Keys.SYSTEMCTL);
        if (systemctl.isPresent()) {
            Systemctl.decode(systemctl.get(), ctx.commands()).daemonReload();
        }
    }

    @Override
    public String toString() {
        return "restore the unit file and daemon-reload";
    }
}
