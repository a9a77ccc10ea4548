package dev.mooring.store;

import dev.mooring.api.ResourceKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Kubernetes-style events: what the loop did or could not do, per resource. The same event
 * (object, type, reason, message) repeated raises its count and last time instead of adding a row,
 * so a failure retried all night is one line, not thousands.
 */
@ApplicationScoped
public class EventStore {
    @Inject
    EntityManager em;

    public record StoredEvent(String type, String reason, String message, int count,
                              Instant firstTimestamp, Instant lastTimestamp, String kind, String namespace, String name) {
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void record(ResourceKey key, String uid, String type, String reason, String message) {
        String msg = message.length() > 4000 ? message.substring(0, 3997) + "..." : message;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<EventRecord> same = em.createQuery(
                        "from EventRecord where objectUid = ?1 and reason = ?2 and type = ?3 and message = ?4", EventRecord.class)
                .setParameter(1, uid).setParameter(2, reason).setParameter(3, type).setParameter(4, msg)
                .setMaxResults(1).getResultList();
        if (!same.isEmpty()) {
            EventRecord e = same.get(0);
            e.count++;
            e.lastTimestamp = now;
            return;
        }
        EventRecord e = new EventRecord();
        e.kind = key.kind().name();
        e.namespace = key.namespace();
        e.name = key.name();
        e.objectUid = uid;
        e.type = type;
        e.reason = reason;
        e.message = msg;
        e.count = 1;
        e.firstTimestamp = now;
        e.lastTimestamp = now;
        em.persist(e);
    }

    /** Events of the resource's current incarnation, oldest first. */
    @Transactional
    public List<StoredEvent> events(ResourceKey key, String uid) {
        return em.createQuery("from EventRecord where objectUid = ?1 order by lastTimestamp, id", EventRecord.class)
                .setParameter(1, uid).getResultStream()
                .map(e -> new StoredEvent(e.type, e.reason, e.message, e.count, e.firstTimestamp, e.lastTimestamp,
                        e.kind, e.namespace, e.name))
                .toList();
    }

    /** Drops events last seen longer ago than the retention (Kubernetes keeps them an hour by default). */
    @Transactional
    public int expire(Duration retention) {
        return em.createQuery("delete from EventRecord where lastTimestamp < ?1")
                .setParameter(1, Instant.now().minus(retention)).executeUpdate();
    }
}
