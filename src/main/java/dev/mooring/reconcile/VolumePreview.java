package dev.mooring.reconcile;

import dev.mooring.docker.ObservedVolume;
import dev.mooring.docker.VolumeCreate;
import dev.mooring.reconcile.ResourcePlan.Change;
import dev.mooring.reconcile.ResourcePlan.Classification;
import dev.mooring.reconcile.ResourcePlan.FieldChange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the loop would do to a Volume ({@link VolumePlanner}'s plan), and what it deliberately will
 * not do: a volume whose driver or driver options changed would have to be made anew, data lost,
 * so Mooring leaves it and the plan shows a manual {@code replace-volume}. Pure.
 */
public final class VolumePreview {
    private VolumePreview() {
    }

    /**
     * @param desired the volume wanted, or null when the resource is being deleted
     * @throws NetworkPlanner.NotOwnedException when the name is taken by a volume Mooring did not create
     */
    public static ResourcePlan preview(String namespace, String name, VolumeCreate desired, boolean deleteData, ObservedVolume observed) {
        Plan plan = VolumePlanner.plan(desired, deleteData, namespace, name, observed);
        List<Change> changes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String target = DockerNames.volume(namespace, name);
        for (Operation op : plan.operations()) {
            String action = op instanceof Operation.CreateVolume ? "create" : "remove";
            changes.add(new Change(1, target, action, Classification.NONE, op.cause(), null, List.of(), List.of("[1] " + op.describe()), null));
        }
        if (desired != null && observed != null) {
            List<FieldChange> settings = ConfigDiff.diff(settings(observed.driver(), observed.driverOpts()),
                    settings(desired.driver(), desired.driverOpts()));
            if (!settings.isEmpty()) {
                String drift = VolumePlanner.drift(desired, observed);
                changes.add(new Change(1, target, "replace", Classification.REPLACE_VOLUME,
                        (drift != null ? drift : "the volume's driver options differ from the spec; they cannot change on an existing volume")
                                + "; Mooring never replaces a volume itself, as that loses its data",
                        null, settings, List.of(), true));
            }
            List<FieldChange> labels = ConfigDiff.diff(Map.of("labels", userLabels(observed.labels())), Map.of("labels", userLabels(desired.labels())));
            if (!labels.isEmpty()) {
                notes.add("the labels of volume " + target + " differ from the spec (" + labels.stream().map(FieldChange::toString)
                        .reduce((a, b) -> a + ", " + b).orElse("") + "); a volume's labels cannot change, it keeps them");
            }
        }
        return ResourcePlan.of("Volume", namespace, name, changes, null, notes);
    }

    private static Map<String, Object> settings(String driver, Map<String, String> opts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("driver", driver);
        m.put("driverOpts", new TreeMap<>(opts == null ? Map.of() : opts));
        return m;
    }

    /** The labels a user set: without Mooring's own. */
    static Map<String, String> userLabels(Map<String, String> labels) {
        Map<String, String> out = new TreeMap<>();
        labels.forEach((k, v) -> {
            if (!k.startsWith("dev.mooring.")) {
                out.put(k, v);
            }
        });
        return out;
    }
}
