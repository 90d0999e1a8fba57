package dev.backstep.internal;

import dev.backstep.spi.CommandResult;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;

/** Placeholder: being implemented over Commons Exec. */
public final class ExecCommandRunner implements CommandRunner {
    public static final ExecCommandRunner INSTANCE = new ExecCommandRunner();

    @Override
    public CommandResult run(CommandSpec spec) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
