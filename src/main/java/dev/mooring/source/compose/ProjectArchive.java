package dev.mooring.source.compose;

import dev.mooring.api.ApiException;
import dev.mooring.store.DataDirectory;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * A compose project sent as a tar (optionally gzipped), unpacked under
 * {@code <projects>/<namespace>/<first 16 hex of the SHA-256 of its content>/}, so the same project
 * lands in the same directory and build contexts and bind paths stay where the stored resources
 * name them.
 *
 * <p>Unpacking is defensive: names must be relative and stay inside (no {@code ..}, no absolute
 * paths), only files, directories and relative symlinks that do not climb are accepted (no hard
 * links, devices or FIFOs), no file is written through a link that leads out, permissions keep
 * only the rwx bits, and the number of entries and the unpacked size are limited. A bad archive
 * is a 400 or 422 and leaves nothing behind.
 */
public final class ProjectArchive {
    /** Compose's own order of preference for the file at the project's root. */
    public static final List<String> COMPOSE_FILES = List.of("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml");

    /**
     * An unpacked project: where, which compose file, whether this call created the directory,
     * and the files it brought back into an existing one (those an earlier import took out).
     */
    public record Project(Path dir, String digest, String composeFile, byte[] compose, boolean created, List<Path> restored) {
        /** Removes the directory if this call created it (a dry run, a refused import). */
        public void discardIfCreated() {
            if (created) {
                deleteTree(dir);
            }
        }

        /**
         * Removes files the import has taken into Secrets (compose file secrets): their values are
         * kept encrypted in the store, never as plain files in the data dir (issue 10). A later
         * import of the same project brings them back for its translation ({@link #unpack}).
         */
        public void removeFiles(List<Path> files) {
            Path root = dir.toAbsolutePath().normalize();
            for (Path f : files) {
                Path p = f.toAbsolutePath().normalize();
                if (p.startsWith(root) && !p.equals(root)) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot remove " + root.relativize(p) + " from the project: " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    /** A project over a limit of size: 413, like a body over mooring.api.max-body-size. */
    static ApiException tooLarge(String message) {
        return new ApiException(413, "Content Too Large", message, null);
    }

    private ProjectArchive() {
    }

    public static boolean isGzip(byte[] body) {
        return body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
    }

    /** {@link #unpack(byte[], Path, long, int, long)} without a namespace quota. */
    public static Project unpack(byte[] body, Path namespaceDir, long maxBytes, int maxEntries) {
        return unpack(body, namespaceDir, maxBytes, maxEntries, Long.MAX_VALUE);
    }

    /**
     * Unpacks the tar into the namespace's directory.
     * @param maxBytes      the most bytes the project may unpack to (413 past it)
     * @param namespaceQuota the most bytes the namespace's projects may take together, this one
     *                      included unless it is there already (413 past it)
     */
    public static Project unpack(byte[] body, Path namespaceDir, long maxBytes, int maxEntries, long namespaceQuota) {
        Path incoming = namespaceDir.resolve(".incoming-" + UUID.randomUUID());
        try {
            DataDirectory.createPrivateDirectories(incoming);
            try (InputStream raw = isGzip(body) ? new GZIPInputStream(new ByteArrayInputStream(body)) : new ByteArrayInputStream(body)) {
                extract(new BufferedInputStream(raw), incoming, maxBytes, maxEntries);
            }
            DataDirectory.restrictTree(incoming);
            String digest = treeDigest(incoming);
            Path finalDir = namespaceDir.resolve(digest.substring(0, 16));
            String composeFile = COMPOSE_FILES.stream().filter(f -> Files.isRegularFile(incoming.resolve(f), LinkOption.NOFOLLOW_LINKS))
                    .findFirst().orElseThrow(() -> ApiException.badRequest("the tar has no compose file at its root (one of "
                            + String.join(", ", COMPOSE_FILES) + ")"));
            byte[] compose = Files.readAllBytes(incoming.resolve(composeFile));
            boolean created;
            List<Path> restored = List.of();
            if (Files.isDirectory(finalDir, LinkOption.NOFOLLOW_LINKS)) {
                // the same project was imported before: its directory is the same, less the files
                // that import took into Secrets; they come back for this one's translation
                restored = restoreMissing(incoming, finalDir);
                deleteTree(incoming);
                created = false;
            } else {
                long size = size(incoming);
                long used = usage(namespaceDir);
                if (used + size > namespaceQuota) {
                    throw tooLarge("the namespace's compose projects would take " + (used + size) + " bytes; at most " + namespaceQuota
                            + " are kept (mooring.compose.namespace-quota). Delete the Apps of projects no longer needed: their files go with them");
                }
                try {
                    Files.move(incoming, finalDir, StandardCopyOption.ATOMIC_MOVE);
                    created = true;
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    deleteTree(incoming); // imported at the same moment by another request
                    created = false;
                }
            }
            return new Project(finalDir, digest, composeFile, compose, created, restored);
        } catch (IOException e) {
            deleteTree(incoming);
            throw ApiException.badRequest("the body is not a readable tar archive: " + e.getMessage());
        } catch (RuntimeException e) {
            deleteTree(incoming);
            throw e;
        }
    }

    private static void extract(InputStream in, Path root, long maxBytes, int maxEntries) throws IOException {
        Path realRoot = root.toRealPath();
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        long total = 0;
        int entries = 0;
        boolean any = false;
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
            any = true;
            if (++entries > maxEntries) {
                throw invalid("the tar has more than " + maxEntries + " entries");
            }
            String name = safeName(e.getName());
            if (name.isEmpty()) {
                continue; // "./" itself
            }
            Path target = root.resolve(name).normalize();
            if (!target.startsWith(root)) {
                throw invalid(e.getName() + " leaves the project directory");
            }
            Files.createDirectories(target.getParent());
            if (!target.getParent().toRealPath().startsWith(realRoot)) {
                throw invalid(e.getName() + " is reached through a link that leaves the project directory");
            }
            if (e.isDirectory()) {
                DataDirectory.createPrivateDirectories(target);
            } else if (e.isSymbolicLink()) {
                link(e, target);
            } else if (e.isFile()) {
                total += e.getSize();
                if (total > maxBytes) {
                    throw tooLarge("the project is larger than " + maxBytes + " bytes unpacked (mooring.compose.max-project-size)");
                }
                file(tar, e, target, maxBytes - (total - e.getSize()));
            } else {
                throw invalid(e.getName() + " is a " + (e.isLink() ? "hard link" : "device, FIFO or other special file")
                        + "; a project holds only files, directories and relative links");
            }
        }
        if (!any) {
            throw ApiException.badRequest("the body is not a tar archive (or an empty one)");
        }
    }

    /** A relative link that stays inside the project; an absolute one or one with '..' could point anywhere. */
    private static void link(TarArchiveEntry e, Path target) throws IOException {
        String link = e.getLinkName();
        if (link.startsWith("/") || List.of(link.split("/")).contains("..")) {
            throw invalid(e.getName() + " is a link to " + link + "; only links inside the project without '..' are accepted");
        }
        Files.deleteIfExists(target);
        Files.createSymbolicLink(target, Path.of(link));
    }

    /** A file's content, at most {@code limit} bytes and no more than its header says, never through a link. */
    private static void file(TarArchiveInputStream tar, TarArchiveEntry e, Path target, long limit) throws IOException {
        if (Files.isSymbolicLink(target)) {
            throw invalid(e.getName() + " would be written through a link");
        }
        try (OutputStream out = Files.newOutputStream(target)) {
            long copied = copy(tar, out, limit);
            if (copied > e.getSize()) {
                throw invalid(e.getName() + " is longer than its header says");
            }
        }
        permissions(target, e.getMode());
        Files.setLastModifiedTime(target, FileTime.from(e.getModTime().toInstant()));
    }

    private static long copy(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long n = 0;
        for (int r; (r = in.read(buf)) > 0; ) {
            n += r;
            if (n > limit) {
                throw tooLarge("the project is larger than the limit unpacked (mooring.compose.max-project-size)");
            }
            out.write(buf, 0, r);
        }
        return n;
    }

    /** The entry's name, relative and '/'-separated; refuses absolute names and {@code ..}. */
    static String safeName(String name) {
        if (name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
            throw invalid("entry " + name.replace('\0', '?') + " has a character not allowed in a project path");
        }
        if (name.startsWith("/")) {
            throw invalid("entry " + name + " is an absolute path; a project's entries are relative to it");
        }
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        if (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        for (String seg : n.split("/")) {
            if (seg.equals("..")) {
                throw invalid("entry " + name + " contains '..'; a project's entries stay inside it");
            }
        }
        if (n.equals(".")) {
            return "";
        }
        return n;
    }

    private static void permissions(Path p, int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                perms.add(all[i]);
            }
        }
        perms.add(PosixFilePermission.OWNER_READ);
        perms.add(PosixFilePermission.OWNER_WRITE);
        // only the owner's bits: the data dir is Mooring's alone (issue 10)
        perms.retainAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        try {
            Files.setPosixFilePermissions(p, perms);
        } catch (UnsupportedOperationException | IOException ignored) {
            // a file system without POSIX permissions: the defaults stay
        }
    }

    /** Moves the regular files of {@code from} that {@code to} lacks into it. */
    private static List<Path> restoreMissing(Path from, Path to) throws IOException {
        List<Path> moved = new java.util.ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
        }
        for (Path f : files) {
            Path target = to.resolve(from.relativize(f).toString());
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(target.getParent(), LinkOption.NOFOLLOW_LINKS)
                    && !Files.isSymbolicLink(target.getParent())) {
                Files.move(f, target);
                moved.add(target);
            }
        }
        return moved;
    }

    /** Bytes of the regular files under {@code dir} (0 when it does not exist). */
    static long size(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // removed meanwhile
                }
            }).sum();
        }
    }

    /** Bytes the namespace's unpacked projects take (imports under way not counted). */
    public static long usage(Path namespaceDir) throws IOException {
        long total = 0;
        for (Path p : projects(namespaceDir)) {
            total += size(p);
        }
        return total;
    }

    /** The namespace's unpacked project directories. */
    public static List<Path> projects(Path namespaceDir) throws IOException {
        if (!Files.isDirectory(namespaceDir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(namespaceDir)) {
            return list.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    /** Removes a project directory (one no resource uses any more). */
    public static void remove(Path projectDir) {
        deleteTree(projectDir);
    }

    private static ApiException invalid(String message) {
        return ApiException.invalid(List.of(new ApiException.FieldError("body", message)));
    }

    /**
     * SHA-256 over the unpacked tree: sorted relative paths, types, permission bits and contents
     * (not times), so the same project packed twice lands in the same directory.
     */
    static String treeDigest(Path root) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(root)) {
                paths = walk.filter(p -> !p.equals(root)).sorted(Comparator.comparing(p -> root.relativize(p).toString())).toList();
            }
            for (Path p : paths) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    md.update(("l " + rel + " -> " + Files.readSymbolicLink(p) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    md.update(("d " + rel + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } else {
                    String mode = Files.isExecutable(p) ? "x" : "-";
                    md.update(("f " + rel + " " + mode + " " + Files.size(p) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    try (InputStream in = Files.newInputStream(p)) {
                        byte[] buf = new byte[64 * 1024];
                        for (int n; (n = in.read(buf)) > 0; ) {
                            md.update(buf, 0, n);
                        }
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover directory holds no resource
        }
    }
}
