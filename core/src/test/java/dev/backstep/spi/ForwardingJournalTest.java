package dev.backstep.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.RunId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardingJournalTest {
    @TempDir
    Path tmp;

    private static JournalRecord rec(RunId run, long seq) {
        return new JournalRecord(run, seq, Instant.now(), JournalRecord.Type.STEP_RECORDED, Optional.of("s"),
                Map.of("key", "k" + seq, "value", "v"));
    }

    @Test
    void forwardsAppendReadAndRunIdsToTheWrappedJournal() {
        RunId run = RunId.generate(Instant.now());
        try (Journal durable = Journal.directory(tmp)) {
            Journal forwarding = new ForwardingJournal(durable) { };
            forwarding.append(rec(run, 0));

            assertThat(durable.read(run)).extracting(JournalRecord::sequence).containsExactly(0L);
            assertThat(forwarding.read(run)).isEqualTo(durable.read(run));
            assertThat(forwarding.runIds()).containsExactly(run);
        }
    }

    @Test
    void anOverriddenAppendSeesEveryRecordHoweverItIsAppended() {
        RunId run = RunId.generate(Instant.now());
        Journal memory = Journal.inMemory();
        List<Long> seen = new ArrayList<>();
        Journal watching = new ForwardingJournal(memory) {
            @Override
            public void append(JournalRecord record) {
                seen.add(record.sequence());
                delegate().append(record);
            }
        };

        watching.append(rec(run, 0));
        watching.appendAll(List.of(rec(run, 1), rec(run, 2)));
        watching.appendLazily(rec(run, 3));
        watching.sync(run);

        assertThat(seen).containsExactly(0L, 1L, 2L, 3L);
        assertThat(memory.read(run)).extracting(JournalRecord::sequence).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void refusesToWrapNothing() {
        assertThatThrownBy(() -> new ForwardingJournal(null) { }).isInstanceOf(PlanDefinitionException.class)
                .hasMessage("the journal is null");
    }
}
