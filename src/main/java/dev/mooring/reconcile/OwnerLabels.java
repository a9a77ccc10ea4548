package dev.mooring.reconcile;

import dev.mooring.api.Kind;
import dev.mooring.api.Labels;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels by which an object on an engine names the resource that owns it (DESIGN.md,
 * "Ownership on the engine"), and the one test of whether an object is a resource's own. Names
 * cannot tell: {@code a-b} + {@code c} and {@code a} + {@code b-c} meet on the engine.
 */
final class OwnerLabels {
    private OwnerLabels() {
    }

    /** Managed by Mooring, for the resource of this kind, namespace and name. */
    static Map<String, String> of(Kind kind, String namespace, String name) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED, "true");
        labels.put(Labels.KIND, kind.name());
        labels.put(Labels.NAMESPACE, namespace);
        labels.put(Labels.NAME, name);
        return labels;
    }

    /** Whether an object's labels carry every one of the owner's. */
    static boolean carries(Map<String, String> labels, Map<String, String> owner) {
        return owner.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
