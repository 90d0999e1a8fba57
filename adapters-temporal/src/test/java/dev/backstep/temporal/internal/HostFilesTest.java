package dev.backstep.temporal.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFilesTest {
    @TempDir
    Path state;

    @Test
    void recordedValuesAreKeptOwnerOnlyOnTheHostAndReadBackByTheNextAttempt() throws Exception {
        HostFiles files = new HostFiles(state);
        files.record("run-1", "write config", Map.of("backup", "/var/b/app.conf.1", "existed", "true"));
        files.record("run-1", "write config", Map.of("backup", "/var/b/app.conf.1", "existed", "true",
                "mode", "0644"));

        HostFiles afterRestart = new HostFiles(state);
        assertThat(afterRestart.recorded("run-1", "write config"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("backup", "/var/b/app.conf.1", "existed", "true",
                        "mode", "0644"));
        assertThat(afterRestart.recorded("run-1", "other step")).isEmpty();
        Path f = state.resolve("recorded/run-1/write_config-" + String.format("%08x", "write config".hashCode())
                + ".properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent()))).isEqualTo("rwx------");
        assertThat(f.getParent()).isDirectoryContaining(p -> p.equals(f));
        try (var list = Files.list(f.getParent())) {
            assertThat(list).containsExactly(f);   // no temp file left behind
        }
        files.record("run-1", "write_config", Map.of("k", "other step, same safe name"));
        assertThat(files.recorded("run-1", "write config")).doesNotContainKey("k");
    }

    @Test
    void aSymbolicLinkInTheStateDirectoryIsNeverFollowed() throws Exception {
        Path elsewhere = Files.createDirectory(state.resolve("elsewhere"));
        Files.createSymbolicLink(state.resolve("recorded"), elsewhere);

        assertThatThrownBy(() -> new HostFiles(state).record("run-1", "s", Map.of("k", "v")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("refusing symbolic link");
        assertThat(elsewhere).isEmptyDirectory();
    }

    @Test
    void stepNamesCannotLeaveTheStateDirectory() {
        Path dir = new HostFiles(state).dir("backups", "run-1", "../../etc");
        assertThat(dir.normalize()).startsWith(state.resolve("backups/run-1"));
    }

    @Test
    void aTargetLockIsHeldByOneWorkflowAndTakenOverOnceItsHolderHasClosed() {
        HostFiles files = new HostFiles(state);
        assertThat(files.lock("web-3", "run-a", id -> true)).isEmpty();
        assertThat(files.lock("web-3", "run-a", id -> true)).isEmpty();           // a retried attempt
        assertThat(files.lock("web-3", "run-b", id -> true)).contains("run-a");    // run-a still runs
        assertThat(files.lock("web-3", "run-b", id -> !id.equals("run-a"))).isEmpty(); // run-a closed
        files.unlock("web-3", "run-a");                                              // not the holder any more
        assertThat(files.lock("web-3", "run-c", id -> true)).contains("run-b");
        files.unlock("web-3", "run-b");
        assertThat(files.lock("web-3", "run-c", id -> true)).isEmpty();
    }
}
