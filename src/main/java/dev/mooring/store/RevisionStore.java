package dev.mooring.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * An App's revisions: each configuration (config hash and image) it rolled out, numbered from 1.
 * The same configuration again (a rollback, a reverted spec) is the same revision, so a
 * replica's revision label stays true.
 */
@ApplicationScoped
public class RevisionStore implements Revisions {
    public static final String PROGRESSING = "Progressing";
    public static final String COMPLETE = "Complete";
    public static final String FAILED = "Failed";

    @Inject
    EntityManager em;

    public record Revision(int number, String configHash, String image, String imageId, String spec, String cause,
                           String phase, Instant created) {
    }

    /** The revision of this configuration, recorded now (phase Progressing) when it is new. */
    @Transactional
    public Revision ensure(String appUid, String namespace, String name, String configHash, String image, String imageId,
                           String specJson, String cause, int historyLimit) {
        return ensure(appUid, namespace, name, configHash, image, imageId, specJson, null, cause, historyLimit);
    }

    /**
     * The same, also keeping the canonical JSON of the container template the config hash is of
     * (filled in on an older revision that lacks it), for plans to diff against.
     */
    @Transactional
    public Revision ensure(String appUid, String namespace, String name, String configHash, String image, String imageId,
                           String specJson, String templateJson, String cause, int historyLimit) {
        var query = imageId == null
                ? em.createQuery("from RevisionRecord where appUid = ?1 and configHash = ?2 and imageId is null", RevisionRecord.class)
                : em.createQuery("from RevisionRecord where appUid = ?1 and configHash = ?2 and imageId = ?3", RevisionRecord.class)
                    .setParameter(3, imageId);
        Optional<RevisionRecord> same = query.setParameter(1, appUid).setParameter(2, configHash).getResultStream().findFirst();
        if (same.isPresent()) {
            if (same.get().template == null && templateJson != null) {
                same.get().template = templateJson;
            }
            return of(same.get());
        }
        Integer max = em.createQuery("select max(number) from RevisionRecord where appUid = ?1", Integer.class)
                .setParameter(1, appUid).getSingleResult();
        RevisionRecord r = new RevisionRecord();
        r.appUid = appUid;
        r.namespace = namespace;
        r.name = name;
        r.number = max == null ? 1 : max + 1;
        r.configHash = configHash;
        r.image = image;
        r.imageId = imageId;
        r.spec = specJson;
        r.template = templateJson;
        r.cause = cause.length() > 1000 ? cause.substring(0, 997) + "..." : cause;
        r.phase = PROGRESSING;
        r.created = Instant.now().truncatedTo(ChronoUnit.MICROS);
        em.persist(r);
        prune(appUid, historyLimit);
        return of(r);
    }

    @Transactional
    public void setPhase(String appUid, int number, String phase) {
        em.createQuery("update RevisionRecord set phase = ?1 where appUid = ?2 and number = ?3 and phase <> ?1")
                .setParameter(1, phase).setParameter(2, appUid).setParameter(3, number).executeUpdate();
    }

    @Transactional
    public List<Revision> list(String appUid) {
        return em.createQuery("from RevisionRecord where appUid = ?1 order by number", RevisionRecord.class)
                .setParameter(1, appUid).getResultStream().map(RevisionStore::of).toList();
    }

    @Transactional
    public Optional<Revision> get(String appUid, int number) {
        return em.createQuery("from RevisionRecord where appUid = ?1 and number = ?2", RevisionRecord.class)
                .setParameter(1, appUid).setParameter(2, number).getResultStream().findFirst().map(RevisionStore::of);
    }

    /**
     * The container template (canonical JSON) recorded for a config hash of the App, if any
     * revision of it kept one: what a container carrying that hash was created from. Read-only.
     */
    @Transactional
    public Optional<String> template(String appUid, String configHash) {
        return em.createQuery("select template from RevisionRecord where appUid = ?1 and configHash = ?2 and template is not null"
                        + " order by number desc", String.class)
                .setParameter(1, appUid).setParameter(2, configHash).setMaxResults(1).getResultStream().findFirst();
    }

    /** The number of the revision of this configuration, if it was recorded. Read-only. */
    @Transactional
    public Optional<Integer> number(String appUid, String configHash, String imageId) {
        var query = imageId == null
                ? em.createQuery("select number from RevisionRecord where appUid = ?1 and configHash = ?2 and imageId is null", Integer.class)
                : em.createQuery("select number from RevisionRecord where appUid = ?1 and configHash = ?2 and imageId = ?3", Integer.class)
                    .setParameter(3, imageId);
        return query.setParameter(1, appUid).setParameter(2, configHash).setMaxResults(1).getResultStream().findFirst();
    }

    /** The newest revision that completed a rollout, other than the given one. */
    @Transactional
    public Optional<Revision> lastGood(String appUid, int except) {
        return em.createQuery("from RevisionRecord where appUid = ?1 and phase = ?2 and number <> ?3 order by number desc",
                        RevisionRecord.class)
                .setParameter(1, appUid).setParameter(2, COMPLETE).setParameter(3, except)
                .setMaxResults(1).getResultStream().findFirst().map(RevisionStore::of);
    }

    @Transactional
    public void deleteAll(String appUid) {
        em.createQuery("delete from RevisionRecord where appUid = ?1").setParameter(1, appUid).executeUpdate();
    }

    /** Keeps the newest {@code limit} revisions, and always the newest complete one (the rollback target). */
    private void prune(String appUid, int limit) {
        List<RevisionRecord> all = em.createQuery("from RevisionRecord where appUid = ?1 order by number desc", RevisionRecord.class)
                .setParameter(1, appUid).getResultList();
        Integer keepGood = all.stream().filter(r -> COMPLETE.equals(r.phase)).map(r -> r.number).findFirst().orElse(null);
        for (int i = limit; i < all.size(); i++) {
            if (keepGood == null || all.get(i).number != keepGood) {
                em.remove(all.get(i));
            }
        }
    }

    private static Revision of(RevisionRecord r) {
        return new Revision(r.number, r.configHash, r.image, r.imageId, r.spec, r.cause, r.phase, r.created);
    }
}
