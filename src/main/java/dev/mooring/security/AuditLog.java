package dev.mooring.security;

import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.store.AuditStore;
import dev.mooring.store.ResourceStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes the audit log. Lines go through a bounded queue to one writer thread, so that the
 * event loop (where denials happen) never waits for the database, and a flood of refused
 * requests costs memory up to the queue's bound, then only a warning per dropped line.
 * <p>
 * Requests without a valid token (401) are not lines of their own: whoever sends them chooses
 * the path, so one line each would let a flood fill the table with names of its choosing (issue
 * 10, finding 6). They are counted per source address and minute, in memory, and the writer adds
 * the counts to one line per address and minute ({@link #unauthenticated}).
 */
@ApplicationScoped
public class AuditLog {
    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    static final int QUEUE = 10_000;
    static final int BATCH = 500;
    static final long RETRY_FIRST_NANOS = 1_000_000_000L;
    static final long RETRY_MAX_NANOS = 30_000_000_000L;
    /** The user of the lines for what the custom resource mirror wrote. */
    public static final String CRD_USER = "system:crd";
    /** The user of the lines for what a Git sync wrote. */
    public static final String GIT_USER = "system:git";

    @Inject
    AuditStore store;
    @ConfigProperty(name = "mooring.audit.retention", defaultValue = "2160h")
    Duration retention;

    /** The verb of the counted lines of requests without a valid token. */
    public static final String UNAUTHENTICATED_VERB = "authenticate";
    static final String UNAUTHENTICATED_DETAIL = "requests without a valid token (401), counted per source address and minute";
    /** Lines counted apart per minute; past that, the rest of the minute's requests count under no address. */
    static final int MAX_ADDRESSES = 1000;

    /** What is counted: a minute of one source address (null: past {@link #MAX_ADDRESSES}) and what was refused. */
    private record Minute(String address, Instant start, String verb, String kind, String namespace, String name, int status, String detail) {
        Minute withoutAddress() {
            return new Minute(null, start, verb, kind, namespace, name, status, detail);
        }
    }

    private final BlockingQueue<AuditStore.Entry> queue = new LinkedBlockingQueue<>(QUEUE);
    private final ConcurrentHashMap<Minute, LongAdder> unauthenticated = new ConcurrentHashMap<>();
    private long lastCountWrite;
    private Thread writer;
    private volatile boolean running = true;

    @PostConstruct
    void start() {
        writer = new Thread(this::write, "mooring-audit");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues a line; it is in the store a moment later. */
    public void submit(AuditStore.Entry entry) {
        if (!queue.offer(entry)) {
            LOG.warnf("audit queue full: dropped %s %s %s/%s by %s", entry.verb(), entry.kind(), entry.namespace(), entry.name(), entry.user());
        }
    }

    /**
     * Counts a request without a valid token from {@code address}: nothing of the request but
     * its address and minute is kept. Never blocks; the count is in the store within a second.
     */
    public void unauthenticated(String address) {
        count(new Minute(address, Instant.now().truncatedTo(ChronoUnit.MINUTES), UNAUTHENTICATED_VERB, null, null, null, 401,
                UNAUTHENTICATED_DETAIL));
    }

    /**
     * Counts a request without a token that a public path refused (a webhook without a valid
     * signature: 401, or for a GitRepository that does not exist: 404), like {@link #unauthenticated}.
     * The line names the resource only when the caller cannot choose it freely: {@code namespace}
     * and {@code name} are kept for a 401 (given only for a GitRepository that exists), dropped otherwise.
     */
    public void refusedWithoutToken(String address, String verb, String kind, String namespace, String name, int status) {
        boolean exists = status == 401;
        count(new Minute(address, Instant.now().truncatedTo(ChronoUnit.MINUTES), verb, kind, exists ? namespace : null, exists ? name : null,
                status, "requests without a valid token or signature, refused with " + status + ", counted per source address and minute"));
    }

    private void count(Minute key) {
        if (unauthenticated.size() >= MAX_ADDRESSES && !unauthenticated.containsKey(key)) {
            key = key.withoutAddress();
        }
        unauthenticated.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /**
     * The audit line of a change a source made in the store on its own, with no request behind it
     * (the custom resource mirror, a Git sync): {@code user} is the source ({@link #CRD_USER},
     * {@link #GIT_USER}); verb {@code create}, {@code update} or {@code delete} after the outcome,
     * no token, no source address, outcome {@code allowed} with the status the REST API would have
     * answered, and the outcome and {@code detail} as the detail. An unchanged resource is no change:
     * no line (a source applies what it holds over and over).
     */
    public void sourceWrote(String user, ResourceStore.Written w, String detail) {
        String verb = switch (w.outcome()) {
            case created -> "create";
            case configured -> "update";
            case deleted -> "delete";
            case unchanged -> null;
        };
        if (verb == null) {
            return;
        }
        int status = switch (w.outcome()) {
            case created -> 201;
            case deleted -> 202;
            default -> 200;
        };
        MooringResource<?, ?> r = w.resource();
        String what = w.outcome() == ResourceStore.Outcome.deleted ? "deletion started" : w.outcome().name();
        submit(new AuditStore.Entry(null, user, null, verb, Kind.of(r).name(), r.namespace(), r.name(), w.previousResourceVersion(),
                r.getMetadata().getResourceVersion(), null, "allowed", status, detail == null ? what : what + "; " + detail));
    }

    /**
     * The audit line of a change a source tried and was refused (outcome {@code rejected} with the
     * status the REST API would have answered: 409 or 422), such as an invalid custom resource.
     */
    public void sourceRefused(String user, String verb, Kind kind, String namespace, String name, String resourceVersion, int status, String detail) {
        submit(new AuditStore.Entry(null, user, null, verb, kind.name(), namespace, name, resourceVersion, null, null,
                outcome(status), status, detail));
    }

    /**
     * The writer thread. Lines whose write failed (the database is away) are held, in order, up to
     * {@link #QUEUE} of them, and written again with a backoff of 1 s doubling to 30 s once the
     * store answers, so an outage loses no audit line unless it holds more than that (issue 10).
     */
    private void write() {
        List<AuditStore.Entry> held = new ArrayList<>();
        boolean failing = false;
        long retryAt = 0;
        long backoff = RETRY_FIRST_NANOS;
        while (running || !queue.isEmpty() || (!held.isEmpty() && !failing)) {
            try {
                if (!failing) {
                    writeCounts(false);
                }
                if (held.size() < QUEUE) {
                    AuditStore.Entry first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first != null) {
                        held.add(first);
                        queue.drainTo(held, QUEUE - held.size());
                    }
                } else {
                    Thread.sleep(200); // the database is away and the held lines are at their bound: new ones wait in the queue
                }
                if (held.isEmpty() || (failing && System.nanoTime() < retryAt)) {
                    continue;
                }
                while (!held.isEmpty()) {
                    List<AuditStore.Entry> batch = held.subList(0, Math.min(BATCH, held.size()));
                    store.append(new ArrayList<>(batch));
                    batch.clear();
                }
                if (failing) {
                    LOG.info("audit: the store answers again; the lines held meanwhile are written");
                    failing = false;
                    backoff = RETRY_FIRST_NANOS;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.warnf("could not write audit lines (%s): %d held, written when the store answers again", rootMessage(e), held.size());
                }
                failing = true;
                retryAt = System.nanoTime() + backoff;
                backoff = Math.min(backoff * 2, RETRY_MAX_NANOS);
            }
        }
        writeCounts(true);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Adds the counts of requests without a valid token to their lines, at most once a second unless {@code now}. */
    private void writeCounts(boolean now) {
        long t = System.nanoTime();
        if (unauthenticated.isEmpty() || (!now && t - lastCountWrite < 1_000_000_000L)) {
            return;
        }
        lastCountWrite = t;
        for (Minute m : List.copyOf(unauthenticated.keySet())) {
            LongAdder counted = unauthenticated.remove(m);
            long n = counted == null ? 0 : counted.sum();
            if (n == 0) {
                continue;
            }
            try {
                store.addCounted(new AuditStore.Entry(m.start(), Caller.ANONYMOUS.name(), null, m.verb(), m.kind(), m.namespace(), m.name(),
                        null, null, m.address(), outcome(m.status()), m.status(), m.detail()), n);
            } catch (RuntimeException e) {
                // the store is away: the count goes back, to be written with the next ones
                unauthenticated.computeIfAbsent(m, k -> new LongAdder()).add(n);
                LOG.debugf("could not count %d requests without a valid token from %s yet: %s", n, m.address(), rootMessage(e));
                return;
            }
        }
    }

    void stop(@Observes ShutdownEvent ev) throws InterruptedException {
        running = false;
        writer.join(5000);
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expire() {
        store.expire(retention);
    }

    /** The client's address as this server sees it (behind a proxy, see quarkus.http.proxy.*). */
    public static String address(RoutingContext ctx) {
        return ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    }

    /** allowed (2xx/3xx), denied (401, 403), rejected (other 4xx) or failed (5xx). */
    public static String outcome(int status) {
        if (status == 401 || status == 403) {
            return "denied";
        }
        return status >= 500 ? "failed" : status >= 400 ? "rejected" : "allowed";
    }
}
