package dev.mooring.store;

import dev.mooring.api.ResourceKey;

/** Fired for every write; observed after commit by the control loop, which enqueues the key. */
public record ResourceChanged(ResourceKey key) {
}
