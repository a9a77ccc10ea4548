package dev.mooring.reconcile;

import dev.mooring.docker.NetworkCreate;
import dev.mooring.docker.ObservedNetwork;
import dev.mooring.reconcile.ResourcePlan.Change;
import dev.mooring.reconcile.ResourcePlan.Classification;
import dev.mooring.reconcile.ResourcePlan.FieldChange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the loop would do to a Network ({@link NetworkPlanner}'s plan) as one change: create it,
 * remove it, or recreate it (Docker cannot change a network in place) with the diff of its
 * settings; a recreate detaches its containers, and their Apps then replace them. Pure.
 */
public final class NetworkPreview {
    private NetworkPreview() {
    }

    /**
     * @param desired the network wanted ({@link NetworkPlanner#desired}), or null when the resource is being deleted
     * @throws NetworkPlanner.NotOwnedException when the name is taken by a network Mooring did not create
     */
    public static ResourcePlan preview(String namespace, String name, NetworkCreate desired, ObservedNetwork observed) {
        Plan plan = NetworkPlanner.plan(namespace, name, desired, observed);
        if (plan.isEmpty()) {
            return ResourcePlan.of("Network", namespace, name, List.of(), null, List.of());
        }
        boolean creates = plan.operations().stream().anyMatch(op -> op instanceof Operation.CreateNetwork);
        boolean removes = plan.operations().stream().anyMatch(op -> op instanceof Operation.RemoveNetwork);
        String action = creates && removes ? "recreate" : creates ? "create" : "remove";
        List<FieldChange> diff = "recreate".equals(action) && observed.settings() != null
                ? ConfigDiff.diff(settings(observed.settings(), desired), settings(desired, desired)) : List.of();
        List<String> notes = new ArrayList<>();
        long detached = plan.operations().stream().filter(op -> op instanceof Operation.DisconnectNetwork).count();
        if (detached > 0) {
            notes.add(detached + " container(s) attached to it are detached; the Apps they belong to then replace them to join the "
                    + ("recreate".equals(action) ? "new network" : "networks they name"));
        }
        Change change = new Change(1, DockerNames.network(namespace, name), action,
                "recreate".equals(action) ? Classification.RECREATE : Classification.NONE, plan.operations().get(plan.operations().size() - 1).cause(),
                null, diff, plan.operations().stream().map(op -> "[1] " + op.describe()).toList(), null);
        return ResourcePlan.of("Network", namespace, name, List.of(change), null, notes);
    }

    /** The settings a spec decides; a subnet or gateway the spec leaves to the engine is not compared. */
    private static Map<String, Object> settings(NetworkCreate n, NetworkCreate desired) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("driver", n.driver());
        m.put("internal", n.internal());
        m.put("attachable", n.attachable());
        m.put("subnet", desired.subnet() == null ? null : n.subnet());
        m.put("gateway", desired.gateway() == null ? null : n.gateway());
        m.put("labels", VolumePreview.userLabels(n.labels()));
        return m;
    }
}
