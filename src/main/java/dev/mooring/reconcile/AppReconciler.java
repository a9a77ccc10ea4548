package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.AppStatus;
import dev.mooring.api.Condition;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Network;
import dev.mooring.api.Volume;
import dev.mooring.control.Reconciler;
import dev.mooring.control.ResourceKey;
import dev.mooring.control.Result;
import dev.mooring.control.TerminalException;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.DockerEngines;
import dev.mooring.docker.EngineException;
import dev.mooring.docker.ObservedContainer;
import dev.mooring.store.ResourceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Keeps an App's containers as its spec says: observe (one list call), plan
 * ({@link AppPlanner}), execute ({@link PlanExecutor}), then write status and events.
 */
@ApplicationScoped
public class AppReconciler implements Reconciler {
    private static final Logger LOG = Logger.getLogger(AppReconciler.class);
    static final Duration DEPENDENCY_RECHECK = Duration.ofSeconds(5);
    static final Duration READINESS_RECHECK = Duration.ofSeconds(5);

    @Inject
    ResourceStore store;
    @Inject
    DockerEngines engines;
    @Inject
    StatusWriter status;

    @Override
    public String kind() {
        return "App";
    }

    @Override
    public Result reconcile(ResourceKey key) {
        Optional<App> found = store.find(App.class, key.namespace(), key.name());
        if (found.isEmpty()) {
            removeOrphans(key);
            return Result.done();
        }
        App app = found.get();
        DockerEngine engine = engineOf(key, app);
        List<ObservedContainer> observed = engine.listContainers(DesiredApp.ownerLabels(key.namespace(), key.name()));

        if (app.isDeleting()) {
            Plan plan = AppPlanner.plan(DesiredApp.gone(key.namespace(), key.name()), observed);
            execute(key, app, engine, plan);
            store.removeFinalizer(key, app.getMetadata().getUid(), MooringResource.FINALIZER);
            return Result.done();
        }

        String waitingFor = dependencies(app);
        if (waitingFor != null) {
            AppStatus s = baseStatus(app);
            Instant now = Instant.now();
            s.setCondition(Condition.READY, false, "WaitingForDependencies", "waiting for " + waitingFor, now);
            s.setCondition(Condition.PROGRESSING, true, "WaitingForDependencies", "waiting for " + waitingFor, now);
            s.setCondition(Condition.DEGRADED, false, "AsExpected", "", now);
            fillContainers(s, observed, null);
            status.status(key, app, s);
            status.event(key, app, StatusWriter.NORMAL, "WaitingForDependencies", "waiting for " + waitingFor);
            return Result.requeueAfter(DEPENDENCY_RECHECK);
        }

        DesiredApp desired = DesiredApp.of(app);
        Plan plan = AppPlanner.plan(desired, observed);
        if (!plan.isEmpty()) {
            execute(key, app, engine, plan);
            observed = engine.listContainers(DesiredApp.ownerLabels(key.namespace(), key.name()));
        }
        AppStatus s = statusOf(app, desired, observed, !plan.isEmpty());
        status.status(key, app, s);
        boolean settled = s.isTrue(Condition.READY) || !desired.running() || desired.replicas() == 0;
        return settled ? Result.done() : Result.requeueAfter(READINESS_RECHECK);
    }

    private DockerEngine engineOf(ResourceKey key, App app) {
        try {
            return engines.engine(app.engineName());
        } catch (DockerEngines.UnknownEngineException e) {
            AppStatus s = baseStatus(app);
            Instant now = Instant.now();
            s.setCondition(Condition.READY, false, "UnknownEngine", e.getMessage(), now);
            s.setCondition(Condition.PROGRESSING, false, "UnknownEngine", e.getMessage(), now);
            s.setCondition(Condition.DEGRADED, true, "UnknownEngine", e.getMessage(), now);
            status.status(key, app, s);
            status.event(key, app, StatusWriter.WARNING, "UnknownEngine", e.getMessage());
            throw new TerminalException(e.getMessage());
        }
    }

    private void execute(ResourceKey key, App app, DockerEngine engine, Plan plan) {
        LOG.debugf("%s: plan\n%s", key, plan);
        try {
            PlanExecutor.execute(engine, plan, op -> status.event(key, app, StatusWriter.NORMAL, PlanExecutor.reason(op), op.describe()));
        } catch (EngineException e) {
            AppStatus s = app.getStatus() == null ? new AppStatus() : app.getStatus();
            Instant now = Instant.now();
            s.setCondition(Condition.DEGRADED, true, "EngineError", e.getMessage(), now);
            s.setCondition(Condition.READY, false, "EngineError", e.getMessage(), now);
            status.status(key, app, s);
            status.event(key, app, StatusWriter.WARNING, "Failed", e.getMessage());
            throw e;
        }
    }

    /** What the App still waits for (a missing, deleting or unready Network or Volume), or null. */
    private String dependencies(App app) {
        AppSpec spec = app.getSpec();
        List<String> waiting = new ArrayList<>();
        if (spec.networks != null) {
            for (AppSpec.NetworkAttachment n : spec.networks) {
                store.find(Network.class, app.namespace(), n.name)
                        .map(net -> readiness("Network", net, app))
                        .or(() -> Optional.of("Network " + n.name + " (not found)"))
                        .filter(s -> !s.isEmpty()).ifPresent(waiting::add);
            }
        }
        if (spec.volumes != null) {
            for (AppSpec.VolumeMount m : spec.volumes) {
                if (m.volume == null) {
                    continue;
                }
                store.find(Volume.class, app.namespace(), m.volume)
                        .map(vol -> readiness("Volume", vol, app))
                        .or(() -> Optional.of("Volume " + m.volume + " (not found)"))
                        .filter(s -> !s.isEmpty()).ifPresent(waiting::add);
            }
        }
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

    private static AppStatus baseStatus(App app) {
        AppStatus s = app.getStatus() == null ? new AppStatus() : app.getStatus();
        s.observedGeneration = app.getMetadata().getGeneration();
        return s;
    }

    /** Status from what the engine shows after this pass. Pure apart from the clock. */
    static AppStatus statusOf(App app, DesiredApp desired, List<ObservedContainer> observed, boolean acted) {
        AppStatus s = baseStatus(app);
        fillContainers(s, observed, desired.configHash());
        s.replicas = desired.replicas();
        s.configHash = desired.configHash();
        List<ObservedContainer> current = observed.stream()
                .filter(c -> c.replica() >= 1 && c.replica() <= desired.replicas())
                .filter(c -> AppPlanner.staleness(desired, c) == null).toList();
        s.updatedReplicas = current.size();
        s.readyReplicas = (int) current.stream().filter(ObservedContainer::isReady).count();
        Instant now = Instant.now();
        boolean extra = observed.size() > desired.replicas();
        if (!desired.running()) {
            long running = observed.stream().filter(ObservedContainer::isRunning).count();
            s.setCondition(Condition.READY, false, "Stopped", "desiredState is Stopped; " + observed.size() + " containers kept, " + running + " running", now);
            s.setCondition(Condition.PROGRESSING, running > 0, running > 0 ? "Stopping" : "Stopped", "", now);
        } else if (s.readyReplicas == desired.replicas() && !extra) {
            s.setCondition(Condition.READY, true, "AllReplicasReady", s.readyReplicas + "/" + desired.replicas() + " replicas ready", now);
            s.setCondition(Condition.PROGRESSING, false, "Converged", "every replica runs the desired configuration", now);
        } else {
            String why = s.readyReplicas + "/" + desired.replicas() + " replicas ready";
            List<String> notReady = observed.stream().filter(c -> !c.isReady()).map(c -> c.name() + " " + c.state()
                    + ("none".equals(c.health()) ? "" : " (" + c.health() + ")")).toList();
            if (!notReady.isEmpty()) {
                why += "; not ready: " + String.join(", ", notReady);
            }
            s.setCondition(Condition.READY, false, "ReplicasNotReady", why, now);
            s.setCondition(Condition.PROGRESSING, true, acted ? "Reconciling" : "WaitingForReplicas", why, now);
        }
        s.setCondition(Condition.DEGRADED, false, "AsExpected", "", now);
        return s;
    }

    private static void fillContainers(AppStatus s, List<ObservedContainer> observed, String hash) {
        s.containers = new ArrayList<>();
        observed.stream().sorted(Comparator.comparingInt(ObservedContainer::replica).thenComparing(ObservedContainer::name))
                .forEach(c -> {
                    AppStatus.ContainerStatus cs = new AppStatus.ContainerStatus();
                    cs.name = c.name();
                    cs.id = c.id().substring(0, Math.min(12, c.id().length()));
                    cs.replica = c.replica();
                    cs.state = c.state();
                    cs.health = c.health();
                    cs.upToDate = hash != null && hash.equals(c.configHash());
                    s.containers.add(cs);
                });
    }

    /** The owner is gone from the store: whatever carries its labels on any engine is an orphan. */
    private void removeOrphans(ResourceKey key) {
        for (DockerEngine engine : engines.all()) {
            List<ObservedContainer> orphans;
            try {
                orphans = engine.listContainers(DesiredApp.ownerLabels(key.namespace(), key.name()));
            } catch (EngineException e) {
                LOG.debugf("engine %s unreachable while looking for orphans of %s: %s", engine.name(), key, e.getMessage());
                continue;
            }
            if (!orphans.isEmpty()) {
                Plan plan = AppPlanner.plan(DesiredApp.gone(key.namespace(), key.name()), orphans);
                LOG.infof("%s is gone; removing %d orphan containers on engine %s", key, orphans.size(), engine.name());
                PlanExecutor.execute(engine, plan, op -> LOG.infof("%s: %s", key, op.describe()));
            }
        }
    }
}
