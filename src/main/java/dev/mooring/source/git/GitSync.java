package dev.mooring.source.git;

import dev.mooring.api.ApiException;
import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.App;
import dev.mooring.api.Condition;
import dev.mooring.api.GitRepository;
import dev.mooring.api.GitRepositorySpec;
import dev.mooring.api.GitRepositoryStatus;
import dev.mooring.api.GitRepositoryStatus.FileError;
import dev.mooring.api.GitRepositoryStatus.NextSync;
import dev.mooring.api.GitRepositoryStatus.PendingChange;
import dev.mooring.api.GitRepositoryStatus.PruneConfirmation;
import dev.mooring.api.GitRepositoryStatus.SyncError;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Secret;
import dev.mooring.api.Validation;
import dev.mooring.api.ResourceKey;
import dev.mooring.reconcile.StatusWriter;
import dev.mooring.security.Admission;
import dev.mooring.security.AuditLog;
import dev.mooring.security.GitUrlPolicy;
import dev.mooring.store.ResourceStore;
import dev.mooring.store.ResourceStore.Outcome;
import dev.mooring.store.ResourceStore.Written;
import dev.mooring.store.SecretStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
    SecretStore secrets;
    @Inject
    Admission admission;
    @Inject
    StatusWriter events;
    @Inject
    NextSyncPlans nextSyncPlans;
    @Inject
    AuditLog audit;
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

    /** A reason this commit cannot be applied, with the errors by file. */
    static final class SyncFailure extends Exception {
        final String reason;
        final List<FileError> errors;

        SyncFailure(String reason, String message, List<FileError> errors) {
            super(message);
            this.reason = reason;
            this.errors = errors;
        }
    }

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
                commit = checkouts.fetch(spec.url, spec.ref(), credentials(repo), gitUrls::hostRefusal);
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
            fail(key, repo, s, commit, new SyncFailure("SyncFailed", "commit " + shortId(commit) + " cannot be applied: " + message(e), List.of()), now);
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
        String source = ResourceStore.gitSource(ns, repo.name());
        Path dir = checkouts.materialize(commit);
        CommitManifests.Loaded loaded = CommitManifests.load(dir, spec.pathOrRoot(), ns);
        if (!loaded.errors().isEmpty()) {
            throw new SyncFailure("InvalidManifests", errorCount(loaded.errors()) + " in commit " + shortId(commit) + ": " + describe(loaded.errors()), loaded.errors());
        }
        List<MooringResource<?, ?>> resources = loaded.resources();
        Set<ResourceKey> inGit = new LinkedHashSet<>();
        resources.forEach(r -> inGit.add(new ResourceKey(Kind.of(r), ns, r.name())));
        List<ResourceKey> owned = store.keysOwnedBy(source);
        List<ResourceKey> leftGit = owned.stream().filter(k -> !inGit.contains(k)).toList();
        List<ResourceKey> prune = spec.pruneEnabled() ? leftGit : List.of();
        checkCycles(ns, resources, prune, loaded.fileOf());
        List<Admission.Finding> findings;
        try {
            findings = admission.admit(resources);
        } catch (ApiException e) {
            throw failure("AdmissionDenied", commit, e, loaded.fileOf());
        }
        List<Written> preview;
        try {
            preview = store.applyAndPrune(resources, prune, true, source);
        } catch (RuntimeException e) {
            throw failure("Conflict", commit, e, loaded.fileOf());
        }
        List<PendingChange> pending = pendingChanges(preview);
        double ratio = spec.pruneConfirmRatio != null ? spec.pruneConfirmRatio : defaultConfirmRatio;
        boolean pruneExceeds = !prune.isEmpty() && prune.size() > ratio * owned.size();
        if (planOnly) {
            planOnly(key, repo, s, commit, preview, pending, pruneExceeds, now);
            keepCheckouts(key, checkouts, s.lastSyncedCommit, s.previousSyncedCommit, commit); // earlier looks' go
            return;
        }
        if (pruneExceeds && !commit.equals(GitRepositoryReconciler.confirmedCommit(repo))) {
            PruneConfirmation c = new PruneConfirmation();
            c.commit = commit;
            c.prune = prune.stream().map(k -> k.kind() + "/" + k.name()).toList();
            c.pruneCount = prune.size();
            c.ownedCount = owned.size();
            c.ratio = ratio;
            boolean announced = s.pruneConfirmation == null || !commit.equals(s.pruneConfirmation.commit);
            s.pruneConfirmation = c;
            s.pendingChanges = pending;
            s.nextSync = nextSyncPlans.of(commit, GitRepositoryStatus.PRUNE_CONFIRMATION_REQUIRED, preview, now);
            s.lastError = null;
            String msg = "commit " + shortId(commit) + " would delete " + c.pruneCount + " of the " + c.ownedCount
                    + " resources this repository owns (" + String.join(", ", c.prune) + "), more than its share " + ratio
                    + "; nothing was changed. Confirm with POST /api/v1alpha1/namespaces/" + ns + "/gitrepositories/" + repo.name()
                    + "/confirm?commit=" + commit;
            s.setCondition(GitRepositoryStatus.PRUNE_CONFIRMATION_REQUIRED, true, "PruneExceedsRatio", msg, now);
            s.setCondition(GitRepositoryStatus.SYNCED, false, "PruneConfirmationRequired", msg, now);
            s.setCondition(Condition.READY, false, "PruneConfirmationRequired", msg, now);
            if (announced) {
                events.event(key, repo, StatusWriter.WARNING, "PruneConfirmationRequired", msg);
            }
            return;
        }
        List<Written> written = retryOnRace(() -> store.applyAndPrune(resources, prune, false, source));
        admission.record(findings, written.stream().<MooringResource<?, ?>>map(Written::resource).toList());
        written.forEach(w -> audit.sourceWrote(AuditLog.GIT_USER, w, "commit " + commit + " of GitRepository " + ns + "/" + repo.name()));
        Map<Outcome, List<String>> by = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            by.put(o, new ArrayList<>());
        }
        written.forEach(w -> by.get(w.outcome()).add(CommitManifests.id(w.resource())));
        s.created = by.get(Outcome.created);
        s.configured = by.get(Outcome.configured);
        s.unchanged = by.get(Outcome.unchanged);
        s.pruned = by.get(Outcome.deleted);
        s.notPruned = spec.pruneEnabled() || leftGit.isEmpty() ? null : leftGit.stream().map(k -> k.kind() + "/" + k.name()).toList();
        s.warnings = loaded.warnings().isEmpty() ? null : loaded.warnings();
        if (!commit.equals(s.lastSyncedCommit)) {
            s.previousSyncedCommit = s.lastSyncedCommit;
        }
        s.lastSyncedCommit = commit;
        s.checkout = dir.toString();
        s.lastError = null;
        s.pendingChanges = null;
        s.pruneConfirmation = null;
        s.nextSync = null;
        GitRepositoryReconciler.clearCondition(s, GitRepositoryStatus.PRUNE_CONFIRMATION_REQUIRED);
        String summary = "commit " + shortId(commit) + ": " + s.created.size() + " created, " + s.configured.size() + " configured, "
                + s.unchanged.size() + " unchanged, " + s.pruned.size() + " pruned"
                + (s.notPruned == null ? "" : ", " + s.notPruned.size() + " left Git but kept (prune is off)");
        s.setCondition(GitRepositoryStatus.SYNCED, true, "Synced", summary, now);
        s.setCondition(Condition.READY, true, "Synced", summary, now);
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
        String msg = "commit " + shortId(commit) + " waits: spec.suspend is true. It would " + counts(pending)
                + (pruneExceeds ? " (a prune that needs a confirmation too)" : "") + "; its plan is in status.nextSync. Set spec.suspend to false,"
                + " or POST /api/v1alpha1/namespaces/" + ns + "/gitrepositories/" + repo.name() + "/sync?commit=" + commit + ", to apply it";
        s.setCondition(GitRepositoryStatus.SYNCED, false, GitRepositoryStatus.SUSPENDED, msg, now);
        s.setCondition(Condition.READY, false, GitRepositoryStatus.SUSPENDED, msg, now);
        if (announced) {
            events.event(key, repo, StatusWriter.NORMAL, "SyncSuspended", msg);
        }
    }

    private static String counts(List<PendingChange> pending) {
        long create = pending.stream().filter(p -> p.action.equals("create")).count();
        long configure = pending.stream().filter(p -> p.action.equals("configure")).count();
        long prune = pending.stream().filter(p -> p.action.equals("prune")).count();
        return "create " + create + ", configure " + configure + " and prune " + prune + " resources";
    }

    /** A deleted GitRepository: prune on, what it applied goes too; prune off, the REST API owns it from now on. */
    void release(GitRepository repo) throws Exception {
        String source = ResourceStore.gitSource(repo.namespace(), repo.name());
        if (repo.getSpec() != null && repo.getSpec().pruneEnabled()) {
            List<ResourceKey> owned = store.keysOwnedBy(source);
            if (!owned.isEmpty()) {
                retryOnRace(() -> store.applyAndPrune(List.of(), owned, false, source)).forEach(w ->
                        audit.sourceWrote(AuditLog.GIT_USER, w, "GitRepository " + repo.namespace() + "/" + repo.name() + " deleted with prune on"));
            }
        } else {
            store.transferOwnership(source, ResourceStore.SOURCE_REST);
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

    /** The credentials of spec.secretRef, read from the Secret's encrypted values. */
    private GitCredentials credentials(GitRepository repo) throws SyncFailure {
        if (repo.getSpec().secretRef == null) {
            return GitCredentials.NONE;
        }
        String name = repo.getSpec().secretRef.name;
        Map<String, byte[]> v = secretValues(repo.namespace(), name, "spec.secretRef.name", List.of("username", "password", "token", "identity", "known_hosts"));
        String password = v.containsKey("password") ? text(v.get("password")) : v.containsKey("token") ? text(v.get("token")) : null;
        String username = v.containsKey("username") ? text(v.get("username")) : null;
        if (username == null && password == null && !v.containsKey("identity")) {
            throw new SyncFailure("CredentialsInvalid", "Secret " + repo.namespace() + "/" + name
                    + " has none of the keys username, password, token, identity", List.of(new FileError(null, null, "spec.secretRef.name", "the Secret has no credentials")));
        }
        return new GitCredentials(username, password, v.get("identity"), v.get("known_hosts"));
    }

    /** The named keys of a Secret that it has; a missing Secret is a sync failure naming the field. */
    Map<String, byte[]> secretValues(String ns, String name, String field, List<String> keys) throws SyncFailure {
        Secret secret = store.find(Secret.class, ns, name).orElseThrow(() -> new SyncFailure("CredentialsNotFound",
                "Secret " + ns + "/" + name + " (" + field + ") not found", List.of(new FileError(null, null, field, "Secret " + name + " not found"))));
        Map<String, String> digests = secret.getStatus() == null || secret.getStatus().digests == null ? Map.of() : secret.getStatus().digests;
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String k : keys) {
            if (digests.containsKey(k)) {
                out.put(k, secrets.value(ns, name, k, digests.get(k)));
            }
        }
        return out;
    }

    /** Apps may not depend on each other in a circle: the commit's Apps over the namespace's others that stay. */
    private void checkCycles(String ns, List<MooringResource<?, ?>> resources, List<ResourceKey> prune, Map<String, String> fileOf) throws SyncFailure {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        for (App stored : store.list(App.class, ns)) {
            if (!prune.contains(new ResourceKey(Kind.App, ns, stored.name()))) {
                edges.put(stored.name(), deps(stored));
            }
        }
        for (MooringResource<?, ?> r : resources) {
            if (r instanceof App app) {
                edges.put(app.name(), deps(app));
            }
        }
        String cycle = Validation.dependencyCycle(edges);
        if (cycle != null) {
            String first = cycle.substring(0, cycle.indexOf(' '));
            String msg = "Apps in namespace " + ns + " depend on each other in a cycle: " + cycle;
            throw new SyncFailure("DependencyCycle", msg, List.of(new FileError(fileOf.get("App/" + first), "App/" + first, "spec.dependsOn", msg)));
        }
    }

    private static List<String> deps(App app) {
        return app.getSpec() == null || app.getSpec().dependsOn == null ? List.of()
                : app.getSpec().dependsOn.stream().map(d -> d.app).filter(Objects::nonNull).toList();
    }

    /** An API error of the checks or of the store, its fields placed in their files. */
    private static SyncFailure failure(String reason, String commit, RuntimeException e, Map<String, String> fileOf) {
        List<FileError> errors = new ArrayList<>();
        if (e instanceof ApiException api) {
            for (FieldError fe : api.errors) {
                String id = fe.object() == null ? null : idOf(fe.object());
                errors.add(new FileError(id == null ? null : fileOf.get(id), id, fe.field(), fe.message()));
            }
        }
        return new SyncFailure(reason, "commit " + shortId(commit) + " cannot be applied: " + message(e), errors);
    }

    /** {@code App shop/web} to {@code App/web}. */
    private static String idOf(String object) {
        int sp = object.indexOf(' ');
        int slash = object.lastIndexOf('/');
        return sp < 0 || slash < sp ? null : object.substring(0, sp) + "/" + object.substring(slash + 1);
    }

    private static List<PendingChange> pendingChanges(List<Written> preview) {
        List<PendingChange> out = new ArrayList<>();
        for (Written w : preview) {
            String action = switch (w.outcome()) {
                case created -> "create";
                case configured -> "configure";
                case deleted -> "prune";
                case unchanged -> null;
            };
            if (action != null) {
                out.add(new PendingChange(w.resource().getKind(), w.resource().name(), action));
            }
        }
        return out;
    }

    interface Write<T> {
        T run();
    }

    /** A write that lost an optimistic-lock race with a status update is tried again, a few times. */
    private static <T> T retryOnRace(Write<T> write) {
        for (int attempt = 1; ; attempt++) {
            try {
                return write.run();
            } catch (RuntimeException e) {
                if (!(race(e) && attempt < 5)) {
                    throw e;
                }
            }
        }
    }

    private static boolean race(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String n = c.getClass().getName();
            if (n.endsWith("OptimisticLockException") || n.endsWith("StaleObjectStateException") || n.endsWith("StaleStateException")) {
                return true;
            }
        }
        return false;
    }

    private static String errorCount(List<FileError> errors) {
        return errors.size() == 1 ? "1 error" : errors.size() + " errors";
    }

    private static String describe(List<FileError> errors) {
        return String.join("; ", errors.stream().limit(10).map(e -> (e.file == null ? "" : e.file + ": ")
                + (e.object == null ? "" : e.object + ": ") + (e.field == null ? "" : e.field + ": ") + e.message).toList())
                + (errors.size() > 10 ? "; ..." : "");
    }

    static String shortId(String commit) {
        return commit == null ? "?" : commit.substring(0, Math.min(12, commit.length()));
    }

    private static String message(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c && (c.getMessage() == null || c instanceof java.lang.reflect.InvocationTargetException)) {
            c = c.getCause();
        }
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        return m;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8).trim();
    }
}
