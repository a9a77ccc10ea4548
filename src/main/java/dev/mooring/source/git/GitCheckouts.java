package dev.mooring.source.git;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Git side of a sync, for one GitRepository, under {@code <data-dir>/git/<ns>/<name>/}: a bare
 * mirror ({@code repo.git}) fetched from the URL, and one plain directory per checked-out commit
 * ({@code <commit>/}) that Apps' build contexts and bind paths point into. Only the current and
 * the previous synced commit are kept. All repositories of a namespace share one quota
 * (mooring.git.max-checkout-size): a fetch or checkout past it is a {@link Refusal}. Not thread-safe per repository: the work queue never runs
 * two syncs of one repository at once.
 */
final class GitCheckouts {
    private static final String MIRROR = "repo.git";
    private static final int TIMEOUT_SECONDS = 60;

    private final Path root;
    /** {@code <data-dir>/git/<ns>}: every repository of the namespace, under one quota. */
    private final Path namespaceRoot;
    /** Bytes the namespace's mirrors and checkouts may take together (mooring.git.max-checkout-size). */
    private final long quota;

    GitCheckouts(Path dataDir, String namespace, String name) {
        this(dataDir, namespace, name, Long.MAX_VALUE);
    }

    GitCheckouts(Path dataDir, String namespace, String name, long quota) {
        this.namespaceRoot = dataDir.resolve("git").resolve(namespace);
        this.root = namespaceRoot.resolve(name);
        this.quota = quota;
    }

    /** Where a fetch may connect: the reason a host and port are refused, or null (see GitUrlPolicy). */
    interface HostGuard {
        HostGuard ANY = (host, port) -> null;

        String refusal(String host, int port);
    }

    /**
     * A failure of a fetch or checkout whose message may be shown as it is: it says nothing about
     * what answered at an address that is not a Git server (an ssh host key or login, a branch the
     * repository lacks, the quota, a refused redirect). Every other failure is reported uniformly.
     */
    static final class Refusal extends IOException {
        final String reason;

        Refusal(String reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }
    }

    Path root() {
        return root;
    }

    Path checkout(String commit) {
        return root.resolve(commit);
    }

    /**
     * Fetches {@code ref} ({@code refs/heads/x} or {@code refs/tags/x}) from the URL and answers
     * the commit it names (an annotated tag is peeled). Each HTTP connection, a redirect's too,
     * is checked by {@code guard} right before it is opened.
     */
    String fetch(String url, String ref, GitCredentials credentials) throws IOException, GitAPIException {
        return fetch(url, ref, credentials, HostGuard.ANY);
    }

    String fetch(String url, String ref, GitCredentials credentials, HostGuard guard) throws IOException, GitAPIException {
        dev.mooring.store.DataDirectory.createPrivateDirectories(root); // checkouts hold Secrets' manifests: 0700 up to the data dir
        try (Repository repo = mirror(); Git git = new Git(repo)) {
            SshAccess ssh;
            try {
                ssh = credentials.identity() != null || credentials.knownHosts() != null
                        ? new SshAccess(root.resolve("ssh"), credentials) : null;
            } catch (IOException e) {
                throw new Refusal("CredentialsInvalid", e.getMessage(), e); // about the Secret, before any connection
            }
            GuardedHttpConnections http = new GuardedHttpConnections(guard);
            try {
                var fetch = git.fetch().setRemote(url.trim()).setRefSpecs(new RefSpec("+" + ref + ":" + ref))
                        .setTagOpt(TagOpt.NO_TAGS).setTimeout(TIMEOUT_SECONDS).setRemoveDeletedRefs(false);
                if (credentials.username() != null || credentials.password() != null) {
                    fetch.setCredentialsProvider(new UsernamePasswordCredentialsProvider(
                            credentials.username() == null ? "git" : credentials.username(),
                            credentials.password() == null ? "" : credentials.password()));
                }
                SshdSessionFactory factory = ssh == null ? null : ssh.factory();
                fetch.setTransportConfigCallback(t -> {
                    if (t instanceof SshTransport st && factory != null) {
                        st.setSshSessionFactory(factory);
                    }
                    if (t instanceof TransportHttp th) {
                        th.setHttpConnectionFactory(http.around(th.getHttpConnectionFactory()));
                    }
                });
                fetch.call();
            } catch (GitAPIException | RuntimeException e) {
                if (http.refusal() != null) {
                    throw new Refusal("URLRefused", http.refusal(), e);
                }
                String why = ssh == null ? null : ssh.explain(e);
                if (why != null) {
                    throw new Refusal("FetchFailed", why, e);
                }
                if (saysRefMissing(e, ref)) {
                    throw new Refusal("FetchFailed", "the repository has no " + ref, e); // it answered as a Git server
                }
                throw e;
            } finally {
                if (ssh != null) {
                    ssh.close();
                }
            }
            long used = usage();
            if (used > quota) {
                deleteTree(root.resolve(MIRROR)); // the space goes back; the checkouts Apps use stay
                throw new Refusal("QuotaExceeded", "the repository takes " + mebibytes(used) + " with the namespace's other checkouts,"
                        + " more than its quota of " + mebibytes(quota) + " (mooring.git.max-checkout-size)", null);
            }
            ObjectId id = repo.resolve(ref + "^{commit}");
            if (id == null) {
                throw new Refusal("FetchFailed", "the repository has no " + ref, null);
            }
            return id.name();
        }
    }

    private static boolean saysRefMissing(Throwable e, String ref) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Remote does not have " + ref)) {
                return true;
            }
        }
        return false;
    }

    /** Bytes in the namespace's mirrors and checkouts (regular files, links not followed). */
    long usage() throws IOException {
        if (!Files.isDirectory(namespaceRoot)) {
            return 0;
        }
        long[] total = {0};
        Files.walkFileTree(namespaceRoot, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE; // a file a concurrent cleanup removed
            }
        });
        return total[0];
    }

    static String mebibytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** Writes the commit's files into {@code <root>/<commit>/} (once; a finished checkout is reused). */
    Path materialize(String commit) throws IOException {
        Path target = checkout(commit);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path partial = root.resolve(commit + ".partial");
        deleteTree(partial);
        Files.createDirectories(partial);
        long budget = quota == Long.MAX_VALUE ? Long.MAX_VALUE : quota - usage();
        long written = 0;
        try (Repository repo = mirror(); RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader();
             TreeWalk tree = new TreeWalk(reader)) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
            tree.addTree(c.getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                Path file = partial.resolve(tree.getPathString()).normalize();
                if (!file.startsWith(partial)) {
                    continue; // a path that climbs out is not written anywhere
                }
                FileMode mode = tree.getFileMode(0);
                if (mode == FileMode.GITLINK) {
                    continue; // submodules are not fetched
                }
                Files.createDirectories(file.getParent());
                if (mode == FileMode.SYMLINK) {
                    String link = new String(reader.open(tree.getObjectId(0)).getBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    Path resolved = file.getParent().resolve(link).normalize();
                    if (!Path.of(link).isAbsolute() && resolved.startsWith(partial)) {
                        Files.createSymbolicLink(file, Path.of(link)); // only links that stay inside the checkout
                    }
                    continue;
                }
                written += reader.getObjectSize(tree.getObjectId(0), Constants.OBJ_BLOB);
                if (written > budget) {
                    throw new Refusal("QuotaExceeded", "the checkout of commit " + commit + " does not fit the namespace's quota of "
                            + mebibytes(quota) + " (mooring.git.max-checkout-size) next to its other checkouts", null);
                }
                try (OutputStream out = Files.newOutputStream(file)) {
                    reader.open(tree.getObjectId(0), Constants.OBJ_BLOB).copyTo(out);
                }
                if (mode == FileMode.EXECUTABLE_FILE) {
                    file.toFile().setExecutable(true, true); // the owner's only, like every file of the data dir
                }
            }
        } catch (IOException | RuntimeException e) {
            deleteTree(partial);
            throw e;
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Removes every checkout except those of the given commits (the current and the previous synced one). */
    void keepOnly(Set<String> commits) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path p : dirs.toList()) {
                String n = p.getFileName().toString();
                if (!n.equals(MIRROR) && !commits.contains(n) && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(p);
                }
            }
        }
    }

    /** Removes the mirror and every checkout (the GitRepository is gone). */
    void removeAll() throws IOException {
        deleteTree(root);
    }

    private Repository mirror() throws IOException {
        Path dir = root.resolve(MIRROR);
        Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
        if (!Files.exists(dir.resolve("HEAD"))) {
            repo.create(true);
        }
        return repo;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
