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
        String status,
        /** Published ports, like {@code 127.0.0.1:32768->8080/tcp}. */
        java.util.List<String> ports) {

    private static final java.util.regex.Pattern EXITED = java.util.regex.Pattern.compile("Exited \\((-?\\d+)\\)");
    /** The whole "up" part of a status text (UP may stop short of a plural's "s"), for {@link #olderBy}. */
    private static final java.util.regex.Pattern UP_TEXT = java.util.regex.Pattern.compile("Up (Less than a second|About an? \\w+|\\d+ \\w+)");
    private static final java.util.regex.Pattern UP = java.util.regex.Pattern.compile(
            "Up (Less than a second|About a minute|About an hour|(\\d+) (second|seconds|minute|minutes|hour|hours|day|days|week|weeks|month|months))");

    /** The exit code of an exited container, from docker's status text ({@code Exited (1) 3 seconds ago}), or null. */
    public Integer exitCode() {
        if (status == null) {
            return null;
        }
        java.util.regex.Matcher m = EXITED.matcher(status);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    /** How long a running container has been up, from docker's status text (coarse past a minute), or -1. */
    public long upSeconds() {
        if (status == null) {
            return -1;
        }
        java.util.regex.Matcher m = UP.matcher(status);
        if (!m.find()) {
            return -1;
        }
        return switch (m.group(1)) {
            case "Less than a second" -> 0;
            case "About a minute" -> 60;
            case "About an hour" -> 3600;
            default -> {
                long n = Long.parseLong(m.group(2));
                String unit = m.group(3);
                long mult = unit.startsWith("second") ? 1 : unit.startsWith("minute") ? 60 : unit.startsWith("hour") ? 3600
                        : unit.startsWith("day") ? 86400 : unit.startsWith("week") ? 604800 : 2592000;
                yield n * mult;
            }
        };
    }

    /**
     * The same container as it would be listed {@code seconds} later: a running one's status text
     * says it has been up that much longer (in seconds, which {@link #upSeconds} reads exactly).
     * A watched view answers with this between its looks at the engine.
     */
    ObservedContainer olderBy(long seconds) {
        long up = upSeconds();
        if (seconds <= 0 || up < 0) {
            return this;
        }
        String aged = UP_TEXT.matcher(status).replaceFirst("Up " + (up + seconds) + " seconds");
        return new ObservedContainer(id, name, labels, state, health, networks, createdEpochSeconds, imageId, aged, ports);
    }

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

    /** Ready, and without a healthcheck up for at least minReadySeconds. */
    public boolean isReady(int minReadySeconds) {
        if (!isReady()) {
            return false;
        }
        return !"none".equals(health) || minReadySeconds <= 0 || upSeconds() >= minReadySeconds;
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
