package dev.backstep.evidence;

import dev.backstep.Evidence;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.CommandSpec;
import dev.backstep.spi.EvidenceTypeProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A test evidence kind: {@code dd} writes {@code count} blocks of {@code in} into the capture's file. */
public final class TestEvidenceTypes implements EvidenceTypeProvider {

    @Override
    public Map<String, Function<Map<String, String>, Evidence.Custom>> evidenceTypes() {
        return Map.of(Dd.TYPE, v -> new Dd(v.get("in"), v.get("count"), Long.parseLong(v.get("maxBytes")),
                Duration.ofMillis(Long.parseLong(v.get("timeoutMs")))));
    }

    /** {@code count} null: until killed. */
    record Dd(String in, String count, long maxBytes, Duration timeout) implements Evidence.Custom {
        static final String TYPE = "test.dd";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Map<String, String> values() {
            Map<String, String> v = new java.util.HashMap<>(Map.of("in", in, "maxBytes", String.valueOf(maxBytes),
                    "timeoutMs", String.valueOf(timeout.toMillis())));
            if (count != null) {
                v.put("count", count);
            }
            return v;
        }

        @Override
        public String extension() {
            return ".raw";
        }

        @Override
        public void capture(Path target, CommandRunner commands) {
            List<String> argv = new java.util.ArrayList<>(List.of("dd", "if=" + in, "of=" + target, "bs=1000",
                    "conv=notrunc"));
            if (count != null) {
                argv.add("count=" + count);
            }
            commands.run(CommandSpec.of(argv).timeout(Duration.ofMinutes(10)));
        }

        @Override
        public String describe() {
            return "dd " + in;
        }
    }

    /** A kind no provider rebuilds. */
    record Unknown() implements Evidence.Custom {
        @Override
        public String type() {
            return "test.not-provided";
        }

        @Override
        public Map<String, String> values() {
            return Map.of();
        }

        @Override
        public Duration timeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        public void capture(Path target, CommandRunner commands) {
            throw new AssertionError("never rebuilt, so never run");
        }

        @Override
        public long maxBytes() {
            return 100;
        }

        @Override
        public String describe() {
            return "unknown kind";
        }
    }
}
