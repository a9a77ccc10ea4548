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
 * reconcilers (get, reconcile, forget or addRateLimited, done). Other work that needs the same
 * rules (the custom resource mirror) shares the workers as a {@link WorkHandler}.
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
    Instance<WorkHandler> handlerBeans;
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
    private final Map<String, WorkHandler> handlers = new HashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile WorkQueue<Work> queue;
    private ScheduledExecutorService resync;

    /** Starts the loop once the application (and its migrations) is up; see {@code Startup}. */
    public synchronized void start() {
        if (!enabled || !started.compareAndSet(false, true)) {
            return;
        }
        for (Reconciler r : reconcilerBeans) {
            reconcilers.put(r.kind(), r);
        }
        for (WorkHandler h : handlerBeans) {
            handlers.put(h.name(), h);
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
        WorkQueue<Work> q = queue;
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
        WorkQueue<Work> q = queue;
        if (q != null) {
            q.add(Work.reconcile(key));
        }
    }

    public void enqueueAfter(ResourceKey key, Duration delay) {
        WorkQueue<Work> q = queue;
        if (q != null) {
            q.addAfter(Work.reconcile(key), delay);
        }
    }

    /** Queues a key for the {@link WorkHandler} of that name (see there for the rules it is handled under). */
    public void enqueue(String handler, ResourceKey key) {
        WorkQueue<Work> q = queue;
        if (q != null) {
            q.add(new Work(handler, key));
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
        WorkQueue<Work> q = queue;
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
        WorkQueue<Work> q = queue;
        while (!q.isShuttingDown()) {
            Work work;
            try {
                work = q.get().orElse(null);
            } catch (InterruptedException e) {
                return;
            }
            if (work == null) {
                return;
            }
            try {
                if (leadership.isLeader()) { // a follower never acts on an engine; the next leader resyncs every key
                    process(q, work);
                }
            } catch (Throwable t) {
                LOG.errorf(t, "worker: unexpected failure on %s", work);
                q.addRateLimited(work);
            } finally {
                q.done(work);
            }
        }
    }

    private void process(WorkQueue<Work> q, Work work) {
        if (work.handler() == null) {
            reconcile(q, work);
            return;
        }
        WorkHandler handler = handlers.get(work.handler());
        if (handler == null) {
            LOG.warnf("no work handler %s (key %s)", work.handler(), work.key());
            return;
        }
        try {
            handler.handle(work.key());
            q.forget(work);
        } catch (Exception e) {
            LOG.infof("%s %s failed (try %d), retrying: %s", handler.name(), work.key(), q.numRequeues(work) + 1, e.toString());
            q.addRateLimited(work);
        }
    }

    private void reconcile(WorkQueue<Work> q, Work work) {
        ResourceKey key = work.key();
        Reconciler reconciler = reconcilers.get(key.kind());
        if (reconciler == null) {
            LOG.warnf("no reconciler for kind %s (key %s)", key.kind(), key);
            return;
        }
        long start = System.nanoTime();
        String outcome = "success";
        try {
            Result result = reconciler.reconcile(key);
            q.forget(work);
            result.requeueAfter().ifPresent(d -> q.addAfter(work, d));
        } catch (TerminalException e) {
            outcome = "terminal";
            q.forget(work);
            LOG.infof("reconcile %s: %s (not retried until it changes)", key, e.getMessage());
        } catch (Exception e) {
            outcome = "error";
            Counter.builder("mooring.reconcile.errors").tag("kind", key.kind().name()).register(meters).increment();
            int n = q.numRequeues(work);
            if (n < 3) {
                LOG.infof("reconcile %s failed (try %d), retrying: %s", key, n + 1, e.toString());
            } else {
                LOG.warnf("reconcile %s failed (try %d), retrying with backoff: %s", key, n + 1, e.toString());
            }
            q.addRateLimited(work);
        } finally {
            Timer.builder("mooring.reconcile")
                    .description("Reconcile passes and their duration")
                    .tag("kind", key.kind().name()).tag("result", outcome)
                    .register(meters).record(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** One item of the queue: a key to reconcile (handler null), or a key of a {@link WorkHandler}. */
    private record Work(String handler, ResourceKey key) {
        static Work reconcile(ResourceKey key) {
            return new Work(null, key);
        }

        @Override
        public String toString() {
            return handler == null ? key.toString() : handler + " " + key;
        }
    }
}
