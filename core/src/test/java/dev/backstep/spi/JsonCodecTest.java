package dev.backstep.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.BackstepException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

    @Test
    void writesOneCompactLineInMapOrderAndReadsItBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", "migrate\n\"db\"");
        m.put("pid", 42L);
        m.put("ok", true);
        m.put("none", null);
        m.put("env", Map.of("APP", "1.3.0"));

        String json = JsonCodec.write(m);

        assertThat(json).isEqualTo("{\"step\":\"migrate\\n\\\"db\\\"\",\"pid\":42,\"ok\":true,\"none\":null,"
                + "\"env\":{\"APP\":\"1.3.0\"}}");
        assertThat(JsonCodec.parse(json)).containsExactlyEntriesOf(m);
    }

    @Test
    void malformedInputNamesThePositionAndIsABackstepException() {
        assertThatThrownBy(() -> JsonCodec.parse("{\"a\":01}"))
                .isInstanceOf(BackstepException.class)
                .isInstanceOfSatisfying(JsonCodec.MalformedJsonException.class, e -> assertThat(e.position()).isEqualTo(6))
                .hasMessageContaining("position 6");
    }

    @Test
    void valuesItCannotStoreAreRefusedWhenWriting() {
        assertThatThrownBy(() -> JsonCodec.write(Map.of("list", List.of("a"))))
                .isInstanceOfSatisfying(JsonCodec.MalformedJsonException.class, e -> assertThat(e.position()).isEqualTo(-1))
                .hasMessageContaining("list");
    }
}
