package dev.mooring.store;

import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceCodec;
import dev.mooring.api.Secret;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a resource is kept in its {@link ResourceRecord} row and read back: identity and counters
 * in columns, the user-editable metadata and the spec as JSON documents (a Secret's values
 * apart, in {@link SecretStore}). Pure conversions, no database access.
 */
final class ResourceRows {
    private ResourceRows() {
    }

    /** Turns a row into its resource object: metadata from columns, spec and status from JSON. */
    static MooringResource<?, ?> decode(ResourceRecord row) {
        Kind kind = Kind.byName(row.kind).orElseThrow();
        MooringResource<?, ?> res;
        try {
            res = kind.type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        Meta meta = ResourceCodec.fromJson(row.meta, Meta.class);
        ObjectMeta m = new ObjectMeta();
        m.setName(row.name);
        m.setNamespace(row.namespace);
        m.setUid(row.uid);
        m.setResourceVersion(Long.toString(row.resourceVersion));
        m.setGeneration(row.generation);
        m.setCreationTimestamp(row.creationTimestamp.toString());
        m.setDeletionTimestamp(row.deletionTimestamp == null ? null : row.deletionTimestamp.toString());
        m.setLabels(meta.labels);
        m.setAnnotations(meta.annotations);
        m.setFinalizers(meta.finalizers);
        res.setMetadata(m);
        setSpecAndStatus(res, kind, row);
        if (res instanceof Secret secret) {
            SecretStore.showDigests(secret, row.spec);
        }
        return res;
    }

    /** The spec column: the spec as JSON; for a Secret, its values' digests (the values go to {@link SecretStore}). */
    static String specDocument(MooringResource<?, ?> desired) {
        return desired instanceof Secret secret ? SecretStore.digestDocument(secret) : ResourceCodec.toJson(desired.getSpec());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void setSpecAndStatus(MooringResource res, Kind kind, ResourceRecord row) {
        // Erasure hides the concrete types; read them from the kind's declared generics.
        var generic = (java.lang.reflect.ParameterizedType) kind.type.getGenericSuperclass();
        Class<?> specType = (Class<?>) generic.getActualTypeArguments()[0];
        Class<?> statusType = (Class<?>) generic.getActualTypeArguments()[1];
        res.setSpec(ResourceCodec.fromJson(row.spec, specType));
        res.setStatus(row.status == null ? null : ResourceCodec.fromJson(row.status, statusType));
    }

    static String kindOf(Class<?> type) {
        return type.getSimpleName();
    }

    static Instant now() {
        // Microseconds: what both H2 and PostgreSQL keep, so a value reads back as written.
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** The user-editable part of metadata, kept as one JSON document. */
    static final class Meta {
        public Map<String, String> labels;
        public Map<String, String> annotations;
        public List<String> finalizers;

        static Meta of(ObjectMeta m) {
            Meta meta = new Meta();
            meta.labels = m.getLabels() == null || m.getLabels().isEmpty() ? null : new LinkedHashMap<>(new java.util.TreeMap<>(m.getLabels()));
            meta.annotations = m.getAnnotations() == null || m.getAnnotations().isEmpty() ? null : new LinkedHashMap<>(new java.util.TreeMap<>(m.getAnnotations()));
            meta.finalizers = m.getFinalizers() == null || m.getFinalizers().isEmpty() ? null : new ArrayList<>(m.getFinalizers());
            return meta;
        }
    }
}
