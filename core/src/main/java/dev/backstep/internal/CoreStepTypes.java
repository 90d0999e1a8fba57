package dev.backstep.internal;

import dev.backstep.Command;
import dev.backstep.Compensation;
import dev.backstep.files.ConfigFile;
import dev.backstep.files.Release;
import dev.backstep.spi.StepTypeProvider;
import java.util.LinkedHashMap;
import java.util.Map;

/** The step types core ships: commands, config files, releases. Found by {@code ServiceLoader}. */
public final class CoreStepTypes implements StepTypeProvider {
    @Override
    public Map<String, Compensation> compensations() {
        Map<String, Compensation> all = new LinkedHashMap<>();
        all.putAll(Command.compensations());
        all.putAll(ConfigFile.compensations());
        all.putAll(Release.compensations());
        return all;
    }
}
