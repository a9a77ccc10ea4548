package dev.mooring.control;

import dev.mooring.store.ResourceStore;
import dev.mooring.api.ResourceKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Collection;

/** For the resync: every stored resource. */
@ApplicationScoped
public class StoreKeySource implements KeySource {
    @Inject
    ResourceStore store;

    @Override
    public Collection<ResourceKey> keys() {
        return store.keys();
    }
}
