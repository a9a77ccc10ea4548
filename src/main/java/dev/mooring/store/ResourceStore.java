package dev.mooring.store;

import dev.mooring.api.ApiException;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceCodec;
import dev.mooring.api.ResourceStatus;
import dev.mooring.api.Secret;
import dev.mooring.api.ResourceKey;
import dev.mooring.store.ResourceRows.Meta;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import static dev.mooring.store.ResourceRows.decode;
import static dev.mooring.store.ResourceRows.kindOf;
import static dev.mooring.store.ResourceRows.now;
import static dev.mooring.store.ResourceRows.specDocument;

/**
 * The desired-state store: the only truth for what should run. Every write bumps
 * {@code metadata.resourceVersion}; a spec change bumps {@code metadata.generation}; every
 * committed change notifies the control loop (after commit, see {@link ResourceChanged}).
 */
@ApplicationScoped
@TranslatesConflicts
public class ResourceStore implements DesiredState {
    @Inject
    EntityManager em;
    @Inject
    Event<ResourceChanged> changes;
    @Inject
    SecretStore secrets;

    /** What an apply or write did to one resource. */
    public enum Outcome { created, configured, unchanged, deleted }

    /** {@code previousResourceVersion}: what the resource was at before the write; null when it is new. */
    public record Written(MooringResource<?, ?> resource, Outcome outcome, String previousResourceVersion) {
        public Written(MooringResource<?, ?> resource, Outcome outcome) {
            this(resource, outcome, null);
        }
    }

    // ---- reads -------------------------------------------------------------------------

    @Transactional
    public <T extends MooringResource<?, ?>> Optional<T> find(Class<T> type, String namespace, String name) {
        return record(kindOf(type), namespace, name).map(r -> type.cast(decode(r)));
    }

    @Transactional
    public Optional<MooringResource<?, ?>> find(Kind kind, String namespace, String name) {
        return record(kind.name(), namespace, name).map(ResourceRows::decode);
    }

    /** Resources of a kind, in one namespace or (namespace null) all, matching every selector label. */
    @Transactional
    public List<MooringResource<?, ?>> list(Kind kind, String namespace, Map<String, String> selector) {
        List<ResourceRecord> rows = namespace == null
                ? em.createQuery("from ResourceRecord where kind = ?1 order by namespace, name", ResourceRecord.class)
                    .setParameter(1, kind.name()).getResultList()
                : em.createQuery("from ResourceRecord where kind = ?1 and namespace = ?2 order by name", ResourceRecord.class)
                    .setParameter(1, kind.name()).setParameter(2, namespace).getResultList();
        List<MooringResource<?, ?>> out = new ArrayList<>();
        for (ResourceRecord r : rows) {
            MooringResource<?, ?> res = decode(r);
            Map<String, String> labels = res.getMetadata().getLabels() == null ? Map.of() : res.getMetadata().getLabels();
            if (selector.entrySet().stream().allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()))) {
                out.add(res);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public <T extends MooringResource<?, ?>> List<T> list(Class<T> type, String namespace) {
        return (List<T>) (List<?>) list(Kind.byName(kindOf(type)).orElseThrow(), namespace, Map.of());
    }

    @Transactional
    public List<ResourceKey> keys() {
        return keys(em.createQuery("select kind, namespace, name from ResourceRecord", Object[].class).getResultList());
    }

    // ---- writes ------------------------------------------------------------------------

    /** Creates the resource owned by {@code source}; 409 when the name is taken. */
    @Transactional
    public MooringResource<?, ?> create(MooringResource<?, ?> desired, String source) {
        Kind kind = Kind.of(desired);
        Optional<ResourceRecord> existing = record(kind.name(), desired.namespace(), desired.name());
        if (existing.isPresent()) {
            ResourceSources.requireOwner(existing.get(), source);
            throw ApiException.alreadyExists(kind.name(), desired.namespace(), desired.name());
        }
        return insert(kind, desired, false, source).resource();
    }

    /** Which source owns the resource: {@link ResourceSources#REST}, {@link ResourceSources#CRD} or {@link ResourceSources#git}. */
    @Transactional
    public Optional<String> sourceOf(Kind kind, String namespace, String name) {
        return record(kind.name(), namespace, name).map(r -> r.source);
    }

    /** Every resource a source owns, e.g. to prune what left a Git repository. */
    @Transactional
    public List<ResourceKey> keysOwnedBy(String source) {
        return keys(em.createQuery("select kind, namespace, name from ResourceRecord where source = ?1 order by kind, namespace, name", Object[].class)
                .setParameter(1, source).getResultList());
    }

    /**
     * Replaces spec, labels and annotations (PUT) on behalf of {@code source}, which must own the
     * resource. With {@code metadata.resourceVersion} set, it must match the stored one; status is
     * never taken from the request.
     */
    @Transactional
    public Written replace(MooringResource<?, ?> desired, String source) {
        Kind kind = Kind.of(desired);
        ResourceRecord row = record(kind.name(), desired.namespace(), desired.name())
                .orElseThrow(() -> ApiException.notFound(kind.name(), desired.namespace(), desired.name()));
        ResourceSources.requireOwner(row, source);
        String rv = desired.getMetadata().getResourceVersion();
        if (rv != null && !rv.equals(Long.toString(row.resourceVersion))) {
            throw ApiException.conflict(kind.name() + " " + desired.namespace() + "/" + desired.name()
                    + " has changed (resourceVersion " + row.resourceVersion + ", request has " + rv
                    + "); read it again and retry");
        }
        return update(row, kind, desired, false);
    }

    /**
     * Creates or updates each resource in one transaction, all or nothing (POST /apply), on behalf
     * of {@code source}, which must own every existing resource.
     */
    @Transactional
    public List<Written> apply(List<MooringResource<?, ?>> resources, boolean dryRun, String source) {
        List<Written> out = new ArrayList<>();
        for (MooringResource<?, ?> desired : resources) {
            Kind kind = Kind.of(desired);
            Optional<ResourceRecord> row = record(kind.name(), desired.namespace(), desired.name());
            if (row.isEmpty()) {
                out.add(insert(kind, desired, dryRun, source));
            } else {
                ResourceSources.requireOwner(row.get(), source);
                if (row.get().deletionTimestamp != null) {
                    throw ApiException.conflict(kind.name() + " " + desired.namespace() + "/" + desired.name()
                            + " is being deleted; apply it again once it is gone");
                }
                out.add(update(row.get(), kind, desired, dryRun));
            }
        }
        if (!dryRun) {
            em.flush();
        }
        return out;
    }

    /**
     * Starts deletion: sets {@code deletionTimestamp}; the row stays until the reconciler has
     * removed what it created and dropped its finalizer. Without finalizers it goes at once.
     */
    @Transactional
    public Written delete(Kind kind, String namespace, String name) {
        return delete(kind, namespace, name, ResourceSources.REST);
    }

    /** {@link #delete(Kind, String, String)} on behalf of {@code source}, which must own the resource. */
    @Transactional
    public Written delete(Kind kind, String namespace, String name, String source) {
        ResourceRecord row = record(kind.name(), namespace, name)
                .orElseThrow(() -> ApiException.notFound(kind.name(), namespace, name));
        ResourceSources.requireOwner(row, source);
        MooringResource<?, ?> res = decode(row);
        String before = res.getMetadata().getResourceVersion();
        List<String> finalizers = res.getMetadata().getFinalizers();
        if (finalizers == null || finalizers.isEmpty()) {
            em.remove(row);
            deleteEvents(row.uid);
        } else if (row.deletionTimestamp == null) {
            row.deletionTimestamp = now();
            res.getMetadata().setDeletionTimestamp(row.deletionTimestamp.toString());
            em.flush();
            res.getMetadata().setResourceVersion(Long.toString(row.resourceVersion));
        }
        notifyChange(kind.name(), namespace, name);
        res.getMetadata().setDeletionTimestamp(row.deletionTimestamp == null ? now().toString() : row.deletionTimestamp.toString());
        return new Written(res, Outcome.deleted, before);
    }

    /** Writes status if it differs from the stored one; a resource replaced meanwhile (other uid) is left alone. */
    @Transactional
    public boolean updateStatus(ResourceKey key, String uid, ResourceStatus status) {
        Optional<ResourceRecord> row = record(key.kind().name(), key.namespace(), key.name());
        if (row.isEmpty() || !row.get().uid.equals(uid)) {
            return false;
        }
        String json = ResourceCodec.toJson(status);
        if (json.equals(row.get().status)) {
            return false;
        }
        row.get().status = json;
        return true;
    }

    /** Drops a finalizer; a deleting resource whose last finalizer goes is removed from the store. */
    @Transactional
    public void removeFinalizer(ResourceKey key, String uid, String finalizer) {
        Optional<ResourceRecord> found = record(key.kind().name(), key.namespace(), key.name());
        if (found.isEmpty() || !found.get().uid.equals(uid)) {
            return;
        }
        ResourceRecord row = found.get();
        Meta meta = ResourceCodec.fromJson(row.meta, Meta.class);
        if (meta.finalizers != null) {
            meta.finalizers.remove(finalizer);
        }
        if (row.deletionTimestamp != null && (meta.finalizers == null || meta.finalizers.isEmpty())) {
            em.remove(row);
            deleteEvents(row.uid);
        } else {
            row.meta = ResourceCodec.toJson(meta);
        }
        em.flush(); // a lost race shows here, as a WriteConflictException, even inside a caller's transaction
        notifyChange(key.kind().name(), key.namespace(), key.name());
    }

    // ---- internals ---------------------------------------------------------------------

    private Written insert(Kind kind, MooringResource<?, ?> desired, boolean dryRun, String source) {
        ResourceRecord row = new ResourceRecord();
        row.kind = kind.name();
        row.namespace = desired.namespace();
        row.name = desired.name();
        row.uid = UUID.randomUUID().toString();
        row.generation = 1;
        row.creationTimestamp = now();
        row.source = source;
        Meta meta = Meta.of(desired.getMetadata());
        if (meta.finalizers == null) {
            meta.finalizers = new ArrayList<>();
        }
        if (!meta.finalizers.contains(MooringResource.FINALIZER)) {
            meta.finalizers.add(0, MooringResource.FINALIZER);
        }
        row.meta = ResourceCodec.toJson(meta);
        row.spec = specDocument(desired);
        if (!dryRun) {
            em.persist(row);
            em.flush();
            if (desired instanceof Secret secret) {
                secrets.write(row, secret);
            }
            notifyChange(row.kind, row.namespace, row.name);
        }
        return new Written(decode(row), Outcome.created);
    }

    private Written update(ResourceRecord row, Kind kind, MooringResource<?, ?> desired, boolean dryRun) {
        Meta stored = ResourceCodec.fromJson(row.meta, Meta.class);
        Meta wanted = Meta.of(desired.getMetadata());
        if (wanted.finalizers == null) {
            wanted.finalizers = stored.finalizers; // finalizers are kept unless the request names them
        }
        String spec = specDocument(desired);
        boolean specChanged = !spec.equals(row.spec);
        boolean metaChanged = !ResourceCodec.toJson(wanted).equals(row.meta);
        String before = Long.toString(row.resourceVersion);
        if (!specChanged && !metaChanged) {
            return new Written(decode(row), Outcome.unchanged, before);
        }
        if (dryRun) {
            ResourceRecord preview = ResourceCodec.copy(row);
            preview.spec = spec;
            preview.meta = ResourceCodec.toJson(wanted);
            preview.generation = row.generation + (specChanged ? 1 : 0);
            return new Written(decode(preview), Outcome.configured, before);
        }
        row.spec = spec;
        row.meta = ResourceCodec.toJson(wanted);
        if (specChanged) {
            row.generation++;
            if (desired instanceof Secret secret) {
                secrets.write(row, secret);
            }
        }
        em.flush();
        notifyChange(kind.name(), row.namespace, row.name);
        return new Written(decode(row), Outcome.configured, before);
    }

    private Optional<ResourceRecord> record(String kind, String namespace, String name) {
        return em.createQuery("from ResourceRecord where kind = ?1 and namespace = ?2 and name = ?3", ResourceRecord.class)
                .setParameter(1, kind).setParameter(2, namespace).setParameter(3, name)
                .getResultStream().findFirst();
    }

    private static List<ResourceKey> keys(List<Object[]> rows) {
        return rows.stream().map(a -> new ResourceKey(Kind.valueOf((String) a[0]), (String) a[1], (String) a[2])).toList();
    }

    private void deleteEvents(String uid) {
        em.createQuery("delete from EventRecord where objectUid = ?1").setParameter(1, uid).executeUpdate();
    }

    private void notifyChange(String kind, String namespace, String name) {
        changes.fire(new ResourceChanged(new ResourceKey(Kind.valueOf(kind), namespace, name)));
    }

    // ---- Git source: apply and prune at once, hand-over, annotations --------------------

    /**
     * Applies {@code resources} and deletes {@code prune} on behalf of {@code source}, in one
     * transaction: a Git sync changes everything its commit asks for, or nothing. Every existing
     * resource touched must be owned by {@code source} (else 409 naming its owner). With
     * {@code dryRun} nothing is written and the answer says what would happen.
     */
    @Transactional
    public List<Written> applyAndPrune(List<MooringResource<?, ?>> resources, List<ResourceKey> prune, boolean dryRun, String source) {
        List<Written> out = new ArrayList<>(apply(resources, dryRun, source));
        for (ResourceKey key : prune) {
            Kind kind = key.kind();
            if (dryRun) {
                ResourceRecord row = record(key.kind().name(), key.namespace(), key.name())
                        .orElseThrow(() -> ApiException.notFound(key.kind().name(), key.namespace(), key.name()));
                ResourceSources.requireOwner(row, source);
                out.add(new Written(decode(row), Outcome.deleted, Long.toString(row.resourceVersion)));
            } else {
                out.add(delete(kind, key.namespace(), key.name(), source));
            }
        }
        if (!dryRun) {
            em.flush();
        }
        return out;
    }

    /** Hands every resource of one source to another (a GitRepository deleted without prune leaves its resources to the REST API). */
    @Transactional
    public int transferOwnership(String from, String to) {
        return em.createQuery("update ResourceRecord set source = ?1 where source = ?2")
                .setParameter(1, to).setParameter(2, from).executeUpdate();
    }

    /**
     * Sets (value non-null) or removes one annotation, whoever owns the resource: for the API's
     * own bookkeeping on a resource (like a confirmed prune), not for user edits. Notifies the loop.
     */
    @Transactional
    public MooringResource<?, ?> annotate(Kind kind, String namespace, String name, String annotation, String value) {
        ResourceRecord row = record(kind.name(), namespace, name)
                .orElseThrow(() -> ApiException.notFound(kind.name(), namespace, name));
        Meta meta = ResourceCodec.fromJson(row.meta, Meta.class);
        Map<String, String> annotations = new java.util.TreeMap<>(meta.annotations == null ? Map.of() : meta.annotations);
        if (value == null) {
            annotations.remove(annotation);
        } else {
            annotations.put(annotation, value);
        }
        meta.annotations = annotations.isEmpty() ? null : new LinkedHashMap<>(annotations);
        row.meta = ResourceCodec.toJson(meta);
        em.flush();
        notifyChange(kind.name(), namespace, name);
        return decode(row);
    }
}
