package dev.backstep.internal;

import dev.backstep.PlanDefinitionException;
import dev.backstep.CompensationMode;
import dev.backstep.Runner;
import dev.backstep.event.RunListener;
import dev.backstep.spi.CommandRunner;
import dev.backstep.spi.Journal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import dev.backstep.Plan;
import dev.backstep.spi.Lock;
import dev.backstep.spi.StepRegistry;
import java.util.ArrayList;
import java.util.List;

/** {@link dev.backstep.Backstep#runner()}. */
public final class RunnerBuilder implements Runner.Builder {
    Journal journal = Journal.inMemory();
    final List<RunListener> listeners = new ArrayList<>();
    CompensationMode compensationMode = CompensationMode.SEQUENTIAL;
    CommandRunner commands = CommandRunner.local();
    Path stateDir = Path.of(System.getProperty("java.io.tmpdir"), "backstep");
    Clock clock = Clock.systemUTC();
    Lock lock;
    String host = Hosts.localName();
    Duration lockWait = Duration.ZERO;
    StepRegistry registry;
    /** Compensations of users' step types, added to the registry at build(). */
    private final StepRegistry.Builder userTypes = StepRegistry.custom();
    final List<Plan> plans = new ArrayList<>();
    dev.backstep.StepPolicy journalCompensationPolicy = dev.backstep.Defaults.JOURNAL_COMPENSATION_POLICY;

    @Override
    public Runner.Builder lock(Lock lock) {
        this.lock = PlanDefinitionException.requireNonNull(lock, null, "the lock");
        return this;
    }

    @Override
    public Runner.Builder lockWait(Duration wait) {
        PlanDefinitionException.requireNonNull(wait, null, "the lock wait");
        if (wait.isNegative()) {
            throw new PlanDefinitionException(null, null, "the lock wait must not be negative, was " + wait);
        }
        this.lockWait = wait;
        return this;
    }

    @Override
    public Runner.Builder registry(StepRegistry registry) {
        this.registry = PlanDefinitionException.requireNonNull(registry, null, "the step registry");
        return this;
    }

    @Override
    public Runner.Builder compensation(String type, dev.backstep.Compensation compensation) {
        userTypes.register(type, compensation);
        return this;
    }

    /** The registry the runner resolves step types with: the given or discovered one plus users' types. */
    StepRegistry effectiveRegistry() {
        StepRegistry users = userTypes.build();
        StepRegistry base = registry != null ? registry : StepRegistry.discover();
        if (users.types().isEmpty()) {
            return base;
        }
        StepRegistry.Builder all = StepRegistry.custom().from(base);
        users.types().forEach(t -> all.register(t, users.compensation(t).orElseThrow()));
        return all.build();
    }

    @Override
    public Runner.Builder journalCompensationPolicy(dev.backstep.StepPolicy policy) {
        this.journalCompensationPolicy =
                PlanDefinitionException.requireNonNull(policy, null, "the journal compensation policy");
        return this;
    }

    @Override
    public Runner.Builder plan(Plan plan) {
        plans.add(PlanDefinitionException.requireNonNull(plan, null, "the plan"));
        return this;
    }

    @Override
    public Runner.Builder journal(Journal journal) {
        this.journal = PlanDefinitionException.requireNonNull(journal, null, "the journal");
        return this;
    }

    @Override
    public Runner.Builder listener(RunListener listener) {
        listeners.add(PlanDefinitionException.requireNonNull(listener, null, "the listener"));
        return this;
    }

    @Override
    public Runner.Builder compensation(CompensationMode mode) {
        this.compensationMode = PlanDefinitionException.requireNonNull(mode, null, "the compensation mode");
        return this;
    }

    @Override
    public Runner.Builder commands(CommandRunner commands) {
        this.commands = PlanDefinitionException.requireNonNull(commands, null, "the command runner");
        return this;
    }

    @Override
    public Runner.Builder stateDir(Path dir) {
        this.stateDir = PlanDefinitionException.requireNonNull(dir, null, "the directory").toAbsolutePath().normalize();
        return this;
    }

    @Override
    public Runner.Builder clock(Clock clock) {
        this.clock = PlanDefinitionException.requireNonNull(clock, null, "the clock");
        return this;
    }

    @Override
    public Runner.Builder host(String host) {
        this.host = HostAffinity.checkName(host);
        return this;
    }

    @Override
    public Runner build() {
        return new DefaultRunner(this);
    }
}
