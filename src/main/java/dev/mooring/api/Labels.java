package dev.mooring.api;

/** The labels by which Mooring knows what it owns on an engine (DESIGN.md, "Ownership on the engine"). */
public final class Labels {
    public static final String PREFIX = "dev.mooring.";
    public static final String MANAGED = "dev.mooring.managed";
    public static final String KIND = "dev.mooring.kind";
    public static final String NAMESPACE = "dev.mooring.namespace";
    public static final String NAME = "dev.mooring.name";
    public static final String REPLICA = "dev.mooring.replica";
    public static final String CONFIG_HASH = "dev.mooring.config-hash";
    public static final String GENERATION = "dev.mooring.generation";
    public static final String REVISION = "dev.mooring.revision";
    /** Seconds the container may take to stop (its stopGracePeriod), so that an orphan is stopped as gently. */
    public static final String STOP_GRACE = "dev.mooring.stop-grace";
    /**
     * Which Mooring installation owns the object ({@code mooring.instance}), so that two
     * installations sharing an engine never take each other's containers for orphans.
     */
    public static final String INSTANCE = "dev.mooring.instance";

    private Labels() {
    }
}
