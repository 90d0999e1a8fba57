package dev.backstep.git.internal;

import dev.backstep.Compensation;
import dev.backstep.git.Git;
import dev.backstep.spi.StepTypeProvider;
import java.util.Map;

/**
 * Registers the git step types ({@code git.checkout}, {@code git.pull}, {@code git.fetch},
 * {@code git.reset}, {@code git.tag}) with {@link dev.backstep.spi.StepRegistry#discover()}.
 */
public final class GitStepTypes implements StepTypeProvider {

    @Override
    public Map<String, Compensation> compensations() {
        return Git.compensations();
    }
}
