package dev.mooring.reconcile;

import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceCodec;
import dev.mooring.store.DesiredState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** The desired state in memory. Each read is a copy, as the store decodes a fresh resource per read. */
final class FakeDesiredState implements DesiredState {
    private final Map<String, MooringResource<?, ?>> resources = new TreeMap<>();

    void put(MooringResource<?, ?> r) {
        resources.put(r.getClass().getSimpleName() + "/" + r.namespace() + "/" + r.name(), ResourceCodec.copy(r));
    }

    @Override
    public <T extends MooringResource<?, ?>> Optional<T> find(Class<T> type, String namespace, String name) {
        return Optional.ofNullable(resources.get(type.getSimpleName() + "/" + namespace + "/" + name)).map(r -> type.cast(ResourceCodec.copy(r)));
    }

    @Override
    public <T extends MooringResource<?, ?>> List<T> list(Class<T> type, String namespace) {
        List<T> out = new ArrayList<>();
        resources.values().stream().filter(type::isInstance).filter(r -> namespace == null || Objects.equals(namespace, r.namespace()))
                .forEach(r -> out.add(type.cast(ResourceCodec.copy(r))));
        return out;
    }
}
