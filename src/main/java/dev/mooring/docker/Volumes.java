package dev.mooring.docker;

import java.util.List;
import java.util.Map;

/** An engine's volumes: inspecting and listing them (the read side), then creating and removing them. */
final class Volumes {
    private final EngineClient engine;

    Volumes(EngineClient engine) {
        this.engine = engine;
    }

    /** The volume by name, or null when there is none. */
    ObservedVolume inspect(String volumeName) {
        return EngineClient.orNullWhenAbsent(() -> {
            var v = engine.call("volume.inspect", () -> engine.client.inspectVolumeCmd(volumeName).exec());
            return new ObservedVolume(v.getName(), v.getDriver(), engine.foreignUnmanaged(v.getLabels()), v.getMountpoint(), v.getOptions());
        });
    }

    /** The volumes of this instance carrying every given label. */
    List<ObservedVolume> list(Map<String, String> labels) {
        List<String> filter = engine.mineAsFilter(labels);
        var found = engine.call("volume.list", () -> engine.client.listVolumesCmd().withFilter("label", filter).exec());
        if (found.getVolumes() == null) {
            return List.of();
        }
        return found.getVolumes().stream().map(v -> new ObservedVolume(v.getName(), v.getDriver(),
                v.getLabels() == null ? Map.of() : v.getLabels(), v.getMountpoint())).toList();
    }

    ObservedVolume create(VolumeCreate v) {
        var r = engine.call("volume.create", () -> engine.client.createVolumeCmd().withName(v.name()).withDriver(v.driver())
                .withDriverOpts(v.driverOpts()).withLabels(engine.mine(v.labels())).exec());
        return new ObservedVolume(r.getName(), r.getDriver(), r.getLabels() == null ? Map.of() : r.getLabels(), r.getMountpoint());
    }

    void remove(String volumeName) {
        EngineClient.ignoringAbsent(() -> engine.call("volume.remove", () -> engine.client.removeVolumeCmd(volumeName).exec()));
    }
}
