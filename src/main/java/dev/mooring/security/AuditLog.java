package dev.mooring.security;

import dev.mooring.store.AuditStore;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes the audit log. Lines go through a bounded queue to one writer thread, so that the
 * event loop (where denials happen) never waits for the database, and a flood of refused
 * requests costs memory up to the queue's bound, then only a warning per dropped line.
 */
@ApplicationScoped
public class AuditLog {
    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    static final int QUEUE = 10_000;

    @Inject
    AuditStore store;
    @ConfigProperty(name = "mooring.audit.retention", defaultValue = "2160h")
    Duration retention;

    private final BlockingQueue<AuditStore.Entry> queue = new LinkedBlockingQueue<>(QUEUE);
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

    private void write() {
        while (running || !queue.isEmpty()) {
            try {
                AuditStore.Entry first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<AuditStore.Entry> batch = new ArrayList<>();
                batch.add(first);
                queue.drainTo(batch, 499);
                store.append(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("could not write audit lines", e);
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
