package dev.mooring.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The data dir's modes, as an installation from before issue 10 left them, made private (what start-up does). */
class DataDirectoryTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void existingModesAreFixedWithoutFollowingLinks() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path db = Files.writeString(data.resolve("mooring.mv.db"), "db");
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        Path checkout = Files.createDirectories(data.resolve("git/ns/repo/abc"));
        Path script = Files.writeString(checkout.resolve("run.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "not ours");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(checkout.resolve("link"), outside);

        DataDirectory.restrictTree(data);

        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(data.resolve("git"))).isEqualTo("rwx------");
        assertThat(mode(checkout)).isEqualTo("rwx------");
        assertThat(mode(db)).isEqualTo("rw-------");
        assertThat(mode(script)).isEqualTo("rwx------"); // still its owner's to run
        assertThat(mode(outside)).as("a link's target outside is left alone").isEqualTo("rw-r--r--");
    }

    @Test
    void createdDirectoriesArePrivateUpTheChain() throws Exception {
        Path leaf = DataDirectory.createPrivateDirectories(tmp.resolve("data/projects/ns/.incoming-1"));
        for (Path p = leaf; !p.equals(tmp); p = p.getParent()) {
            assertThat(mode(p)).as(p.toString()).isEqualTo("rwx------");
        }
    }
}
