package dev.mooring.api;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The bounds {@link Validation} holds every resource to, whatever its source (REST, compose, Git,
 * CRD), read from configuration ({@code mooring.limits.*}) with the defaults below when there is
 * none (a unit test, a tool). They exist because an unbounded value hurt the engine or the loop
 * (issue 10): 100,000 replicas, a 2.9 MB command line that hung runc.
 */
public final class Limits {
    /** Default of {@code mooring.limits.max-replicas}. */
    public static final int DEFAULT_MAX_REPLICAS = 100;
    /** Default of {@code mooring.limits.max-container-config-bytes}: 128 KiB. */
    public static final int DEFAULT_MAX_CONTAINER_CONFIG_BYTES = 128 * 1024;

    /** The longest string value accepted anywhere in a resource or compose file (64 KiB of characters). */
    public static final int MAX_STRING = 64 * 1024;
    /** The most entries of one list or map (env, ports, labels, ...). */
    public static final int MAX_ENTRIES = 1000;
    /** The deepest nesting of lists and maps a document may have. */
    public static final int MAX_NESTING_DEPTH = 100;

    private Limits() {
    }

    /** The most replicas one App may ask for. */
    public static int maxReplicas() {
        return setting("mooring.limits.max-replicas", DEFAULT_MAX_REPLICAS);
    }

    /**
     * The most bytes of what becomes a container's process and config: command, entrypoint,
     * environment, labels and healthcheck command together.
     */
    public static int maxContainerConfigBytes() {
        return setting("mooring.limits.max-container-config-bytes", DEFAULT_MAX_CONTAINER_CONFIG_BYTES);
    }

    private static int setting(String name, int fallback) {
        try {
            return ConfigProvider.getConfig().getOptionalValue(name, Integer.class).orElse(fallback);
        } catch (IllegalStateException | IllegalArgumentException e) {
            return fallback; // no configuration in this class loader (a plain unit test)
        }
    }
}
