package dev.mooring.docker;

import java.util.Map;
import java.util.Set;

/** A network on an engine, with the names of the containers attached to it. */
public record ObservedNetwork(String id, String name, Map<String, String> labels, Set<String> containerIds) {
}
