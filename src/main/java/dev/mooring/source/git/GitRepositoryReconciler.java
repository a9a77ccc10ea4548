package dev.mooring.source.git;

import dev.mooring.api.GitRepository;
import dev.mooring.api.GitRepositoryStatus;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.control.Controller;
import dev.mooring.control.Reconciler;
import dev.mooring.api.ResourceKey;
import dev.mooring.control.Result;
import dev.mooring.reconcile.StatusWriter;
import dev.mooring.store.ResourceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The control loop's side of a GitRepository: decides whether a sync is due (its interval has
 * passed, its spec changed, a webhook asked, or a person confirmed a waiting prune) and runs it
 * through {@link GitSync} (a suspended repository's sync only plans; releasing the planned commit
 * is due at once); otherwise it only asks to look again when the interval is up. Because
 * syncs run as reconcile passes, the work queue guarantees that two syncs of one repository never
 * overlap, whether a poll, a webhook or a resync started them. A deleted GitRepository deletes
 * what it applied when {@code prune} is on, and hands it to the REST API when it is off.
 */
@ApplicationScoped
public class GitRepositoryReconciler implements Reconciler {
    private static final Logger LOG = Logger.getLogger(GitRepositoryReconciler.class);

    @Inject
    ResourceStore store;
    @Inject
    StatusWriter status;
    @Inject
    GitSync sync;
    @Inject
    Controller controller;
    @Inject
    dev.mooring.control.Leadership leadership;

    /** Repositories a webhook asked to sync now; consumed by the next pass. */
    private final Set<ResourceKey> requested = ConcurrentHashMap.newKeySet();

    @Override
    public Kind kind() {
        return Kind.GitRepository;
    }

    /**
     * A webhook's push. On the leader: sync at the next pass, which is enqueued at once. On a
     * follower, which never reconciles, the request is written to the store (annotation
     * {@link GitRepository#SYNC_REQUESTED}) for the leader to see at its next look, at the latest
     * after mooring.controller.resync-interval.
     *
     * @return true when this instance syncs at once, false when the request waits for the leader
     */
    public boolean requestSync(String namespace, String name) {
        ResourceKey key = new ResourceKey(kind(), namespace, name);
        if (!leadership.isLeader()) {
            store.annotate(Kind.GitRepository, namespace, name, GitRepository.SYNC_REQUESTED, Instant.now().toString());
            return false;
        }
        requested.add(key);
        controller.enqueue(key);
        return true;
    }

    /** On becoming the leader: the checkouts of GitRepositories deleted meanwhile go (see {@link GitSync#removeOrphanCheckouts}). */
    void removeOrphanCheckouts(@jakarta.enterprise.event.Observes dev.mooring.control.Leadership.LeadershipChanged change) {
        if (!change.leader()) {
            return;
        }
        try {
            sync.removeOrphanCheckouts();
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warnf("Git checkouts of deleted GitRepositories not removed: %s", e.toString());
        }
    }

    /** A follower's webhook asked for a sync after the last one. */
    static boolean requestedSince(GitRepository repo, Instant lastSync) {
        Map<String, String> a = repo.getMetadata().getAnnotations();
        String at = a == null ? null : a.get(GitRepository.SYNC_REQUESTED);
        if (at == null) {
            return false;
        }
        try {
            return lastSync == null || Instant.parse(at).isAfter(lastSync);
        } catch (java.time.format.DateTimeParseException e) {
            return true; // a malformed request still asks for a sync; the sync itself is harmless
        }
    }

    @Override
    public Result reconcile(ResourceKey key) throws Exception {
        GitRepository repo = store.find(GitRepository.class, key.namespace(), key.name()).orElse(null);
        if (repo == null) {
            requested.remove(key);
            // gone without its finalizer's pass (a forced delete): its mirror and checkouts go anyway
            sync.checkouts(key.namespace(), key.name()).removeAll();
            return Result.done();
        }
        if (repo.isDeleting()) {
            requested.remove(key);
            sync.release(repo);
            store.removeFinalizer(key, repo.getMetadata().getUid(), MooringResource.FINALIZER);
            return Result.done();
        }
        GitRepositoryStatus s = repo.getStatus() == null ? new GitRepositoryStatus() : repo.getStatus();
        Duration interval = repo.getSpec().intervalOrDefault();
        Instant now = Instant.now();
        Instant last = s.lastSyncTime == null ? null : Instant.parse(s.lastSyncTime);
        boolean asked = requested.remove(key) | requestedSince(repo, last);
        long generation = repo.getMetadata().getGeneration() == null ? 0 : repo.getMetadata().getGeneration();
        boolean confirmed = s.pruneConfirmation != null && Objects.equals(s.pruneConfirmation.commit, confirmedCommit(repo));
        boolean approved = s.nextSync != null && GitRepositoryStatus.SUSPENDED.equals(s.nextSync.waitingFor)
                && Objects.equals(s.nextSync.commit, approvedCommit(repo));
        boolean due = asked || confirmed || approved || last == null || !Objects.equals(s.observedGeneration, generation)
                || !now.isBefore(last.plus(interval));
        if (!due) {
            return Result.requeueAfter(Duration.between(now, last.plus(interval)));
        }
        LOG.debugf("%s: sync (%s)", key, asked ? "webhook" : confirmed ? "prune confirmed" : approved ? "planned commit approved" : last == null ? "first" : "interval or spec change");
        sync.sync(key, repo, s, now);
        s.observedGeneration = generation;
        status.status(key, repo, s);
        return Result.requeueAfter(interval);
    }

    static String confirmedCommit(GitRepository repo) {
        Map<String, String> a = repo.getMetadata().getAnnotations();
        return a == null ? null : a.get(GitRepository.PRUNE_CONFIRMED);
    }

    static String approvedCommit(GitRepository repo) {
        Map<String, String> a = repo.getMetadata().getAnnotations();
        return a == null ? null : a.get(GitRepository.SYNC_APPROVED);
    }

    static void clearCondition(GitRepositoryStatus s, String type) {
        s.conditions.removeIf(c -> c.type.equals(type));
    }
}
