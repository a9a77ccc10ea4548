package dev.mooring.reconcile;

import dev.mooring.api.Kind;
import dev.mooring.api.ResourceKey;
import dev.mooring.api.Volume;
import dev.mooring.api.VolumeStatus;
import dev.mooring.control.Result;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.EngineException;
import dev.mooring.docker.ObservedVolume;
import dev.mooring.docker.VolumeCreate;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** Keeps a Volume's Docker volume in place; never removes data unless the resource says Delete. */
@ApplicationScoped
public class VolumeReconciler extends EngineObjectReconciler<Volume, VolumeStatus> {
    @Override
    public Kind kind() {
        return Kind.Volume;
    }

    @Override
    VolumeStatus newStatus() {
        return new VolumeStatus();
    }

    /** A removal the engine refuses with a conflict: a container still mounts the volume. */
    @Override
    Failure explain(ResourceKey key, EngineException e) {
        if (!e.conflict()) {
            return super.explain(key, e);
        }
        return new Failure("InUse", "volume " + DockerNames.volume(key.namespace(), key.name())
                + " is still in use by a container; delete the Apps that mount it first (" + e.getMessage() + ")");
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
            return release(key, vol);
        }
        DockerEngine engine = engineOf(key, vol);
        String dockerName = DockerNames.volume(key.namespace(), key.name());
        ObservedVolume observed = engine.inspectVolume(dockerName);
        VolumeCreate desired = vol.isDeleting() ? null : VolumePlanner.desired(vol);
        boolean deleteData = "Delete".equals(vol.getSpec().reclaimPolicy);
        Plan plan;
        try {
            plan = VolumePlanner.plan(desired, deleteData, key.namespace(), key.name(), observed);
        } catch (NetworkPlanner.NotOwnedException e) {
            return nameInUse(key, vol, e);
        }
        execute(key, vol, engine, plan);
        if (vol.isDeleting()) {
            if (!deleteData && observed != null) {
                status.event(key, vol, StatusWriter.NORMAL, "Retained", "volume " + dockerName + " and its data are kept (reclaimPolicy Retain)");
            }
            return release(key, vol);
        }
        ObservedVolume now = plan.isEmpty() ? observed : engine.inspectVolume(dockerName);
        VolumeStatus s = statusOf(vol);
        s.dockerName = dockerName;
        s.mountpoint = now == null ? null : now.mountpoint();
        recordConverged(key, vol, s, now != null, "volume " + dockerName, VolumePlanner.drift(desired, now), !plan.isEmpty());
        return Result.done();
    }
}
