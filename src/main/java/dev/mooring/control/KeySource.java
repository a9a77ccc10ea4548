package dev.mooring.control;

import dev.mooring.api.ResourceKey;
import java.util.Collection;

/**
 * Supplies keys for the periodic resync: the store lists every resource, each engine lists the
 * owners of what it carries (so an orphan, whose owner is gone, gets a reconcile that removes it).
 */
public interface KeySource {
    Collection<ResourceKey> keys() throws Exception;
}
