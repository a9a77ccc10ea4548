package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.AppStatus;
import dev.mooring.api.Condition;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Network;
import dev.mooring.api.Secret;
import dev.mooring.api.Volume;
import dev.mooring.store.DesiredState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What an App waits for before the loop acts on it, read from the desired state: its Networks and
 * Volumes (there, on its engine, ready), its Secrets (there, with the keys it names) and the Apps
 * of {@code spec.dependsOn} (meeting their condition). Each is null when nothing is awaited.
 *
 * @param resources Networks and Volumes: while they are awaited the loop does nothing
 * @param secrets   Secrets: while they are awaited the loop does nothing, and the configuration is not known
 * @param apps      Apps of {@code dependsOn}: while they are awaited no missing replica is created
 */
record AppWaits(String resources, String secrets, String apps) {

    /**
     * @param secretsOf the Secrets of the App's namespace by name (the store's, or also those of a dry run)
     * @param digests   filled with the digests of the Secrets found (Secret name to key to digest)
     */
    static AppWaits of(App app, DesiredState store, Function<String, Optional<Secret>> secretsOf,
                       Map<String, Map<String, String>> digests) {
        return new AppWaits(resources(app, store), SecretUse.waitingFor(secretsOf, app.getSpec(), digests), apps(app, store));
    }

    /** What keeps the loop from acting at all (Networks, Volumes, Secrets), or null. */
    String blocking() {
        return join(resources, secrets);
    }

    /** What a plan says the changes wait for (Networks, Volumes, Apps), or null. */
    String beforeChanges() {
        return join(resources, apps);
    }

    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + ", " + b;
    }

    private static String resources(App app, DesiredState store) {
        AppSpec spec = app.getSpec();
        List<String> waiting = new ArrayList<>();
        if (spec.networks != null) {
            for (AppSpec.NetworkAttachment n : spec.networks) {
                waiting.add(store.find(Network.class, app.namespace(), n.name).map(net -> readiness("Network", net, app))
                        .orElse("Network " + n.name + " (not found)"));
            }
        }
        if (spec.volumes != null) {
            for (AppSpec.VolumeMount m : spec.volumes) {
                if (m.volume != null) {
                    waiting.add(store.find(Volume.class, app.namespace(), m.volume).map(vol -> readiness("Volume", vol, app))
                            .orElse("Volume " + m.volume + " (not found)"));
                }
            }
        }
        waiting.removeIf(String::isEmpty);
        return waiting.isEmpty() ? null : String.join(", ", waiting);
    }

    private static String readiness(String kind, MooringResource<?, ?> dep, App app) {
        String name = kind + " " + dep.name();
        if (dep.isDeleting()) {
            return name + " (being deleted)";
        }
        if (!dep.engineName().equals(app.engineName())) {
            return name + " (on engine " + dep.engineName() + ", the App is on " + app.engineName() + ")";
        }
        if (dep.getStatus() == null || !dep.getStatus().isTrue(Condition.READY)) {
            return name + " (not ready yet)";
        }
        return "";
    }

    /** Which of the Apps in spec.dependsOn do not yet meet their condition, or null when all do. */
    private static String apps(App app, DesiredState store) {
        if (app.getSpec().dependsOn == null) {
            return null;
        }
        List<String> waiting = new ArrayList<>();
        for (AppSpec.Dependency d : app.getSpec().dependsOn) {
            String condition = d.condition == null ? "started" : d.condition;
            Optional<App> dep = store.find(App.class, app.namespace(), d.app);
            if (dep.isEmpty()) {
                waiting.add("App " + d.app + " (not found)");
            } else if (!met(dep.get(), condition)) {
                waiting.add("App " + d.app + " (" + condition + ")");
            }
        }
        return waiting.isEmpty() ? null : String.join(", ", waiting);
    }

    /**
     * Whether {@code dep} is as {@code condition} wants. A replica that exited and that its
     * restartPolicy does not start again (a one-shot job that ran) has started, as in Compose, so
     * a {@code started} dependency on a quick job is not waited for forever.
     */
    static boolean met(App dep, String condition) {
        AppStatus s = dep.getStatus();
        int replicas = dep.getSpec().replicas == null ? 1 : dep.getSpec().replicas;
        List<AppStatus.ContainerStatus> cs = s == null || s.containers == null ? List.of() : s.containers;
        return switch (condition) {
            case "healthy" -> s != null && s.isTrue(Condition.READY)
                    && Objects.equals(s.observedGeneration, dep.getMetadata().getGeneration());
            case "completed" -> !cs.isEmpty() && cs.stream().allMatch(c -> "exited".equals(c.state) && Integer.valueOf(0).equals(c.exitCode));
            default -> cs.size() >= replicas && cs.stream().filter(c -> "running".equals(c.state) || ran(dep, c)).count() >= replicas;
        };
    }

    private static boolean ran(App dep, AppStatus.ContainerStatus c) {
        String policy = dep.getSpec().restartPolicy;
        return "exited".equals(c.state) && ("no".equals(policy) || "on-failure".equals(policy) && Integer.valueOf(0).equals(c.exitCode));
    }
}
