package dev.backstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code --json} output as an operator's tool reads it: UTF-8 bytes on stdout. */
class JsonTest {
    private static final String AWKWARD = "q\" b\\ nl\n tab\t nul\u0000 del\u007f ls\u2028 \u00e9 \ud83d\ude00 lone\ud800 end";

    @Test
    void awkwardStringsNestedValuesAndRawReportsSurviveTheTripThroughUtf8() throws Exception {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("runId", AWKWARD);
        run.put("good", true);
        run.put("stepsToUndo", List.of("a", AWKWARD));
        Json json = new Json().put("message", AWKWARD).put("exitCode", 3).put("line", 12L)
                .put("none", Optional.empty()).put("some", Optional.of("x")).put("nil", null)
                .put("runs", List.of(run)).put("results", List.of(new Json.Raw("{\"status\":\"ROLLED_BACK\"}")))
                .put("nested", new Json().put("k", "v"));

        byte[] stdout = json.toString().getBytes(StandardCharsets.UTF_8);
        JsonNode back = new ObjectMapper().readTree(stdout);

        // a lone surrogate written raw would have become '?' in UTF-8; it is escaped instead
        assertThat(back.get("message").asText()).isEqualTo(AWKWARD);
        assertThat(back.get("exitCode").asInt()).isEqualTo(3);
        assertThat(back.get("line").asLong()).isEqualTo(12L);
        assertThat(back.get("none").isNull()).isTrue();
        assertThat(back.get("some").asText()).isEqualTo("x");
        assertThat(back.get("nil").isNull()).isTrue();
        assertThat(back.get("runs").get(0).get("runId").asText()).isEqualTo(AWKWARD);
        assertThat(back.get("runs").get(0).get("good").asBoolean()).isTrue();
        assertThat(Arrays.asList(back.get("runs").get(0).get("stepsToUndo").get(1).asText())).containsExactly(AWKWARD);
        assertThat(back.get("results").get(0).get("status").asText()).isEqualTo("ROLLED_BACK");
        assertThat(back.get("nested").get("k").asText()).isEqualTo("v");
        assertThat(json.toString()).doesNotContain("\n").contains("\"message\":");
    }
}
