package dev.backstep.spi;

import dev.backstep.BackstepException;
import dev.backstep.RunId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Child-process helper for {@link DirectoryJournalIT}: tries to append one record and prints
 * {@code APPENDED} or {@code REFUSED <message>}.
 */
public final class JournalAppenderMain {
    private JournalAppenderMain() {
    }

    public static void main(String[] args) {
        try (Journal journal = Journal.directory(Path.of(args[0]))) {
            journal.append(new JournalRecord(RunId.of(args[1]), Long.parseLong(args[2]), Instant.now(),
                    JournalRecord.Type.STEP_STARTED, Optional.of("child"), Map.of()));
            System.out.println("APPENDED");
        } catch (BackstepException e) {
            System.out.println("REFUSED " + e.getMessage());
        }
    }
}
