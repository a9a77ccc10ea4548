package dev.mooring.reconcile;

import dev.mooring.api.Kind;
import dev.mooring.api.App;
import dev.mooring.api.Condition;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Volume;
import dev.mooring.api.VolumeStatus;
import dev.mooring.control.Controller;
import dev.mooring.control.Reconciler;
import dev.mooring.api.ResourceKey;
import dev.mooring.control.Result;
import dev.mooring.control.TerminalException;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.DockerEngines;
import dev.mooring.docker.EngineException;
import dev.mooring.docker.ObservedVolume;
import dev.mooring.docker.VolumeCreate;
import dev.mooring.store.ResourceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.Optional;

/** Keeps a Volume's Docker volume in place; never removes data unless the resource says Delete. */
@ApplicationScoped
public class VolumeReconciler implements Reconciler {
    @Inject
    ResourceStore store;
    @Inject
    DockerEngines engines;
    @Inject
    StatusWriter status;
    @Inject
    Controller controller;

    @Override
    public Kind kind() {
        return Kind.Volume;
    }

    @Override
    public Result reconcile(ResourceKey key) {
        Optional<Volume> found = store.find(Volume.class, key.namespace(), key.name());
        if (found.isEmpty()) {
            return Result.done(); // a volume whose resource is gone was retained on purpose
        }
        Volume vol = found.get();
        if (vol.isDeleting() && !engines.exists(vol.engineName())) {
            // no such engine is configured: nothing Mooring created can be there, so nothing holds the deletion
            store.removeFinalizer(key, vol.getMetadata().getUid(), MooringResource.FINALIZER);
            return Result.done();
        }
        DockerEngine engine;
        try {
            engine = engines.engine(vol.engineName());
        } catch (DockerEngines.UnknownEngineException e) {
            fail(key, vol, "UnknownEngine", e.getMessage());
            throw new TerminalException(e.getMessage());
        }
        String dockerName = DockerNames.volume(key.namespace(), key.name());
        ObservedVolume observed = engine.inspectVolume(dockerName);
        VolumeCreate desired = vol.isDeleting() ? null : VolumePlanner.desired(vol);
        boolean deleteData = "Delete".equals(vol.getSpec().reclaimPolicy);
        Plan plan;
        try {
            plan = VolumePlanner.plan(desired, deleteData, key.namespace(), key.name(), observed);
        } catch (dev.mooring.reconcile.NetworkPlanner.NotOwnedException e) {
            fail(key, vol, "NameInUse", e.getMessage());
            if (vol.isDeleting()) {
                store.removeFinalizer(key, vol.getMetadata().getUid(), MooringResource.FINALIZER);
                return Result.done();
            }
            throw new TerminalException(e.getMessage());
        }
        try {
            PlanExecutor.execute(engine, plan, op -> status.event(key, vol, StatusWriter.NORMAL, PlanExecutor.reason(op), op.describe()));
        } catch (EngineException e) {
            String msg = e.conflict() ? "volume " + dockerName + " is still in use by a container; delete the Apps that mount it first ("
                    + e.getMessage() + ")" : e.getMessage();
            fail(key, vol, e.conflict() ? "InUse" : "EngineError", msg);
            throw e;
        }
        if (vol.isDeleting()) {
            if (!deleteData && observed != null) {
                status.event(key, vol, StatusWriter.NORMAL, "Retained", "volume " + dockerName + " and its data are kept (reclaimPolicy Retain)");
            }
            store.removeFinalizer(key, vol.getMetadata().getUid(), MooringResource.FINALIZER);
            return Result.done();
        }
        ObservedVolume now = plan.isEmpty() ? observed : engine.inspectVolume(dockerName);
        VolumeStatus s = vol.getStatus() == null ? new VolumeStatus() : vol.getStatus();
        boolean wasReady = s.isTrue(Condition.READY);
        s.observedGeneration = vol.getMetadata().getGeneration();
        s.dockerName = dockerName;
        s.mountpoint = now == null ? null : now.mountpoint();
        Instant t = Instant.now();
        String drift = VolumePlanner.drift(desired, now);
        s.setCondition(Condition.READY, now != null, now != null ? "Created" : "Missing", now != null ? "volume " + dockerName + " exists" : "", t);
        s.setCondition(Condition.PROGRESSING, false, "Converged", "", t);
        s.setCondition(Condition.DEGRADED, drift != null, drift != null ? "SpecNotApplicable" : "AsExpected", drift == null ? "" : drift, t);
        status.status(key, vol, s);
        if (!plan.isEmpty() || !wasReady) {
            store.list(App.class, key.namespace()).forEach(a -> controller.enqueue(new ResourceKey(Kind.App, key.namespace(), a.name())));
        }
        return Result.done();
    }

    private void fail(ResourceKey key, Volume vol, String reason, String message) {
        VolumeStatus s = vol.getStatus() == null ? new VolumeStatus() : vol.getStatus();
        s.observedGeneration = vol.getMetadata().getGeneration();
        Instant t = Instant.now();
        s.setCondition(Condition.READY, false, reason, message, t);
        s.setCondition(Condition.DEGRADED, true, reason, message, t);
        status.status(key, vol, s);
        status.event(key, vol, StatusWriter.WARNING, reason, message);
    }
}
