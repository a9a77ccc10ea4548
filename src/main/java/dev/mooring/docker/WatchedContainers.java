package dev.mooring.docker;

import dev.mooring.api.Labels;
import dev.mooring.api.ResourceKey;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One engine's watched containers: a {@link ContainerView} fed by a full list (at start, once per
 * resync interval, after the event stream reconnects) and by a look at one container after each
 * event and each of Mooring's own writes ({@link EngineEventWatcher}, {@link DockerEngine}).
 * Reconciles read memory instead of listing.
 * <p>
 * <b>Stale.</b> When a look at the engine fails (it does not answer, or a look after a write or an
 * event could not be made, so the view may miss a change), the view is stale until a full list
 * succeeds. A read of a stale view tries that list (one at a time; after a list that failed, at
 * most once per {@link #STALE_RETRY}) and otherwise fails as the engine itself would: an {@link EngineException}
 * with no HTTP status, which the App path takes for an engine that does not answer (status
 * {@code Unknown}, nothing planned, so nothing is removed or recreated because of a stale view).
 * <p>
 * Until {@link EngineEventWatcher} follows the engine ({@link #follow}), nothing feeds the view and
 * reads go to the engine, as before it existed.
 */
final class WatchedContainers {
    /** A stale view tries a full list on read at most this often. */
    static final Duration STALE_RETRY = Duration.ofSeconds(1);

    private final String engine;
    private final ContainerReads reads;
    private final ContainerView view;
    private final LongSupplier nanoTime;
    private final ReentrantLock listing = new ReentrantLock();
    private volatile boolean followed;
    /** Why the view is stale, or null when it is not. */
    private volatile EngineException failure;
    /** When the last full list failed, while it is the last one; a failed look does not hold back the next list. */
    private volatile boolean listFailed;
    private volatile long listFailedNanos;

    WatchedContainers(String engine, ContainerReads reads, LongSupplier nanoTime) {
        this.engine = engine;
        this.reads = reads;
        this.nanoTime = nanoTime;
        this.view = new ContainerView(nanoTime);
    }

    /** From now on the event stream feeds the view, and reads answer from it. */
    void follow() {
        followed = true;
    }

    /** The containers carrying every given label: from the view when it is followed. */
    List<ObservedContainer> list(Map<String, String> labels) {
        if (!followed) {
            return reads.list(labels);
        }
        if (failure != null || !view.listed()) {
            relistIfDue();
        }
        EngineException f = failure;
        if (f != null || !view.listed()) {
            throw new EngineException(f == null ? "engine " + engine + " has not been listed yet" : f.getMessage(), 0, f);
        }
        return view.list(labels);
    }

    /** One full list (one call) applied to the view; answers the owners whose containers changed. */
    Set<ResourceKey> relist() {
        listing.lock();
        try {
            long ticket = view.ticket();
            List<ObservedContainer> all;
            try {
                all = reads.list(Map.of(Labels.MANAGED, "true"));
            } catch (EngineException e) {
                failure = e;
                listFailed = true;
                listFailedNanos = nanoTime.getAsLong();
                throw e;
            }
            Set<ResourceKey> changed = view.replace(ticket, all);
            failure = null;
            listFailed = false;
            return changed;
        } finally {
            listing.unlock();
        }
    }

    private void relistIfDue() {
        listing.lock(); // a read waits for a list already under way rather than failing beside it
        try {
            boolean due = !listFailed || nanoTime.getAsLong() - listFailedNanos >= STALE_RETRY.toNanos();
            if ((failure != null || !view.listed()) && due) {
                relist();
            }
        } catch (EngineException e) {
            // the view stays stale: the caller fails with that
        } finally {
            listing.unlock();
        }
    }

    /**
     * Looks at one container again (one call) after a write or an event, before the caller goes
     * on; answers whether the view changed. A look that fails leaves the view stale rather than
     * older than the write.
     */
    boolean refresh(String ref) {
        if (!followed) {
            return false;
        }
        String known = view.idOf(ref);
        long ticket = view.ticket();
        try {
            Optional<ObservedContainer> found = reads.one(known != null ? known : ref);
            String id = found.map(ObservedContainer::id).orElse(known);
            return id != null && view.apply(ticket, id, found);
        } catch (EngineException e) {
            failure = e;
            return false;
        }
    }

    /** A container Mooring removed is gone (the removal answered): no call needed. */
    void removed(String ref) {
        String id = followed ? view.idOf(ref) : null;
        if (id != null) {
            view.apply(view.ticket(), id, Optional.empty());
        }
    }

    /**
     * A write failed: when the engine did not answer, what it did is unknown and the view is
     * stale; otherwise the container is looked at again.
     */
    void writeFailed(String ref, EngineException e) {
        if (!followed) {
            return;
        }
        if (e.httpStatus == 0) {
            failure = e;
        } else {
            refresh(ref);
        }
    }
}
