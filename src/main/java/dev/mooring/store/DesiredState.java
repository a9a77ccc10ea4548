package dev.mooring.store;

import dev.mooring.api.MooringResource;

import java.util.List;
import java.util.Optional;

/**
 * The desired state as a reconciler reads it: resources found by name or listed per namespace.
 * The seam between {@code reconcile} and the store, so that reconciler logic can be tested over an
 * in-memory fake; {@link ResourceStore} is the real one.
 */
public interface DesiredState {
    <T extends MooringResource<?, ?>> Optional<T> find(Class<T> type, String namespace, String name);

    /** Resources of a type in one namespace, or in all when {@code namespace} is null. */
    <T extends MooringResource<?, ?>> List<T> list(Class<T> type, String namespace);
}
