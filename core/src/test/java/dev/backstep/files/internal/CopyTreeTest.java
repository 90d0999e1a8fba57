package dev.backstep.files.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A release copy of many files (synced together from several threads) is exact: content, modes, links. */
class CopyTreeTest {
    @TempDir
    Path tmp;

    @Test
    void aTreeOfManyFilesIsCopiedWithContentModesAndLinks() throws IOException {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 300; i++) {
            Path f = src.resolve("d" + (i / 40)).resolve("f" + i);
            Files.createDirectories(f.getParent());
            Files.writeString(f, "file " + i + "\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(i % 3 == 0 ? "rwxr-x---" : "rw-r--r--"));
        }
        Files.createSymbolicLink(src.resolve("d0/link"), Path.of("f1"));
        Files.setPosixFilePermissions(src.resolve("d1"), PosixFilePermissions.fromString("rwxr-x---"));

        Path copy = tmp.resolve("copy");
        FileOps.copyTree(src, copy);

        for (int i = 0; i < 300; i++) {
            Path rel = Path.of("d" + (i / 40), "f" + i);
            assertThat(copy.resolve(rel)).hasContent("file " + i);
            assertThat(Files.getPosixFilePermissions(copy.resolve(rel)))
                    .isEqualTo(Files.getPosixFilePermissions(src.resolve(rel)));
        }
        assertThat(Files.readSymbolicLink(copy.resolve("d0/link"))).isEqualTo(Path.of("f1"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("d1"))))
                .isEqualTo("rwxr-x---");
    }

    @Test
    void forceAllSyncsEveryPathAndNamesOneThatCannotBeSynced() throws IOException {
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            paths.add(Files.writeString(tmp.resolve("f" + i), "x"));
        }
        FileOps.forceAll(paths);
        paths.add(50, tmp.resolve("missing"));
        assertThatThrownBy(() -> FileOps.forceAll(paths)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void syncfsIsUsedOnlyFromLinux58OnWhereItReportsWriteBackErrors() {
        assertThat(FileOps.kernelAtLeast("6.1.0-13-amd64", 5, 8)).isTrue();
        assertThat(FileOps.kernelAtLeast("5.8.0", 5, 8)).isTrue();
        assertThat(FileOps.kernelAtLeast("5.7.19", 5, 8)).isFalse();
        assertThat(FileOps.kernelAtLeast("4.19.0-25-amd64", 5, 8)).isFalse();
        assertThat(FileOps.kernelAtLeast("garbage", 5, 8)).isFalse();
        assertThat(FileOps.kernelAtLeast(null, 5, 8)).isFalse();
    }

    @Test
    void aFailingSyncfsIsReportedSoThatTheCopySyncsFileByFile() {
        assertThat(FileOps.syncFileSystem(tmp.resolve("does-not-exist"))).isFalse();
    }
}
