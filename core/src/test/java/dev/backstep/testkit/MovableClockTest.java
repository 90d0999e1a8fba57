package dev.backstep.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MovableClockTest {
    @Test
    void standsStillUntilAdvancedThenTellsTheMovedInstantInUtc() throws Exception {
        Instant start = Instant.parse("2026-12-01T10:00:00Z");
        MovableClock clock = new MovableClock(start);

        Thread.sleep(5);
        assertThat(clock.instant()).isEqualTo(start);
        clock.advance(Duration.ofDays(2));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
        assertThat(clock.millis()).isEqualTo(clock.instant().toEpochMilli());
        clock.advance(Duration.ofHours(-1));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-12-03T09:00:00Z"));
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(clock.withZone(ZoneId.of("Europe/Berlin"))).isSameAs(clock);
    }

    @Test
    void refusesNulls() {
        assertThatThrownBy(() -> new MovableClock(null)).isInstanceOf(PlanDefinitionException.class)
                .hasMessage("the start instant is null");
        assertThatThrownBy(() -> new MovableClock(Instant.EPOCH).advance(null))
                .isInstanceOf(PlanDefinitionException.class).hasMessage("the duration is null");
    }
}
