package dev.mooring.reconcile;

import dev.mooring.api.Kind;
import dev.mooring.api.Volume;
import dev.mooring.api.VolumeSpec;
import dev.mooring.docker.ObservedVolume;
import dev.mooring.docker.VolumeCreate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Plans a Volume. A volume holds data, so Mooring never replaces one: a changed driver or
 * driver options is reported, not acted on, and a volume is removed only when its resource is
 * deleted with {@code reclaimPolicy: Delete}. A volume that Mooring created for a resource of the
 * same name (kept by {@code Retain}) is adopted again, with its data.
 */
public final class VolumePlanner {
    private VolumePlanner() {
    }

    public static VolumeCreate desired(Volume v) {
        VolumeSpec s = v.getSpec();
        Map<String, String> labels = new LinkedHashMap<>(s.labels == null ? Map.of() : new TreeMap<>(s.labels));
        labels.putAll(ownerLabels(v.namespace(), v.name()));
        return new VolumeCreate(DockerNames.volume(v.namespace(), v.name()), s.driver == null ? "local" : s.driver,
                s.driverOpts == null ? Map.of() : new TreeMap<>(s.driverOpts), labels);
    }

    public static Map<String, String> ownerLabels(String namespace, String name) {
        return OwnerLabels.of(Kind.Volume, namespace, name);
    }

    /**
     * @param desired  the volume wanted, or null when the resource is being deleted
     * @param deleteData whether deletion removes the Docker volume ({@code reclaimPolicy: Delete})
     * @throws NetworkPlanner.NotOwnedException when a volume of that name exists that Mooring did not create
     */
    public static Plan plan(VolumeCreate desired, boolean deleteData, String namespace, String name, ObservedVolume observed) {
        if (observed != null && !ownedBy(observed, namespace, name)) {
            throw new NetworkPlanner.NotOwnedException("a volume named " + observed.name()
                    + " exists on the engine and is not managed by Mooring for this Volume; remove it or choose another name");
        }
        if (desired == null) {
            return observed != null && deleteData
                    ? new Plan(List.of(new Operation.RemoveVolume(observed.name(), "Volume deleted with reclaimPolicy Delete")))
                    : Plan.empty();
        }
        if (observed == null) {
            return new Plan(List.of(new Operation.CreateVolume(desired, "missing volume")));
        }
        return Plan.empty();
    }

    /** Why the live volume differs from the spec in a way that cannot be changed in place, or null. */
    public static String drift(VolumeCreate desired, ObservedVolume observed) {
        if (observed == null || desired == null) {
            return null;
        }
        if (!Objects.equals(desired.driver(), observed.driver())) {
            return "the volume uses driver " + observed.driver() + ", the spec asks for " + desired.driver()
                    + "; a volume's driver cannot change: delete the Volume (reclaimPolicy Delete) and apply it again";
        }
        return null;
    }

    private static boolean ownedBy(ObservedVolume v, String namespace, String name) {
        return OwnerLabels.carries(v.labels(), ownerLabels(namespace, name));
    }
}
