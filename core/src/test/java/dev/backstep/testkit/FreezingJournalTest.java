package dev.backstep.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import dev.backstep.RunId;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FreezingJournalTest {
    private static JournalRecord rec(RunId run, long seq) {
        return new JournalRecord(run, seq, Instant.now(), JournalRecord.Type.STEP_RECORDED, Optional.of("s" + seq),
                Map.of("key", "k", "value", "v"));
    }

    @Test
    void afterTheChosenRecordIsDurableItPrintsItsLineAndBlocksThroughInterrupts() throws Exception {
        RunId run = RunId.generate(Instant.now());
        Journal durable = Journal.inMemory();
        Journal freezing = FreezingJournal.after(durable, r -> r.sequence() == 1, r -> "FROZEN " + r.step().orElseThrow());
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Thread child = new Thread(() -> {
            freezing.append(rec(run, 0));
            freezing.appendAll(java.util.List.of(rec(run, 1), rec(run, 2)));
        });
        child.setDaemon(true); // frozen for good: the JVM's end takes it, as SIGKILL takes a child's
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            child.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!printed.toString(StandardCharsets.UTF_8).contains("\n") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            System.setOut(out);
        }

        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("FROZEN s1" + System.lineSeparator());
        child.interrupt();
        child.join(300);
        assertThat(child.isAlive()).as("still blocked after an interrupt").isTrue();
        assertThat(durable.read(run)).extracting(JournalRecord::sequence).containsExactly(0L, 1L);
    }

    @Test
    void refusesANullChoiceOrLine() {
        assertThatThrownBy(() -> FreezingJournal.after(Journal.inMemory(), null, r -> ""))
                .isInstanceOf(PlanDefinitionException.class).hasMessage("the record to freeze at is null");
        assertThatThrownBy(() -> FreezingJournal.after(Journal.inMemory(), r -> false, null))
                .isInstanceOf(PlanDefinitionException.class).hasMessage("the line to print is null");
    }
}
