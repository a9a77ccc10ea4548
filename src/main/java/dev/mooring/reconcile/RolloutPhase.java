package dev.mooring.reconcile;

/**
 * Where a rollout stands, as {@code status.rollout.phase} says it (the constant's name is the
 * text in JSON, which stays a string in {@code api}).
 */
public enum RolloutPhase {
    /** Replicas are being replaced with the target revision. */
    Progressing,
    /** Replicas are being replaced with the revision a failed rollout returns to. */
    RollingBack,
    /** Every replica runs the target revision. */
    Complete,
    /** Every replica runs the revision a failed rollout returned to. */
    RolledBack,
    /** The rollout failed with nothing to return to: it waits for the spec to change. */
    Paused;

    /** The phase a stored text names, or null for none (or a text this version does not know). */
    static RolloutPhase of(String text) {
        for (RolloutPhase p : values()) {
            if (p.name().equals(text)) {
                return p;
            }
        }
        return null;
    }

    /** A rollout of the revision is under way (its replicas are not all replaced and watched yet). */
    boolean underWay() {
        return this == Progressing || this == RollingBack;
    }

    /** The rollout reached its target and stayed there. */
    boolean settled() {
        return this == Complete || this == RolledBack;
    }
}
