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
 * the previous synced commit are kept. Not thread-safe per repository: the work queue never runs
 * two syncs of one repository at once.
 */
final class GitCheckouts {
    private static final String MIRROR = "repo.git";
    private static final int TIMEOUT_SECONDS = 60;

    private final Path root;

    GitCheckouts(Path dataDir, String namespace, String name) {
        this.root = dataDir.resolve("git").resolve(namespace).resolve(name);
    }

    Path root() {
        return root;
    }

    Path checkout(String commit) {
        return root.resolve(commit);
    }

    /**
     * Fetches {@code ref} ({@code refs/heads/x} or {@code refs/tags/x}) from the URL and answers
     * the commit it names (an annotated tag is peeled).
     */
    String fetch(String url, String ref, GitCredentials credentials) throws IOException, GitAPIException {
        dev.mooring.store.DataDirectory.createPrivateDirectories(root); // checkouts hold Secrets' manifests: 0700 up to the data dir
        try (Repository repo = mirror(); Git git = new Git(repo)) {
            SshAccess ssh = credentials.identity() != null || credentials.knownHosts() != null
                    ? new SshAccess(root.resolve("ssh"), credentials) : null;
            try {
                var fetch = git.fetch().setRemote(url.trim()).setRefSpecs(new RefSpec("+" + ref + ":" + ref))
                        .setTagOpt(TagOpt.NO_TAGS).setTimeout(TIMEOUT_SECONDS).setRemoveDeletedRefs(false);
                if (credentials.username() != null || credentials.password() != null) {
                    fetch.setCredentialsProvider(new UsernamePasswordCredentialsProvider(
                            credentials.username() == null ? "git" : credentials.username(),
                            credentials.password() == null ? "" : credentials.password()));
                }
                if (ssh != null) {
                    SshdSessionFactory factory = ssh.factory();
                    fetch.setTransportConfigCallback(t -> {
                        if (t instanceof SshTransport st) {
                            st.setSshSessionFactory(factory);
                        }
                    });
                }
                fetch.call();
            } catch (GitAPIException | RuntimeException e) {
                String why = ssh == null ? null : ssh.explain(e);
                if (why != null) {
                    throw new IOException(why, e);
                }
                throw e;
            } finally {
                if (ssh != null) {
                    ssh.close();
                }
            }
            ObjectId id = repo.resolve(ref + "^{commit}");
            if (id == null) {
                throw new IOException(url + " has no " + ref);
            }
            return id.name();
        }
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
