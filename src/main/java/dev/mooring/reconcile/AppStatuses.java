package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppStatus;
import dev.mooring.api.Condition;
import dev.mooring.api.Labels;
import dev.mooring.docker.ObservedContainer;
import dev.mooring.reconcile.RolloutState.CrashState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** An App's status as a pass found it, without I/O: replica counts, the conditions they imply, each container. */
final class AppStatuses {
    private AppStatuses() {
    }

    /** The last status (or a new one), for the App's current generation. */
    static AppStatus base(App app) {
        AppStatus s = app.getStatus() == null ? new AppStatus() : app.getStatus();
        s.observedGeneration = app.getMetadata().getGeneration();
        return s;
    }

    /** Replica counts and conditions from what the engine shows after this pass. */
    static AppStatus of(App app, DesiredApp desired, List<ObservedContainer> observed, boolean acted, Instant now) {
        AppStatus s = base(app);
        int minReady = desired.lifecycle().minReadySeconds();
        s.replicas = desired.replicas();
        s.configHash = desired.configHash();
        List<ObservedContainer> current = observed.stream()
                .filter(c -> c.replica() >= 1 && c.replica() <= desired.replicas())
                .filter(c -> AppPlanner.staleness(desired, c) == null).toList();
        s.updatedReplicas = current.size();
        s.readyReplicas = (int) observed.stream().filter(c -> c.replica() >= 1 && c.replica() <= desired.replicas())
                .filter(c -> c.isReady(minReady)).map(ObservedContainer::replica).distinct().count();
        if (!desired.running()) {
            long running = observed.stream().filter(ObservedContainer::isRunning).count();
            s.setCondition(Condition.READY, false, "Stopped", "desiredState is Stopped; " + observed.size() + " containers kept, " + running + " running", now);
            s.setCondition(Condition.PROGRESSING, running > 0, running > 0 ? "Stopping" : "Stopped", "", now);
        } else if (desired.replicas() > 0 && observed.size() == desired.replicas() && current.size() == desired.replicas()
                && current.stream().allMatch(c -> AppPlanner.completed(desired, c))) {
            String why = "every replica exited 0; restartPolicy " + desired.lifecycle().restartPolicy() + " starts none again";
            s.setCondition(Condition.READY, false, "Completed", why, now);
            s.setCondition(Condition.PROGRESSING, false, "Completed", why, now);
        } else if (s.readyReplicas == desired.replicas() && observed.size() == desired.replicas()
                && current.size() == desired.replicas()) {
            s.setCondition(Condition.READY, true, "AllReplicasReady", s.readyReplicas + "/" + desired.replicas() + " replicas ready", now);
            s.setCondition(Condition.PROGRESSING, false, "Converged", "every replica runs the desired configuration", now);
        } else {
            String why = s.readyReplicas + "/" + desired.replicas() + " replicas ready, " + current.size() + " up to date";
            List<String> notReady = observed.stream().filter(c -> !c.isReady(minReady)).map(c -> c.name() + " " + c.state()
                    + ("none".equals(c.health()) ? "" : " (" + c.health() + ")")).toList();
            if (!notReady.isEmpty()) {
                why += "; not ready: " + String.join(", ", notReady);
            }
            boolean serving = s.readyReplicas == desired.replicas();
            s.setCondition(Condition.READY, serving, serving ? "AllReplicasReady" : "ReplicasNotReady", why, now);
            s.setCondition(Condition.PROGRESSING, true, acted ? "Reconciling" : "WaitingForReplicas", why, now);
        }
        s.setCondition(Condition.DEGRADED, false, "AsExpected", "", now);
        return s;
    }

    /** Each observed container, in replica order; {@code target} null when no target is known (its containers are not up to date). */
    static void fillContainers(AppStatus s, List<ObservedContainer> observed, DesiredApp target,
                               Map<String, Instant> readySince, Map<Integer, CrashState> crashes) {
        s.containers = new ArrayList<>();
        observed.stream().sorted(Comparator.comparingInt(ObservedContainer::replica).thenComparing(ObservedContainer::name))
                .forEach(c -> s.containers.add(container(c, target, readySince.get(c.id()), crashes.get(c.replica()))));
    }

    /** The containers as listed, with nothing known of a target (a pass that stops before it has one). */
    static void fillContainers(AppStatus s, List<ObservedContainer> observed) {
        fillContainers(s, observed, null, Map.of(), Map.of());
    }

    private static AppStatus.ContainerStatus container(ObservedContainer c, DesiredApp target, Instant since, CrashState crash) {
        AppStatus.ContainerStatus cs = new AppStatus.ContainerStatus();
        cs.name = c.name();
        cs.id = shortId(c.id());
        cs.replica = c.replica();
        cs.state = c.state();
        cs.health = c.health();
        cs.exitCode = c.exitCode();
        cs.imageId = c.imageId();
        cs.ports = c.ports() == null || c.ports().isEmpty() ? null : c.ports();
        cs.upToDate = target != null && AppPlanner.staleness(target, c) == null;
        String rev = c.label(Labels.REVISION);
        cs.revision = rev == null ? null : Integer.valueOf(rev);
        cs.readySince = since == null ? null : since.toString();
        if (crash != null) {
            cs.restarts = crash.restarts();
            cs.nextRestartAt = crash.nextRestartAt() == null ? null : crash.nextRestartAt().toString();
            cs.lastRestartAt = crash.lastRestartAt() == null ? null : crash.lastRestartAt().toString();
        }
        return cs;
    }

    static String shortId(String id) {
        return id.substring(0, Math.min(12, id.length()));
    }
}
