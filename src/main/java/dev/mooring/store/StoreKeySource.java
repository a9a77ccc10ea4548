package dev.mooring.store;

import dev.mooring.control.KeySource;
import dev.mooring.control.ResourceKey;
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
