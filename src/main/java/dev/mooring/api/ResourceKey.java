package dev.mooring.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Which resource to look at: all a reconciler receives, and how the store, the events and the
 * audit name a resource. Reconciliation is level-based, so the key carries no hint of what
 * changed. The kind is typed: a key of a kind Mooring does not serve cannot be made.
 */
public record ResourceKey(Kind kind, String namespace, String name) {
    public ResourceKey {
        Objects.requireNonNull(kind, "kind");
    }

    public static ResourceKey of(MooringResource<?, ?> r) {
        return new ResourceKey(Kind.of(r), r.namespace(), r.name());
    }

    /**
     * The key a kind's name and a namespace and name make, or empty when Mooring serves no such
     * kind (labels on the engine are not trusted to name one).
     */
    public static Optional<ResourceKey> parse(String kind, String namespace, String name) {
        if (kind == null || namespace == null || name == null) {
            return Optional.empty();
        }
        return Kind.byName(kind).map(k -> new ResourceKey(k, namespace, name));
    }

    @Override
    public String toString() {
        return kind.name() + "/" + namespace + "/" + name;
    }
}
