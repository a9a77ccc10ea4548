package dev.mooring.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;

/**
 * Keeps {@code mooring.data-dir} private to Mooring's user: every directory 0700, every file
 * without group or other bits (0600; 0700 for an executable a build context needs). It holds the
 * H2 database, the secret key, compose projects and Git checkouts, all of which were readable by
 * any local user (issue 10). Files that libraries write with the umask's modes (JGit, H2) are
 * protected by their 0700 parents; {@link #restrictTree} fixes them too at start-up.
 */
public final class DataDirectory {
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DataDirectory() {
    }

    /** Creates {@code dir} and the parents it lacks, each 0700, and makes {@code dir} itself 0700. */
    public static Path createPrivateDirectories(Path dir) {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.push(p);
        }
        try {
            for (Path p : missing) {
                try {
                    Files.createDirectory(p, PosixFilePermissions.asFileAttribute(DIRECTORY));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // made at the same moment by another request: its mode is fixed below
                } catch (UnsupportedOperationException noPosix) {
                    Files.createDirectories(p);
                }
                restrict(p); // the umask may have taken bits off the attribute, never added: set exactly
            }
            restrict(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Directories 0700, files without group and other bits; links are not followed. Best effort, never throws. */
    public static void restrictTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    restrict(d);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        restrict(f);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE; // gone meanwhile, or unreadable: the rest still gets fixed
                }
            });
        } catch (IOException ignored) {
            // walkFileTree reports per-file failures above; nothing else to do
        }
    }

    /** One directory to 0700 or one file to 0600 (0700 if its owner may execute it). */
    public static void restrict(Path p) {
        try {
            if (Files.isSymbolicLink(p)) {
                return;
            }
            Set<PosixFilePermission> wanted;
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                wanted = DIRECTORY;
            } else {
                wanted = EnumSet.copyOf(FILE);
                if (Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE)) {
                    wanted.add(PosixFilePermission.OWNER_EXECUTE);
                }
            }
            if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(wanted)) {
                Files.setPosixFilePermissions(p, wanted);
            }
        } catch (UnsupportedOperationException | IOException ignored) {
            // a file system without POSIX permissions, or a file that went meanwhile
        }
    }
}
