package dev.mooring.reconcile;

import dev.mooring.api.AppSpec;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A build context directory as Docker would receive it: its files after {@code .dockerignore},
 * the digest that names the built image, and the tar that is sent to the engine. The digest is
 * SHA-256 over the sorted relative paths, types, permission bits and contents (a symlink's target,
 * never what it points to), plus the Dockerfile path, the build arguments and the target, so the
 * same inputs always give the same tag and any change gives another.
 *
 * <p>Symlinks are kept as links and never followed: a context cannot pull files from outside itself.
 */
public final class BuildContext {
    /** The image tag prefix: {@code ctx-} and the first 16 hex digits of the digest. */
    public static final String TAG_PREFIX = "ctx-";

    /** One file, directory or symlink of the context, by its path relative to the context ('/'-separated). */
    record Entry(String path, Path file, char type, int mode, long size, long modified, String linkTarget) {
    }

    private final Path root;
    private final List<Entry> entries;
    private final String dockerfile;

    private BuildContext(Path root, List<Entry> entries, String dockerfile) {
        this.root = root;
        this.entries = entries;
        this.dockerfile = dockerfile;
    }

    /**
     * Reads the listing of the context (not yet the contents).
     * @throws IllegalArgumentException when the context or its Dockerfile is missing
     */
    public static BuildContext of(AppSpec.Build build) {
        return of(build, Path.of(build.context));
    }

    /**
     * The same, read from {@code root}: the context's real path, as admission checked it right
     * before (spec.build.context may run through symlinks; what is read is where they lead now).
     */
    public static BuildContext of(AppSpec.Build build, Path root) {
        String dockerfile = build.dockerfile == null ? "Dockerfile" : build.dockerfile;
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("build context " + build.context + " is not a directory on Mooring's host");
        }
        if (!Files.isRegularFile(root.resolve(dockerfile))) {
            throw new IllegalArgumentException("the build context " + build.context + " has no " + dockerfile);
        }
        DockerIgnore ignore = DockerIgnore.read(root.resolve(".dockerignore"));
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString().replace('\\', '/');
                boolean always = rel.equals(dockerfile) || rel.equals(".dockerignore");
                if (!always && ignore.excludes(rel)) {
                    continue;
                }
                entries.add(entry(rel, p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading build context " + build.context + ": " + e.getMessage(), e);
        }
        entries.sort((a, b) -> a.path().compareTo(b.path()));
        return new BuildContext(root, entries, dockerfile);
    }

    private static Entry entry(String rel, Path p) throws IOException {
        int mode = mode(p);
        if (Files.isSymbolicLink(p)) {
            return new Entry(rel, p, 'l', mode, 0, 0, Files.readSymbolicLink(p).toString());
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return new Entry(rel, p, 'd', mode, 0, Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis(), null);
        }
        return new Entry(rel, p, 'f', mode, Files.size(p), Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis(), null);
    }

    private static int mode(Path p) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            int bits = 0;
            for (PosixFilePermission perm : perms) {
                bits |= 1 << (8 - perm.ordinal());
            }
            if ((bits & 077) == 0) {
                // Owner-only, as Mooring keeps the files of its data dir (compose projects, Git
                // checkouts; issue 10): in the image, others read (and run) what the owner may, as
                // they did in the project, so a non-root process can still read what was COPYed.
                bits |= (bits & 0500) >> 3 | (bits & 0500) >> 6;
            }
            return bits;
        } catch (UnsupportedOperationException e) {
            return Files.isDirectory(p) ? 0755 : 0644;
        }
    }

    /** What identifies the listing cheaply (paths, sizes, times, modes): equal fingerprints give equal digests. */
    public String fingerprint(AppSpec.Build build) {
        StringBuilder sb = new StringBuilder(root.toString()).append('\n');
        for (Entry e : entries) {
            sb.append(e.path()).append('\0').append(e.type()).append(e.mode()).append(':').append(e.size()).append(':')
                    .append(e.modified()).append(':').append(e.linkTarget()).append('\n');
        }
        sb.append(inputs(build));
        return sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The content digest (64 hex digits): reads every file. */
    public String digest(AppSpec.Build build) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (Entry e : entries) {
                md.update((e.path() + "\0" + e.type() + "\0" + Integer.toOctalString(e.mode()) + "\0").getBytes(StandardCharsets.UTF_8));
                if (e.type() == 'l') {
                    md.update(e.linkTarget().getBytes(StandardCharsets.UTF_8));
                } else if (e.type() == 'f') {
                    md.update((e.size() + "\0").getBytes(StandardCharsets.UTF_8));
                    try (InputStream in = Files.newInputStream(e.file(), LinkOption.NOFOLLOW_LINKS)) {
                        for (int n; (n = in.read(buf)) > 0; ) {
                            md.update(buf, 0, n);
                        }
                    }
                }
                md.update((byte) '\n');
            }
            md.update(inputs(build).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("reading build context " + root + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Dockerfile, arguments and target: the build's inputs besides the files. */
    private String inputs(AppSpec.Build build) {
        StringBuilder sb = new StringBuilder("dockerfile=").append(dockerfile).append('\n');
        new TreeMap<>(build.args == null ? Map.<String, String>of() : build.args)
                .forEach((k, v) -> sb.append("arg:").append(k).append('=').append(v).append('\n'));
        sb.append("target=").append(build.target == null ? "" : build.target).append('\n');
        return sb.toString();
    }

    /** Writes the context as the tar Docker's build API takes. */
    public void writeTar(OutputStream out) {
        try {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry te;
                if (e.type() == 'l') {
                    te = new TarArchiveEntry(e.path(), TarArchiveEntry.LF_SYMLINK);
                    te.setLinkName(e.linkTarget());
                } else if (e.type() == 'd') {
                    te = new TarArchiveEntry(e.path() + "/");
                } else {
                    te = new TarArchiveEntry(e.path());
                    te.setSize(e.size());
                }
                te.setMode((e.type() == 'd' ? 040000 : e.type() == 'l' ? 0120000 : 0100000) | e.mode());
                te.setModTime(e.modified());
                tar.putArchiveEntry(te);
                if (e.type() == 'f') {
                    try (InputStream in = Files.newInputStream(e.file(), LinkOption.NOFOLLOW_LINKS)) {
                        long copied = in.transferTo(tar);
                        if (copied != e.size()) {
                            throw new IOException(e.path() + " changed while it was sent");
                        }
                    }
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("packing build context " + root + ": " + e.getMessage(), e);
        }
    }

    public String dockerfile() {
        return dockerfile;
    }

    /** How many files, directories and links the context holds after .dockerignore. */
    public int size() {
        return entries.size();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The patterns of a {@code .dockerignore}: globs ({@code *}, {@code ?}, {@code **}) over
     * '/'-separated relative paths, {@code !} to re-include, the last matching line wins; a
     * pattern that matches a directory excludes everything in it.
     */
    record DockerIgnore(List<Pattern> patterns, List<Boolean> exclude) {
        static DockerIgnore read(Path file) {
            List<Pattern> ps = new ArrayList<>();
            List<Boolean> ex = new ArrayList<>();
            if (Files.isRegularFile(file)) {
                try {
                    for (String raw : Files.readAllLines(file)) {
                        String line = raw.strip();
                        if (line.isEmpty() || line.startsWith("#")) {
                            continue;
                        }
                        boolean include = line.startsWith("!");
                        if (include) {
                            line = line.substring(1).strip();
                        }
                        line = line.replaceAll("^/+", "").replaceAll("/+$", "");
                        if (line.startsWith("./")) {
                            line = line.substring(2);
                        }
                        if (line.isEmpty()) {
                            continue;
                        }
                        ps.add(Pattern.compile(glob(line)));
                        ex.add(!include);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new DockerIgnore(ps, ex);
        }

        boolean excludes(String path) {
            boolean excluded = false;
            for (int i = 0; i < patterns.size(); i++) {
                if (matchesOrUnder(patterns.get(i), path)) {
                    excluded = exclude.get(i);
                }
            }
            return excluded;
        }

        private static boolean matchesOrUnder(Pattern p, String path) {
            String candidate = path;
            while (true) {
                if (p.matcher(candidate).matches()) {
                    return true;
                }
                int slash = candidate.lastIndexOf('/');
                if (slash < 0) {
                    return false;
                }
                candidate = candidate.substring(0, slash);
            }
        }

        static String glob(String g) {
            StringBuilder re = new StringBuilder();
            for (int i = 0; i < g.length(); i++) {
                char c = g.charAt(i);
                if (c == '*' && i + 1 < g.length() && g.charAt(i + 1) == '*') {
                    i++;
                    if (i + 1 < g.length() && g.charAt(i + 1) == '/') {
                        i++;
                        re.append("(?:.*/)?");
                    } else {
                        re.append(".*");
                    }
                } else if (c == '*') {
                    re.append("[^/]*");
                } else if (c == '?') {
                    re.append("[^/]");
                } else {
                    re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return re.toString();
        }
    }
}
