package dev.mooring.docker;

import java.util.Map;
import java.util.Set;

/**
 * A network on an engine, with the names of the containers attached to it, and, when it was
 * inspected, its settings in the terms it was created with (null from a list).
 */
public record ObservedNetwork(String id, String name, Map<String, String> labels, Set<String> containerIds, NetworkCreate settings) {
    public ObservedNetwork(String id, String name, Map<String, String> labels, Set<String> containerIds) {
        this(id, name, labels, containerIds, null);
    }
}
