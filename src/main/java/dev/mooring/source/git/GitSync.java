package dev.mooring.source.git;

import dev.mooring.api.Condition;
import dev.mooring.api.GitRepository;
import dev.mooring.api.GitRepositorySpec;
import dev.mooring.api.GitRepositoryStatus;
import dev.mooring.api.GitRepositoryStatus.FileError;
import dev.mooring.api.GitRepositoryStatus.NextSync;
import dev.mooring.api.GitRepositoryStatus.PendingChange;
import dev.mooring.api.GitRepositoryStatus.SyncError;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceKey;
import dev.mooring.reconcile.StatusWriter;
import dev.mooring.security.Admission;
import dev.mooring.security.GitUrlPolicy;
import dev.mooring.store.ResourceSources;
import dev.mooring.store.ResourceStore;
import dev.mooring.store.ResourceStore.Written;
import dev.mooring.write.Actor;
import dev.mooring.write.WritePath;
import dev.mooring.write.WriteRefused;
import dev.mooring.write.WriteRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One sync of a GitRepository: fetch, resolve the commit, check it out, read its manifests and
 * compose files, check them all (fields, namespace, dependency cycles, admission, ownership by a
 * dry run), then apply and prune in one transaction. A commit with any error changes nothing:
 * {@code lastSyncedCommit} stays, {@code lastAttemptedCommit} and {@code lastError} say what was
 * wrong and where. A prune of more than the allowed share of the repository's resources waits for
 * {@code POST .../confirm?commit=}.
 * <p>
 * A commit that waits (for that confirmation, or because {@code spec.suspend} is true) has its
 * engine-level plan in {@code status.nextSync}, computed by {@link NextSyncPlans} without touching
 * anything. Releasing a waiting commit (a confirmation, {@code suspend} set back to false, or
 * {@code POST .../sync?commit=}) applies exactly that commit, not whatever the branch holds by then.
 */
@ApplicationScoped
public class GitSync {
    private static final Logger LOG = Logger.getLogger(GitSync.class);

    @Inject
    ResourceStore store;
    @Inject
    GitSecrets gitSecrets;
    @Inject
    Admission admission;
    @Inject
    StatusWriter events;
    @Inject
    NextSyncPlans nextSyncPlans;
    @Inject
    WritePath writes;
    @ConfigProperty(name = "mooring.data-dir")
    Path dataDir;
    @ConfigProperty(name = "mooring.git.prune-confirm-ratio", defaultValue = "0.5")
    double defaultConfirmRatio;
    @Inject
    GitUrlPolicy gitUrls;
    @ConfigProperty(name = "mooring.git.max-checkout-size", defaultValue = "256M")
    io.quarkus.runtime.configuration.MemorySize maxCheckoutSize;

    /**
     * What every fetch failure says that {@link GitCheckouts.Refusal} does not explain: one text
     * whether the address refused the connection, timed out, answered HTTP that is not Git (a
     * 401 included), or is no repository on disk, so that status is no port scanner (issue 10).
     */
    static final String NO_GIT_ANSWER = "the repository did not answer as a Git server"
            + " (check the URL, that Mooring can reach it, and the credentials of spec.secretRef)";

    GitCheckouts checkouts(String namespace, String name) {
        // absolute: build contexts that compose files in the checkout name are stored as absolute paths
        return new GitCheckouts(dataDir.toAbsolutePath().normalize(), namespace, name, maxCheckoutSize.asLongValue());
    }

    /** Runs one sync and records its outcome in {@code s} (written by the caller) and as an event. */
    void sync(ResourceKey key, GitRepository repo, GitRepositoryStatus s, Instant now) {
        GitRepositorySpec spec = repo.getSpec();
        GitCheckouts checkouts = checkouts(repo.namespace(), repo.name());
        String released = released(repo, s);
        s.url = spec.url;
        s.ref = spec.ref();
        s.lastSyncTime = now.toString();
        String commit = released;
        if (commit == null) {
            String cannot = "cannot fetch " + spec.ref() + " from " + spec.url + ": ";
            // again right before the fetch: a host's DNS answer may have changed since the write
            String refused = gitUrls.refusal(spec.url, admission.level(repo.namespace()));
            if (refused != null) {
                fail(key, repo, s, null, new SyncFailure("URLRefused", cannot + refused, List.of(new FileError(null, null, "spec.url", refused))), now);
                return;
            }
            try {
                commit = checkouts.fetch(spec.url, spec.ref(), gitSecrets.credentials(repo), gitUrls::hostRefusal);
            } catch (SyncFailure e) {
                fail(key, repo, s, null, e, now);
                return;
            } catch (GitCheckouts.Refusal e) {
                fail(key, repo, s, null, new SyncFailure(e.reason, cannot + e.getMessage(), List.of()), now);
                return;
            } catch (Exception e) {
                LOG.debugf(e, "%s: fetch from %s failed (reported as: %s)", key, spec.url, NO_GIT_ANSWER); // the cause, for the operator only
                fail(key, repo, s, null, new SyncFailure("FetchFailed", cannot + NO_GIT_ANSWER, List.of()), now);
                return;
            }
        }
        s.lastAttemptedCommit = commit;
        try {
            apply(key, repo, s, commit, checkouts, spec.suspended() && released == null, now);
        } catch (SyncFailure e) {
            fail(key, repo, s, commit, e, now);
        } catch (GitCheckouts.Refusal e) {
            fail(key, repo, s, commit, new SyncFailure(e.reason, "commit " + shortId(commit) + " cannot be checked out: " + e.getMessage(), List.of()), now);
        } catch (Exception e) {
            LOG.debugf(e, "%s: sync of %s failed", key, commit);
            fail(key, repo, s, commit, new SyncFailure("SyncFailed", "commit " + shortId(commit) + " cannot be applied: " + SyncFailure.message(e), List.of()), now);
        }
    }

    /**
     * The waiting commit a person has released, applied as it is rather than fetched again: a
     * confirmed prune, or a planned commit of a suspended repository once {@code suspend} is false
     * or {@code POST .../sync} named it. Null when nothing was released, or the repository now
     * follows another URL or ref (then the sync fetches).
     */
    static String released(GitRepository repo, GitRepositoryStatus s) {
        GitRepositorySpec spec = repo.getSpec();
        if (!Objects.equals(s.url, spec.url) || !Objects.equals(s.ref, spec.ref())) {
            return null;
        }
        if (s.pruneConfirmation != null && Objects.equals(s.pruneConfirmation.commit, GitRepositoryReconciler.confirmedCommit(repo))) {
            return s.pruneConfirmation.commit;
        }
        NextSync next = s.nextSync;
        if (next != null && GitRepositoryStatus.SUSPENDED.equals(next.waitingFor)
                && (!spec.suspended() || Objects.equals(next.commit, GitRepositoryReconciler.approvedCommit(repo)))) {
            return next.commit;
        }
        return null;
    }

    /** Checks the commit and, unless {@code planOnly} (a suspended repository's look), applies it. */
    private void apply(ResourceKey key, GitRepository repo, GitRepositoryStatus s, String commit, GitCheckouts checkouts, boolean planOnly, Instant now) throws Exception {
        GitRepositorySpec spec = repo.getSpec();
        String ns = repo.namespace();
        String source = ResourceSources.git(ns, repo.name());
        Path dir = checkouts.materialize(commit);
        CommitManifests.Loaded loaded = CommitManifests.load(dir, spec.pathOrRoot(), ns);
        if (!loaded.errors().isEmpty()) {
            throw SyncFailure.invalidManifests(commit, loaded.errors());
        }
        List<MooringResource<?, ?>> resources = loaded.resources();
        Set<ResourceKey> inGit = new LinkedHashSet<>();
        resources.forEach(r -> inGit.add(new ResourceKey(Kind.of(r), ns, r.name())));
        List<ResourceKey> owned = store.keysOwnedBy(source);
        List<ResourceKey> leftGit = owned.stream().filter(k -> !inGit.contains(k)).toList();
        List<ResourceKey> prune = spec.pruneEnabled() ? leftGit : List.of();
        Actor actor = Actor.git("commit " + commit + " of GitRepository " + ns + "/" + repo.name());
        List<Written> preview = preview(WriteRequest.apply(resources, source, actor, true).pruning(prune), commit, loaded.fileOf());
        List<PendingChange> pending = SyncStatus.pendingChanges(preview);
        double ratio = spec.pruneConfirmRatio != null ? spec.pruneConfirmRatio : defaultConfirmRatio;
        boolean pruneExceeds = !prune.isEmpty() && prune.size() > ratio * owned.size();
        if (planOnly) {
            planOnly(key, repo, s, commit, preview, pending, pruneExceeds, now);
            keepCheckouts(key, checkouts, s.lastSyncedCommit, s.previousSyncedCommit, commit); // earlier looks' go
            return;
        }
        if (pruneExceeds && !commit.equals(GitRepositoryReconciler.confirmedCommit(repo))) {
            boolean announced = s.pruneConfirmation == null || !commit.equals(s.pruneConfirmation.commit);
            String msg = SyncStatus.awaitConfirmation(s, repo, commit, prune, owned.size(), ratio, now);
            s.pendingChanges = pending;
            s.nextSync = nextSyncPlans.of(commit, GitRepositoryStatus.PRUNE_CONFIRMATION_REQUIRED, preview, now);
            if (announced) {
                events.event(key, repo, StatusWriter.WARNING, "PruneConfirmationRequired", msg);
            }
            return;
        }
        List<Written> written = writes.write(WriteRequest.apply(resources, source, actor, false).pruning(prune));
        List<String> notPruned = spec.pruneEnabled() || leftGit.isEmpty() ? null : leftGit.stream().map(k -> k.kind() + "/" + k.name()).toList();
        String summary = SyncStatus.synced(s, commit, written, notPruned, now);
        s.warnings = loaded.warnings().isEmpty() ? null : loaded.warnings();
        s.checkout = dir.toString();
        if (!s.created.isEmpty() || !s.configured.isEmpty() || !s.pruned.isEmpty()) {
            events.event(key, repo, StatusWriter.NORMAL, "Synced", summary);
        }
        keepCheckouts(key, checkouts, commit, s.previousSyncedCommit);
    }

    /** Removes the checkouts of other commits than these (nulls ignored); a failure is only logged. */
    private static void keepCheckouts(ResourceKey key, GitCheckouts checkouts, String... commits) {
        Set<String> keep = new HashSet<>();
        for (String c : commits) {
            if (c != null) {
                keep.add(c);
            }
        }
        try {
            checkouts.keepOnly(keep);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warnf("%s: old checkouts not removed: %s", key, e.toString()); // the sync itself succeeded
        }
    }

    /**
     * A suspended repository's look at a valid commit: when it differs from what the store holds
     * (another commit, or the same one under a changed spec), its plan goes to
     * {@code status.nextSync} and {@code Synced} says it waits; nothing is applied.
     */
    private void planOnly(ResourceKey key, GitRepository repo, GitRepositoryStatus s, String commit, List<Written> preview,
                          List<PendingChange> pending, boolean pruneExceeds, Instant now) {
        s.lastError = null;
        if (s.pruneConfirmation != null && !commit.equals(s.pruneConfirmation.commit)) {
            s.pruneConfirmation = null; // it was about another commit
            GitRepositoryReconciler.clearCondition(s, GitRepositoryStatus.PRUNE_CONFIRMATION_REQUIRED);
        }
        if (commit.equals(s.lastSyncedCommit) && pending.isEmpty()) {
            s.nextSync = null;
            s.pendingChanges = null;
            String msg = "commit " + shortId(commit) + " is synced; spec.suspend is true: a new commit is planned in status.nextSync, not applied";
            s.setCondition(GitRepositoryStatus.SYNCED, true, "Synced", msg, now);
            s.setCondition(Condition.READY, true, "Synced", msg, now);
            return;
        }
        boolean announced = s.nextSync == null || !commit.equals(s.nextSync.commit) || !GitRepositoryStatus.SUSPENDED.equals(s.nextSync.waitingFor);
        s.nextSync = nextSyncPlans.of(commit, GitRepositoryStatus.SUSPENDED, preview, now);
        s.pendingChanges = pending;
        String ns = repo.namespace();
        String msg = "commit " + shortId(commit) + " waits: spec.suspend is true. It would " + SyncStatus.counts(pending)
                + (pruneExceeds ? " (a prune that needs a confirmation too)" : "") + "; its plan is in status.nextSync. Set spec.suspend to false,"
                + " or POST /api/v1alpha1/namespaces/" + ns + "/gitrepositories/" + repo.name() + "/sync?commit=" + commit + ", to apply it";
        s.setCondition(GitRepositoryStatus.SYNCED, false, GitRepositoryStatus.SUSPENDED, msg, now);
        s.setCondition(Condition.READY, false, GitRepositoryStatus.SUSPENDED, msg, now);
        if (announced) {
            events.event(key, repo, StatusWriter.NORMAL, "SyncSuspended", msg);
        }
    }

    /** A deleted GitRepository: prune on, what it applied goes too; prune off, the REST API owns it from now on. */
    void release(GitRepository repo) throws Exception {
        String source = ResourceSources.git(repo.namespace(), repo.name());
        if (repo.getSpec() != null && repo.getSpec().pruneEnabled()) {
            List<ResourceKey> owned = store.keysOwnedBy(source);
            if (!owned.isEmpty()) {
                Actor actor = Actor.git("GitRepository " + repo.namespace() + "/" + repo.name() + " deleted with prune on");
                writes.write(WriteRequest.apply(List.of(), source, actor, false).pruning(owned));
            }
        } else {
            store.transferOwnership(source, ResourceSources.REST);
        }
        checkouts(repo.namespace(), repo.name()).removeAll();
    }

    /**
     * Removes the mirrors and checkouts under {@code <data-dir>/git} whose GitRepository no longer
     * exists (deleted while another instance led, or before this fix): no other pass would. The
     * directories are listed before the store is asked, so a repository created meanwhile, whose
     * directory did not exist yet, is never touched. Answers how many went.
     */
    int removeOrphanCheckouts() throws java.io.IOException {
        Path git = dataDir.toAbsolutePath().normalize().resolve("git");
        if (!java.nio.file.Files.isDirectory(git)) {
            return 0;
        }
        int removed = 0;
        List<Path> namespaces;
        try (var dirs = java.nio.file.Files.list(git)) {
            namespaces = dirs.filter(java.nio.file.Files::isDirectory).toList();
        }
        for (Path nsDir : namespaces) {
            List<Path> repos;
            try (var dirs = java.nio.file.Files.list(nsDir)) {
                repos = dirs.filter(java.nio.file.Files::isDirectory).toList();
            }
            for (Path repoDir : repos) {
                String ns = nsDir.getFileName().toString();
                String name = repoDir.getFileName().toString();
                if (store.find(GitRepository.class, ns, name).isEmpty()) {
                    GitCheckouts.deleteTree(repoDir);
                    removed++;
                }
            }
        }
        if (removed > 0) {
            LOG.infof("removed the Git checkouts of %d GitRepositories that no longer exist", removed);
        }
        return removed;
    }

    private void fail(ResourceKey key, GitRepository repo, GitRepositoryStatus s, String commit, SyncFailure e, Instant now) {
        SyncError err = new SyncError();
        err.commit = commit;
        err.message = e.getMessage();
        err.errors = e.errors.isEmpty() ? null : e.errors;
        boolean news = s.lastError == null || !Objects.equals(s.lastError.message, err.message);
        s.lastError = err;
        if (commit != null) {
            // whatever waited for a confirmation was about another commit
            s.pendingChanges = null;
            s.pruneConfirmation = null;
            s.nextSync = null;
            GitRepositoryReconciler.clearCondition(s, GitRepositoryStatus.PRUNE_CONFIRMATION_REQUIRED);
        }
        s.setCondition(Condition.READY, false, e.reason, e.getMessage(), now);
        if (commit != null || s.lastSyncedCommit == null) {
            s.setCondition(GitRepositoryStatus.SYNCED, false, e.reason, e.getMessage(), now);
        }
        if (news) {
            events.event(key, repo, StatusWriter.WARNING, e.reason, e.getMessage());
        }
    }

    /**
     * The commit checked by the write path and applied as a dry run: what it would change. A
     * refusal is the sync's failure, its fields placed in their files.
     */
    private List<Written> preview(WriteRequest request, String commit, Map<String, String> fileOf) throws SyncFailure {
        try {
            return writes.write(request);
        } catch (WriteRefused e) {
            if (e.step == WriteRefused.Step.DEPENDENCY_CYCLE) {
                SyncFailure f = SyncFailure.of("DependencyCycle", commit, e, fileOf);
                throw new SyncFailure(f.reason, e.errors.get(0).message(), f.errors);
            }
            throw SyncFailure.of(e.step == WriteRefused.Step.ADMISSION ? "AdmissionDenied" : "InvalidManifests", commit, e, fileOf);
        } catch (RuntimeException e) {
            throw SyncFailure.of("Conflict", commit, e, fileOf);
        }
    }

    static String shortId(String commit) {
        return commit == null ? "?" : commit.substring(0, Math.min(12, commit.length()));
    }
}
