package dev.mooring.control;

import dev.mooring.api.Kind;
import dev.mooring.api.ResourceKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the control loop: a {@link WorkQueue} of {@link ResourceKey}s, a configurable number of
 * worker threads that hand each key to the reconciler of its kind, and a periodic resync that
 * enqueues every key the store and the engines know of. Retry policy lives here, not in the
 * reconcilers (get, reconcile, forget or addRateLimited, done).
 * <p>
 * Only the leader acts ({@link Leadership}): on a follower the workers drop every key unprocessed
 * and the resync enqueues nothing; the instance that becomes leader resyncs every key at once.
 */
@ApplicationScoped
public class Controller {
    private static final Logger LOG = Logger.getLogger(Controller.class);

    @Inject
    Instance<Reconciler> reconcilerBeans;
    @Inject
    Instance<KeySource> keySources;
    @Inject
    MeterRegistry meters;
    @Inject
    Leadership leadership;

    @ConfigProperty(name = "mooring.controller.workers", defaultValue = "4")
    int workerCount;
    @ConfigProperty(name = "mooring.controller.resync-interval", defaultValue = "30s")
    Duration resyncInterval;
    @ConfigProperty(name = "mooring.controller.max-backoff", defaultValue = "5m")
    Duration maxBackoff;
    @ConfigProperty(name = "mooring.controller.enabled", defaultValue = "true")
    boolean enabled;

    private final Map<Kind, Reconciler> reconcilers = new java.util.EnumMap<>(Kind.class);
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile WorkQueue<ResourceKey> queue;
    private ScheduledExecutorService resync;

    /** Starts the loop once the application (and its migrations) is up; see {@code Startup}. */
    public synchronized void start() {
        if (!enabled || !started.compareAndSet(false, true)) {
            return;
        }
        for (Reconciler r : reconcilerBeans) {
            reconcilers.put(r.kind(), r);
        }
        queue = new WorkQueue<>(RateLimiter.defaults(maxBackoff));
        meters.gauge("mooring.workqueue.depth", queue, WorkQueue::length);
        for (int i = 0; i < workerCount; i++) {
            Thread t = new Thread(this::work, "mooring-worker-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        resync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mooring-resync");
            t.setDaemon(true);
            return t;
        });
        resync.scheduleWithFixedDelay(this::resyncAll, 0, resyncInterval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.infof("control loop started: %d workers, resync every %s, kinds %s", workerCount, resyncInterval, reconcilers.keySet());
    }

    void stop(@Observes @Priority(1) ShutdownEvent ev) {
        WorkQueue<ResourceKey> q = queue;
        if (q != null) {
            q.shutDown();
        }
        if (resync != null) {
            resync.shutdownNow();
        }
    }

    void onLeadership(@Observes Leadership.LeadershipChanged change) {
        if (change.leader() && started.get()) {
            resyncAll();
        }
    }

    public void enqueue(ResourceKey key) {
        WorkQueue<ResourceKey> q = queue;
        if (q != null) {
            q.add(key);
        }
    }

    public void enqueueAfter(ResourceKey key, Duration delay) {
        WorkQueue<ResourceKey> q = queue;
        if (q != null) {
            q.addAfter(key, delay);
        }
    }

    public boolean isRunning() {
        return started.get();
    }

    /** True when every worker thread is alive (or the loop is disabled on this instance). */
    public boolean workersAlive() {
        if (!started.get()) {
            return !enabled;
        }
        return workers.stream().allMatch(Thread::isAlive);
    }

    public int queueDepth() {
        WorkQueue<ResourceKey> q = queue;
        return q == null ? 0 : q.length();
    }

    void resyncAll() {
        if (!leadership.isLeader()) {
            return;
        }
        // Collected first: a key known to the store and to an engine is reconciled once, not twice.
        java.util.Set<ResourceKey> keys = new java.util.LinkedHashSet<>();
        for (KeySource source : keySources) {
            try {
                keys.addAll(source.keys());
            } catch (Exception e) {
                LOG.warnf("resync: %s failed: %s", source.getClass().getSimpleName(), e.toString());
            }
        }
        keys.forEach(this::enqueue);
    }

    private void work() {
        WorkQueue<ResourceKey> q = queue;
        while (!q.isShuttingDown()) {
            ResourceKey key;
            try {
                key = q.get().orElse(null);
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            try {
                process(q, key);
            } catch (Throwable t) {
                LOG.errorf(t, "worker: unexpected failure on %s", key);
                q.addRateLimited(key);
            } finally {
                q.done(key);
            }
        }
    }

    private void process(WorkQueue<ResourceKey> q, ResourceKey key) {
        if (!leadership.isLeader()) {
            return; // a follower never acts on an engine; the next leader resyncs every key
        }
        Reconciler reconciler = reconcilers.get(key.kind());
        if (reconciler == null) {
            LOG.warnf("no reconciler for kind %s (key %s)", key.kind(), key);
            return;
        }
        long start = System.nanoTime();
        String outcome = "success";
        try {
            Result result = reconciler.reconcile(key);
            q.forget(key);
            result.requeueAfter().ifPresent(d -> q.addAfter(key, d));
        } catch (TerminalException e) {
            outcome = "terminal";
            q.forget(key);
            LOG.infof("reconcile %s: %s (not retried until it changes)", key, e.getMessage());
        } catch (Exception e) {
            outcome = "error";
            Counter.builder("mooring.reconcile.errors").tag("kind", key.kind().name()).register(meters).increment();
            int n = q.numRequeues(key);
            if (n < 3) {
                LOG.infof("reconcile %s failed (try %d), retrying: %s", key, n + 1, e.toString());
            } else {
                LOG.warnf("reconcile %s failed (try %d), retrying with backoff: %s", key, n + 1, e.toString());
            }
            q.addRateLimited(key);
        } finally {
            Timer.builder("mooring.reconcile")
                    .description("Reconcile passes and their duration")
                    .tag("kind", key.kind().name()).tag("result", outcome)
                    .register(meters).record(Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
