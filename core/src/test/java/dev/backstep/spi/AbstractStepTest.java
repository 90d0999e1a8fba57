package dev.backstep.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.Backstep;
import dev.backstep.Compensation;
import dev.backstep.Plan;
import dev.backstep.PlanDefinitionException;
import dev.backstep.RunResult;
import dev.backstep.RunStatus;
import dev.backstep.Runner;
import dev.backstep.Step;
import dev.backstep.StepContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step class of a user's own built on {@link AbstractStep}: named, typed, renamed, and undone by its type. */
class AbstractStepTest {
    @TempDir
    Path tmp;
    @TempDir
    Path state;

    static final Compensation RESTORE = ctx -> Files.writeString(Path.of(ctx.recorded("file").orElseThrow()),
            ctx.recorded("previous").orElseThrow());

    static final class WriteVersion extends AbstractStep {
        static final String TYPE = "acme.writeVersion";
        private final Path file;
        private final String version;

        WriteVersion(String name, Path file, String version) {
            super(name, TYPE);
            this.file = file;
            this.version = version;
        }

        @Override
        public WriteVersion withName(String newName) {
            return new WriteVersion(newName, file, version);
        }

        @Override
        public void execute(StepContext ctx) throws IOException {
            ctx.record("file", file.toString());
            ctx.record("previous", Files.readString(file));
            Files.writeString(file, version);
        }

        @Override
        public Compensation compensation() {
            return RESTORE;
        }

        @Override
        public String describe() {
            return "write version " + version + " to " + file;
        }
    }

    private Runner.Builder runner() {
        return Backstep.runner().stateDir(state).journal(Journal.directory(state.resolve("journal")));
    }

    @Test
    void aRenamedStepKeepsItsClassTypeAndBehaviour() {
        WriteVersion s = new WriteVersion("write", tmp.resolve("v"), "2");

        WriteVersion renamed = s.withName("write v2");

        assertThat(renamed.name()).isEqualTo("write v2");
        assertThat(renamed.type()).isEqualTo(WriteVersion.TYPE);
        assertThat(renamed.describe()).isEqualTo(s.describe());
        assertThat(renamed).hasToString("WriteVersion[write v2]");
        assertThat(s.name()).isEqualTo("write");
    }

    @Test
    void aFreshRunnerKnowingOnlyTheTypeRollsASucceededRunBack() throws IOException {
        Path f = tmp.resolve("v");
        Files.writeString(f, "1");
        RunResult ran = runner().build().run(Plan.named("deploy").step(new WriteVersion("write", f, "2")).build());
        assertThat(ran.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readString(f)).isEqualTo("2");

        RunResult back = runner().compensation(WriteVersion.TYPE, RESTORE).build().rollback(ran.runId());

        assertThat(back.status()).isEqualTo(RunStatus.ROLLED_BACK);
        assertThat(Files.readString(f)).isEqualTo("1");
    }

    @Test
    void aBlankNameOrTypeIsADefinitionMistakeNamingTheValue() {
        assertThatThrownBy(() -> new WriteVersion(" ", tmp, "2"))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("a step needs a non-blank name, was ' '");
        assertThatThrownBy(() -> new WriteVersion(null, tmp, "2"))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("was null");
        assertThatThrownBy(() -> new AbstractStep("x", "") {
            @Override
            public Step withName(String newName) {
                return this;
            }

            @Override
            public void execute(StepContext ctx) {
            }

            @Override
            public Compensation compensation() {
                return RESTORE;
            }

            @Override
            public String describe() {
                return "x";
            }
        }).isInstanceOf(PlanDefinitionException.class)
                .hasMessageContaining("step 'x'")
                .hasMessageContaining("a step needs a non-blank type, was ''");
    }
}
