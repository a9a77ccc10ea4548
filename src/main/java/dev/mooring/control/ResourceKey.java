package dev.mooring.control;

/**
 * All a reconciler receives: which resource to look at again. Reconciliation is level-based,
 * so the key carries no hint of what changed.
 */
public record ResourceKey(String kind, String namespace, String name) {
    @Override
    public String toString() {
        return kind + "/" + namespace + "/" + name;
    }
}
