package dev.mooring.docker;

import java.util.Arrays;
import java.util.List;

/**
 * The Secret values one container is created with, resolved by the executor just before the
 * Docker calls and wiped after them. Never logged: {@link #toString()} names paths and variable
 * names only.
 */
public record SecretMaterial(List<String> env, List<FileContent> files) {
    public static final SecretMaterial NONE = new SecretMaterial(List.of(), List.of());

    /** A file to write into the container: exactly these bytes, with this mode and owner. */
    public record FileContent(String path, byte[] content, int mode, int uid, int gid) {
        @Override
        public String toString() {
            return "FileContent[" + path + ", " + content.length + " bytes, mode " + Integer.toOctalString(mode) + ", " + uid + ":" + gid + "]";
        }
    }

    /** Overwrites the bytes it holds (best effort: environment strings cannot be wiped in Java). */
    public void wipe() {
        files.forEach(f -> Arrays.fill(f.content(), (byte) 0));
    }

    @Override
    public String toString() {
        return "SecretMaterial[env " + env.stream().map(e -> e.substring(0, Math.max(0, e.indexOf('=')))).toList()
                + ", files " + files.stream().map(FileContent::path).toList() + "]";
    }
}
