package dev.backstep.temporal.internal;

import dev.backstep.RunId;
import dev.backstep.RunStatus;
import dev.backstep.StepStatus;
import dev.backstep.spi.Journal;
import dev.backstep.spi.JournalRecord;
import dev.backstep.spi.JournalRecord.Keys;
import dev.backstep.temporal.RunRecord;
import dev.backstep.temporal.StepRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a run that Temporal finished into a Backstep {@link Journal} (a shared {@code JdbcJournal},
 * for example) in the journal's own record format, so `history`, reports and audits see fleet
 * runs too. Idempotent: a retried call appends only what is missing. Not API.
 */
public final class JournalActivitiesImpl implements JournalActivities {
    private final Journal journal;

    /** @param journal where to copy runs, or null to copy nothing */
    public JournalActivitiesImpl(Journal journal) {
        this.journal = journal;
    }

    @Override
    public void mirror(RunRecord run, RunRecord rollback) {
        if (journal == null) {
            return;
        }
        RunId id = RunId.of(run.runId());
        List<JournalRecord> all = new ArrayList<>();
        forward(id, run, all);
        if (rollback != null) {
            add(all, id, rollback.startedAt(), JournalRecord.Type.ROLLBACK_STARTED, null,
                    Map.of(Keys.REASON, "rollback requested"));
            compensations(id, rollback, run, all);
            add(all, id, rollback.endedAt(), JournalRecord.Type.RUN_FINISHED, null,
                    Map.of(Keys.STATUS, rollback.status().name()));
        }
        int have = journal.read(id).size();
        for (int i = have; i < all.size(); i++) {
            journal.append(all.get(i));
        }
    }

    private static void forward(RunId id, RunRecord r, List<JournalRecord> out) {
        Map<String, String> started = new LinkedHashMap<>();
        started.put(Keys.PLAN, r.planName());
        started.put(Keys.TARGET, r.target());
        started.put(Keys.STEPS, Integer.toString(r.steps().size()));
        started.put(Keys.HOST, r.ref().host());
        started.put("temporalWorkflowId", r.runId());
        add(out, id, r.startedAt(), JournalRecord.Type.RUN_STARTED, null, started);
        for (StepRecord s : r.steps()) {
            if (s.startedAt() == null) {
                continue;
            }
            add(out, id, s.startedAt(), JournalRecord.Type.STEP_STARTED, s.name(), Map.of(Keys.KIND, s.kind().name(),
                    Keys.TYPE, s.type(), Keys.STAGE, Integer.toString(s.stage()), Keys.ATTEMPT, Integer.toString(s.attempts())));
            s.recorded().forEach((k, v) -> add(out, id, s.startedAt(), JournalRecord.Type.STEP_RECORDED, s.name(),
                    Map.of(Keys.KEY, k, Keys.VALUE, v)));
            if (s.summary() != null) {
                add(out, id, s.startedAt(), JournalRecord.Type.STEP_SUMMARY, s.name(), Map.of(Keys.TEXT, s.summary()));
            }
            long end = s.endedAt() == null ? s.startedAt() : s.endedAt();
            if (s.error() != null) {
                Map<String, String> d = new LinkedHashMap<>();
                d.put(Keys.ERROR, s.error());
                d.put(Keys.ERROR_TYPE, "temporal");
                d.put(Keys.ATTEMPTS, Integer.toString(s.attempts()));
                if (s.outcomeUnknown()) {
                    d.put(Keys.OUTCOME, "unknown");
                }
                add(out, id, end, JournalRecord.Type.STEP_FAILED, s.name(), d);
            } else if (s.status() != StepStatus.INTERRUPTED) {
                add(out, id, end, JournalRecord.Type.STEP_SUCCEEDED, s.name(), Map.of());
            }
        }
        if (r.status() != RunStatus.SUCCEEDED) {
            String reason = r.failures().isEmpty() ? r.status().name() : r.failures().get(0).message();
            add(out, id, r.endedAt(), JournalRecord.Type.ROLLBACK_STARTED, null,
                    Map.of(Keys.REASON, "step '" + r.failedStep() + "' failed: " + reason));
            compensations(id, r, null, out);
        }
        add(out, id, r.endedAt(), JournalRecord.Type.RUN_FINISHED, null, Map.of(Keys.STATUS, r.status().name()));
    }

    /** The compensation records of {@code r}; for a rollback, {@code before} is the run it undid. */
    private static void compensations(RunId id, RunRecord r, RunRecord before, List<JournalRecord> out) {
        Map<String, StepRecord> steps = new LinkedHashMap<>();
        r.steps().forEach(s -> steps.put(s.name(), s));
        for (String name : r.compensated()) {
            StepRecord s = steps.get(name);
            add(out, id, s.compensationStartedAt(), JournalRecord.Type.COMPENSATION_STARTED, name, Map.of(Keys.ATTEMPT, "1"));
            add(out, id, s.compensationEndedAt(), JournalRecord.Type.COMPENSATION_SUCCEEDED, name, Map.of());
        }
        for (StepRecord s : r.steps()) {
            Optional<StepRecord> prior = before == null ? Optional.empty()
                    : before.steps().stream().filter(p -> p.name().equals(s.name())).findFirst();
            if (s.status() == StepStatus.COMPENSATION_FAILED) {
                add(out, id, s.compensationStartedAt(), JournalRecord.Type.COMPENSATION_STARTED, s.name(),
                        Map.of(Keys.ATTEMPT, "1"));
                add(out, id, s.compensationEndedAt(), JournalRecord.Type.COMPENSATION_FAILED, s.name(),
                        Map.of(Keys.ERROR, String.valueOf(s.compensationError()), Keys.ERROR_TYPE, "temporal"));
            } else if (s.status() == StepStatus.NOT_COMPENSATED && s.note() != null
                    && prior.map(p -> p.status() != StepStatus.NOT_COMPENSATED).orElse(true)) {
                add(out, id, r.endedAt(), JournalRecord.Type.COMPENSATION_SKIPPED, s.name(), Map.of(Keys.REASON, s.note()));
            }
        }
    }

    private static void add(List<JournalRecord> out, RunId id, Long at, JournalRecord.Type type, String step,
                            Map<String, String> data) {
        out.add(new JournalRecord(id, out.size(), Instant.ofEpochMilli(at == null ? 0 : at), type,
                Optional.ofNullable(step), data));
    }
}
