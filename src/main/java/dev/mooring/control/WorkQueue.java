package dev.mooring.control;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queue between triggers (store changes, Docker events, resync) and reconcile workers,
 * with client-go's workqueue contract:
 * <ul>
 *   <li><b>Fair</b>: keys are processed in the order they were added.</li>
 *   <li><b>Stingy</b>: a key added many times before it is processed is processed once.</li>
 *   <li><b>Exclusive</b>: a key is never processed by two workers at once; a key added while it
 *       is being processed is queued again when {@link #done} is called.</li>
 * </ul>
 * Retries go through {@link #addRateLimited} (per-key exponential backoff under a global token
 * bucket) and {@link #forget} on success; {@link #addAfter} delays a key, keeping the earliest
 * time when the same key is delayed twice.
 */
public final class WorkQueue<K> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();

    /** Keys waiting for a worker, in order. Every key in queue is in dirty and not in processing. */
    private final ArrayDeque<K> queue = new ArrayDeque<>();
    /** Keys that need processing: queued ones, and processing ones that were added again. */
    private final Set<K> dirty = new HashSet<>();
    /** Keys a worker holds between {@link #get} and {@link #done}. */
    private final Set<K> processing = new HashSet<>();
    /** Keys delayed by addAfter, with the nano time they become ready; guarded by lock. */
    private final Map<K, Long> waiting = new HashMap<>();
    private boolean shuttingDown;

    private final RateLimiter<K> rateLimiter;
    private final ScheduledExecutorService delayer;

    public WorkQueue(RateLimiter<K> rateLimiter) {
        this.rateLimiter = rateLimiter;
        this.delayer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mooring-workqueue-delay");
            t.setDaemon(true);
            return t;
        });
    }

    /** Marks the key as needing processing. */
    public void add(K key) {
        lock.lock();
        try {
            if (shuttingDown || !dirty.add(key)) {
                return;
            }
            if (processing.contains(key)) {
                return;
            }
            queue.addLast(key);
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Adds the key once the delay has passed; an earlier pending delay of the same key wins. */
    public void addAfter(K key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        long readyAt = System.nanoTime() + delay.toNanos();
        lock.lock();
        try {
            if (shuttingDown) {
                return;
            }
            Long existing = waiting.get(key);
            if (existing != null && existing <= readyAt) {
                return;
            }
            waiting.put(key, readyAt);
        } finally {
            lock.unlock();
        }
        delayer.schedule(() -> fire(key, readyAt), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void fire(K key, long readyAt) {
        lock.lock();
        try {
            Long current = waiting.get(key);
            if (current == null || current != readyAt) {
                return; // superseded by an earlier addAfter of the same key
            }
            waiting.remove(key);
        } finally {
            lock.unlock();
        }
        add(key);
    }

    /** Re-adds a key that failed, after its backoff. */
    public void addRateLimited(K key) {
        addAfter(key, rateLimiter.when(key));
    }

    /** The key succeeded: its backoff starts again from the base. */
    public void forget(K key) {
        rateLimiter.forget(key);
    }

    public int numRequeues(K key) {
        return rateLimiter.numRequeues(key);
    }

    /**
     * Blocks until a key is available and hands it to the caller, who must call {@link #done}.
     * Returns empty once the queue shuts down.
     */
    public Optional<K> get() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !shuttingDown) {
                available.await();
            }
            if (queue.isEmpty()) {
                return Optional.empty();
            }
            K key = queue.pollFirst();
            processing.add(key);
            dirty.remove(key);
            return Optional.of(key);
        } finally {
            lock.unlock();
        }
    }

    /** The worker finished with the key; if it was added meanwhile, it is queued again. */
    public void done(K key) {
        lock.lock();
        try {
            processing.remove(key);
            if (dirty.contains(key)) {
                queue.addLast(key);
                available.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Keys waiting for a worker (not counting delayed or processing ones). */
    public int length() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    public void shutDown() {
        lock.lock();
        try {
            shuttingDown = true;
            available.signalAll();
        } finally {
            lock.unlock();
        }
        delayer.shutdownNow();
    }

    public boolean isShuttingDown() {
        lock.lock();
        try {
            return shuttingDown;
        } finally {
            lock.unlock();
        }
    }
}
