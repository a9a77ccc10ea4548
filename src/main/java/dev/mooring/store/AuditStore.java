package dev.mooring.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The audit log as stored: appended to, queried newest first, expired after a retention. */
@ApplicationScoped
public class AuditStore {
    @Inject
    EntityManager em;

    /**
     * One audit line. {@code time} null means now. {@code requests} is how many requests it stands
     * for: 1, except for a counted line ({@link #addCounted}).
     */
    public record Entry(Instant time, String user, String tokenId, String verb, String kind, String namespace, String name,
                        String resourceVersionBefore, String resourceVersionAfter, String sourceAddress,
                        String outcome, int status, String detail, long requests) {
        /** A line of one request. */
        public Entry(Instant time, String user, String tokenId, String verb, String kind, String namespace, String name,
                     String resourceVersionBefore, String resourceVersionAfter, String sourceAddress,
                     String outcome, int status, String detail) {
            this(time, user, tokenId, verb, kind, namespace, name, resourceVersionBefore, resourceVersionAfter, sourceAddress,
                    outcome, status, detail, 1);
        }
    }

    /** What to look for; a null field matches everything. {@code user} matches the token's name or id. */
    public record Query(String user, String namespace, String kind, String name, String verb, Instant since, int limit) {
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void append(List<Entry> entries) {
        for (Entry e : entries) {
            AuditRecord r = new AuditRecord();
            r.occurredAt = (e.time() == null ? Instant.now() : e.time()).truncatedTo(ChronoUnit.MICROS);
            r.userName = cut(e.user(), 63);
            r.tokenId = e.tokenId();
            r.verb = cut(e.verb(), 32);
            r.kind = cut(e.kind(), 32);
            r.namespace = cut(e.namespace(), 63);
            r.name = cut(e.name(), 253);
            r.resourceVersionBefore = e.resourceVersionBefore();
            r.resourceVersionAfter = e.resourceVersionAfter();
            r.sourceAddress = cut(e.sourceAddress(), 64);
            r.outcome = e.outcome();
            r.status = e.status();
            r.detail = cut(e.detail(), 1000);
            r.requests = e.requests();
            em.persist(r);
        }
    }

    /**
     * Adds {@code requests} to the counted line that has the time, user, verb, status, source
     * address, kind, namespace and name of {@code line} (null matches null), or appends
     * {@code line} with that count when there is none yet. The caller makes the key bounded (a
     * minute, not an instant; no name a caller chose).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void addCounted(Entry line, long requests) {
        Instant time = line.time().truncatedTo(ChronoUnit.MICROS);
        Entry e = new Entry(time, cut(line.user(), 63), line.tokenId(), cut(line.verb(), 32), cut(line.kind(), 32), cut(line.namespace(), 63),
                cut(line.name(), 253), line.resourceVersionBefore(), line.resourceVersionAfter(), cut(line.sourceAddress(), 64),
                line.outcome(), line.status(), line.detail(), requests);
        StringBuilder jpql = new StringBuilder("from AuditRecord where occurredAt = ?1 and userName = ?2 and verb = ?3 and status = ?4");
        List<Object> params = new ArrayList<>(List.of(time, e.user(), e.verb(), e.status()));
        sameOrNull(jpql, params, "sourceAddress", e.sourceAddress());
        sameOrNull(jpql, params, "kind", e.kind());
        sameOrNull(jpql, params, "namespace", e.namespace());
        sameOrNull(jpql, params, "name", e.name());
        TypedQuery<AuditRecord> q = em.createQuery(jpql.toString(), AuditRecord.class);
        for (int i = 0; i < params.size(); i++) {
            q.setParameter(i + 1, params.get(i));
        }
        List<AuditRecord> found = q.setMaxResults(1).getResultList();
        if (!found.isEmpty()) {
            found.get(0).requests += requests;
            return;
        }
        append(List.of(e));
    }

    private static void sameOrNull(StringBuilder jpql, List<Object> params, String field, String value) {
        if (value == null) {
            jpql.append(" and ").append(field).append(" is null");
        } else {
            where(jpql, params, field, value);
        }
    }

    /** Matching lines, newest first. */
    @Transactional
    public List<Entry> query(Query q) {
        StringBuilder jpql = new StringBuilder("from AuditRecord where 1 = 1");
        List<Object> params = new ArrayList<>();
        if (q.user() != null) {
            params.add(q.user());
            jpql.append(" and (userName = ?").append(params.size()).append(" or tokenId = ?").append(params.size()).append(")");
        }
        where(jpql, params, "namespace", q.namespace());
        where(jpql, params, "kind", q.kind());
        where(jpql, params, "name", q.name());
        where(jpql, params, "verb", q.verb());
        if (q.since() != null) {
            params.add(q.since());
            jpql.append(" and occurredAt >= ?").append(params.size());
        }
        jpql.append(" order by occurredAt desc, id desc");
        TypedQuery<AuditRecord> query = em.createQuery(jpql.toString(), AuditRecord.class);
        for (int i = 0; i < params.size(); i++) {
            query.setParameter(i + 1, params.get(i));
        }
        return query.setMaxResults(q.limit()).getResultStream()
                .map(r -> new Entry(r.occurredAt, r.userName, r.tokenId, r.verb, r.kind, r.namespace, r.name, r.resourceVersionBefore,
                        r.resourceVersionAfter, r.sourceAddress, r.outcome, r.status, r.detail, r.requests))
                .toList();
    }

    @Transactional
    public int expire(Duration retention) {
        return em.createQuery("delete from AuditRecord where occurredAt < ?1").setParameter(1, Instant.now().minus(retention)).executeUpdate();
    }

    private static void where(StringBuilder jpql, List<Object> params, String field, String value) {
        if (value != null) {
            params.add(value);
            jpql.append(" and ").append(field).append(" = ?").append(params.size());
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
