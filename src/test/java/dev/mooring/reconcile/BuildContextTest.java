package dev.mooring.reconcile;

import dev.mooring.api.AppSpec;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The build context's digest and tar, on a temporary directory: no engine. */
class BuildContextTest {
    @TempDir
    Path dir;
    AppSpec.Build build;

    @BeforeEach
    void context() throws Exception {
        Files.writeString(dir.resolve("Dockerfile"), "FROM mooring-test/busybox:1\nCOPY . /app\n");
        Files.writeString(dir.resolve("app.sh"), "echo hi\n");
        Files.createDirectories(dir.resolve("node_modules/x"));
        Files.writeString(dir.resolve("node_modules/x/big.js"), "lots\n");
        Files.writeString(dir.resolve("keep.log"), "kept\n");
        Files.writeString(dir.resolve("drop.log"), "dropped\n");
        Files.writeString(dir.resolve(".dockerignore"), "# deps\nnode_modules\n*.log\n!keep.log\n");
        build = new AppSpec.Build();
        build.context = dir.toString();
    }

    private String digest() {
        return BuildContext.of(build).digest(build);
    }

    @Test
    void theDigestDependsOnContentsModesAndBuildInputsButNotOnTimesOrIgnoredFiles() throws Exception {
        String d = digest();
        assertThat(d).hasSize(64).isEqualTo(digest());
        Files.setLastModifiedTime(dir.resolve("app.sh"), FileTime.fromMillis(0));
        Files.writeString(dir.resolve("drop.log"), "changed but ignored\n");
        Files.writeString(dir.resolve("node_modules/x/big.js"), "changed but ignored\n");
        assertThat(digest()).isEqualTo(d);

        Files.writeString(dir.resolve("app.sh"), "echo changed\n");
        String content = digest();
        assertThat(content).isNotEqualTo(d);
        Files.setPosixFilePermissions(dir.resolve("app.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        String mode = digest();
        assertThat(mode).isNotEqualTo(content);
        build.args = Map.of("VERSION", "2");
        String args = digest();
        assertThat(args).isNotEqualTo(mode);
        build.target = "runtime";
        assertThat(digest()).isNotEqualTo(args);
    }

    @Test
    void theTarHoldsWhatDockerignoreLeavesWithModesAndLinksAsLinks() throws Exception {
        Files.setPosixFilePermissions(dir.resolve("app.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(dir.resolve("passwd"), Path.of("/etc/passwd"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BuildContext.of(build).writeTar(out);
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                names.add(e.getName() + (e.isSymbolicLink() ? " -> " + e.getLinkName() : "") + (e.getName().equals("app.sh")
                        ? " " + Integer.toOctalString(e.getMode() & 0777) : ""));
            }
        }
        assertThat(names).containsExactly(".dockerignore", "Dockerfile", "app.sh 750", "keep.log", "passwd -> /etc/passwd");
    }

    /** Files kept owner-only in the data dir (issue 10) reach the image readable by others, as they were in the project. */
    @Test
    void ownerOnlyFilesAreReadableByOthersInTheImage() throws Exception {
        Files.setPosixFilePermissions(dir.resolve("app.sh"), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(dir.resolve("keep.log"), PosixFilePermissions.fromString("rw-------"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BuildContext.of(build).writeTar(out);
        List<String> modes = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                if (e.getName().equals("app.sh") || e.getName().equals("keep.log")) {
                    modes.add(e.getName() + " " + Integer.toOctalString(e.getMode() & 0777));
                }
            }
        }
        assertThat(modes).containsExactly("app.sh 755", "keep.log 644");
    }

    @Test
    void aMissingContextOrDockerfileIsSaidPlainly() throws Exception {
        build.dockerfile = "build/Dockerfile.prod";
        assertThatThrownBy(() -> BuildContext.of(build)).hasMessageContaining("has no build/Dockerfile.prod");
        build.context = dir.resolve("nowhere").toString();
        assertThatThrownBy(() -> BuildContext.of(build)).hasMessageContaining("is not a directory");
    }

    @Test
    void dockerignoreGlobs() {
        var ignore = new BuildContext.DockerIgnore(List.of(java.util.regex.Pattern.compile(BuildContext.DockerIgnore.glob("**/*.tmp")),
                java.util.regex.Pattern.compile(BuildContext.DockerIgnore.glob("docs"))), List.of(true, true));
        assertThat(ignore.excludes("a.tmp")).isTrue();
        assertThat(ignore.excludes("deep/er/b.tmp")).isTrue();
        assertThat(ignore.excludes("docs/index.md")).isTrue();
        assertThat(ignore.excludes("src/docs.txt")).isFalse();
    }
}
