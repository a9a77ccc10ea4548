package dev.mooring.testing;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real Git repository for tests: a bare repository on disk (what Mooring fetches, by its
 * file:// URL) and a working clone that commits and pushes to it, with JGit.
 */
public final class GitFixture implements AutoCloseable {
    private final Path bare;
    private final Path work;
    private final Git git;

    private GitFixture(Path bare, Path work, Git git) {
        this.bare = bare;
        this.work = work;
        this.git = git;
    }

    public static GitFixture create() {
        try {
            Path dir = Files.createTempDirectory("mooring-git");
            Path bare = dir.resolve("origin.git");
            Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
            Path work = dir.resolve("work");
            Git git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call();
            return new GitFixture(bare, work, git);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bare repository's file:// URL. */
    public String url() {
        return bare.toUri().toString();
    }

    public Path bareDir() {
        return bare;
    }

    /** Writes (value non-null) or deletes (value null) files, commits, pushes to {@code main}; answers the commit id. */
    public String commit(String message, Map<String, String> files) {
        return commitTo("main", message, files);
    }

    /** Like {@link #commit}, pushed to {@code branch}. */
    public String commitTo(String branch, String message, Map<String, String> files) {
        try {
            for (var e : files.entrySet()) {
                Path p = work.resolve(e.getKey());
                if (e.getValue() == null) {
                    Files.deleteIfExists(p);
                    git.rm().addFilepattern(e.getKey()).call();
                } else {
                    Files.createDirectories(p.getParent());
                    Files.writeString(p, e.getValue());
                    git.add().addFilepattern(e.getKey()).call();
                }
            }
            PersonIdent who = new PersonIdent("Mooring Test", "test@mooring.dev");
            RevCommit c = git.commit().setMessage(message).setAuthor(who).setCommitter(who).setAllowEmpty(true).call();
            git.push().setRemote(url()).setRefSpecs(new RefSpec("+HEAD:refs/heads/" + branch)).call();
            return c.getName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        git.close();
    }
}
