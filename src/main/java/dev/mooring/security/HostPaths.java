package dev.mooring.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Paths on Mooring's own host as the kernel reaches them. A bind mount or a build context is
 * opened through every symlink on its way, so a link inside an allowed directory (which a
 * container writing there can make) would lead anywhere; admission therefore checks the real path
 * (issue 10). Meaningful only for engines that share Mooring's file system (a {@code unix://}
 * socket on the same host).
 */
public final class HostPaths {
    private HostPaths() {
    }

    /**
     * The real path of an absolute path: every symlink followed. For a path that does not exist
     * (yet), the real path of its longest existing ancestor with the rest appended; the rest holds
     * no links, since it does not exist.
     */
    public static Path realPath(Path path) {
        return realPath(path, 0);
    }

    /** The kernel gives up after 40 links (ELOOP); so does this. */
    private static Path realPath(Path path, int links) {
        Path p = path.toAbsolutePath();
        Path rest = null;
        while (p != null) {
            if (Files.exists(p)) { // follows links, as the kernel does; a dangling link does not exist
                try {
                    Path real = p.toRealPath();
                    return rest == null ? real : real.resolve(rest).normalize();
                } catch (IOException e) {
                    // gone or unreadable meanwhile: treat it as missing and look above
                }
            } else if (Files.isSymbolicLink(p)) {
                // a dangling link: the kernel would follow it to its target, which does not exist yet
                try {
                    Path target = Files.readSymbolicLink(p);
                    Path real = links >= 40 ? p : realPath(p.getParent() == null ? target : p.getParent().resolve(target), links + 1);
                    return rest == null ? real : real.resolve(rest).normalize();
                } catch (IOException e) {
                    return p; // unreadable: nothing can be mounted through it either
                }
            }
            Path name = p.getFileName();
            if (name == null) {
                break;
            }
            rest = rest == null ? name : name.resolve(rest);
            p = p.getParent();
        }
        return path.normalize();
    }
}
