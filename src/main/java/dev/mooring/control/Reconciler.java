package dev.mooring.control;

import dev.mooring.api.Kind;
import dev.mooring.api.ResourceKey;

/**
 * One per kind. Receives only the key and reads the whole desired and observed state itself.
 * Returns what should happen next; an ordinary exception is retried with backoff, a
 * {@link TerminalException} is not retried until the resource changes.
 */
public interface Reconciler {
    Kind kind();

    Result reconcile(ResourceKey key) throws Exception;
}
