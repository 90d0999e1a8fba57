package dev.backstep.check.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PromTextTest {
    @Test
    void readsNameLabelsAndValueAndIgnoresTheTimestamp() {
        PromText.Sample s = PromText.parse("http_requests_total{code=\"500\",path=\"/a\\\\b\\\"c\\nd\"} 1.5e3 1700000000000");

        assertThat(s.name()).isEqualTo("http_requests_total");
        assertThat(s.labels()).isEqualTo(Map.of("code", "500", "path", "/a\\b\"c\nd"));
        assertThat(s.value()).isEqualTo(1500.0);
    }

    @Test
    void readsSpecialValues() {
        assertThat(PromText.parse("a +Inf").value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(PromText.parse("a -Inf").value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(PromText.parse("a NaN").value()).isNaN();
        assertThat(PromText.parse("a{} 7").labels()).isEmpty();
    }

    @Test
    void commentsAndBlankLinesAreNoSamples() {
        assertThat(PromText.nameOf("# TYPE a counter")).isNull();
        assertThat(PromText.nameOf("   ")).isNull();
        assertThat(PromText.nameOf("a_total{x=\"1\"} 2")).isEqualTo("a_total");
    }

    @Test
    void malformedLinesAreRefused() {
        assertThatThrownBy(() -> PromText.parse("a{x=\"1\" 3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PromText.parse("a")).hasMessageContaining("no value");
        assertThatThrownBy(() -> PromText.parse("a 0x10")).hasMessageContaining("bad sample value");
        assertThatThrownBy(() -> PromText.parse("a{x=\"1\",x=\"2\"} 3")).hasMessageContaining("appears twice");
    }
}
