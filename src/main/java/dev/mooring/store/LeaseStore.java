package dev.mooring.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The leader lease in the database: a row per lease name holding its holder and a version that
 * every renewal bumps. Each write is a compare-and-set in its own transaction, so two candidates
 * can never both win: the elector ({@code dev.mooring.control.DatabaseLeaderElector}) decides
 * when to call what. Plain SQL that H2 and PostgreSQL both run.
 */
@ApplicationScoped
public class LeaseStore {
    @Inject
    EntityManager em;

    /** The lease as last written: {@code holder} null when released. */
    public record Lease(String holder, long version) {
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Lease> read(String name) {
        List<?> rows = em.createNativeQuery("SELECT holder, version FROM leader_lease WHERE name = ?1")
                .setParameter(1, name).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = (Object[]) rows.get(0);
        return Optional.of(new Lease((String) row[0], ((Number) row[1]).longValue()));
    }

    /** Creates the lease held by {@code holder}; throws when another candidate created it first. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void create(String name, String holder) {
        em.createNativeQuery("INSERT INTO leader_lease (name, holder, version, renewed_at) VALUES (?1, ?2, 1, ?3)")
                .setParameter(1, name).setParameter(2, holder).setParameter(3, now()).executeUpdate();
    }

    /** Takes the lease over if it is still at {@code version} (nobody renewed or took it meanwhile). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean takeOver(String name, String holder, long version) {
        return em.createNativeQuery("UPDATE leader_lease SET holder = ?1, version = version + 1, renewed_at = ?2 WHERE name = ?3 AND version = ?4")
                .setParameter(1, holder).setParameter(2, now()).setParameter(3, name).setParameter(4, version).executeUpdate() == 1;
    }

    /** Renews the lease if {@code holder} still holds it. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean renew(String name, String holder) {
        return em.createNativeQuery("UPDATE leader_lease SET version = version + 1, renewed_at = ?1 WHERE name = ?2 AND holder = ?3")
                .setParameter(1, now()).setParameter(2, name).setParameter(3, holder).executeUpdate() == 1;
    }

    /** Gives the lease up (on shutdown), so another candidate takes it at its next try. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean release(String name, String holder) {
        return em.createNativeQuery("UPDATE leader_lease SET holder = NULL, version = version + 1, renewed_at = ?1 WHERE name = ?2 AND holder = ?3")
                .setParameter(1, now()).setParameter(2, name).setParameter(3, holder).executeUpdate() == 1;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
