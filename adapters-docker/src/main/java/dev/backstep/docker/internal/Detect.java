package dev.backstep.docker.internal;

import dev.backstep.ProgramNotFoundException;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Whether {@code docker compose} (the v2 plugin) answers; remembered per docker command line. */
public final class Detect {
    private static final Map<List<String>, Boolean> V2 = new ConcurrentHashMap<>();

    private Detect() {
    }

    public static boolean hasPlugin(CommandRunner commands, List<String> dockerPrefix) {
        Boolean known = V2.get(dockerPrefix);
        if (known != null) {
            return known;
        }
        List<String> argv = new ArrayList<>(dockerPrefix);
        argv.addAll(List.of("compose", "version"));
        boolean v2;
        try {
            v2 = commands.run(CommandSpec.of(argv).timeout(Duration.ofSeconds(60)).successCodes(0, 1, 125, 126, 127))
                    .exitCode() == 0;
        } catch (ProgramNotFoundException e) {
            v2 = false;
        }
        V2.put(dockerPrefix, v2);
        return v2;
    }
}
