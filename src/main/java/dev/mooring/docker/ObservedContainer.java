package dev.mooring.docker;

import dev.mooring.api.Labels;

import java.util.Map;
import java.util.Set;

/** One container as the engine listed it: enough to plan without inspecting it again. */
public record ObservedContainer(
        String id,
        String name,
        Map<String, String> labels,
        /** created, running, paused, restarting, removing, exited, dead */
        String state,
        /** healthy, unhealthy, starting, or none */
        String health,
        Set<String> networks,
        long createdEpochSeconds,
        String imageId,
        String status) {

    public boolean isRunning() {
        return "running".equals(state) || "restarting".equals(state);
    }

    public String label(String key) {
        return labels.get(key);
    }

    public String configHash() {
        return labels.get(Labels.CONFIG_HASH);
    }

    /** The replica number from its label, or 0 when the label is missing or not a number. */
    public int replica() {
        try {
            return Integer.parseInt(labels.getOrDefault(Labels.REPLICA, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Ready to serve: running, and healthy when it has a healthcheck. */
    public boolean isReady() {
        return "running".equals(state) && ("healthy".equals(health) || "none".equals(health));
    }

    /** Reads the health from docker's status text, e.g. {@code Up 3 seconds (healthy)}. */
    public static String healthFromStatus(String status) {
        if (status == null) {
            return "none";
        }
        if (status.contains("(healthy)")) {
            return "healthy";
        }
        if (status.contains("(unhealthy)")) {
            return "unhealthy";
        }
        if (status.contains("(health: starting)")) {
            return "starting";
        }
        return "none";
    }
}
