package dev.backstep.internal;

import dev.backstep.JournalCorruptedException;
import dev.backstep.RunId;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import java.util.ArrayList;
import java.util.List;

/** {@link Journal#verify()}: reads and replays every run, appends nothing. */
public final class JournalVerifier {
    private JournalVerifier() {
    }

    public static List<Journal.Damage> verify(Journal journal) {
        List<Journal.Damage> out = new ArrayList<>();
        for (RunId id : journal.runIds()) {
            try {
                List<JournalRecord> records = journal.read(id);
                if (!records.isEmpty()) {
                    RunState.fold(id, records, journal);
                }
            } catch (JournalCorruptedException e) {
                out.add(new Journal.Damage(id, e));
            }
        }
        return List.copyOf(out);
    }
}
