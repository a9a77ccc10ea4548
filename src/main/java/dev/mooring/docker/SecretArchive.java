package dev.mooring.docker;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Date;
import java.util.List;

/**
 * The tar archive that carries Secret files into a container ({@code PUT /containers/{id}/archive}
 * at {@code /}): one regular-file entry per file, with its mode and owner. Parent directories are
 * not in it, so existing ones keep their owners and modes; the engine creates missing ones
 * (root, 0755).
 */
final class SecretArchive {
    private SecretArchive() {
    }

    static byte[] of(List<SecretMaterial.FileContent> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            Date now = new Date();
            for (SecretMaterial.FileContent f : files) {
                TarArchiveEntry e = new TarArchiveEntry(f.path().substring(1), true);
                e.setSize(f.content().length);
                e.setMode(0100000 | f.mode());
                e.setUserId(f.uid());
                e.setGroupId(f.gid());
                e.setModTime(now);
                tar.putArchiveEntry(e);
                tar.write(f.content());
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the archive of secret files: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
