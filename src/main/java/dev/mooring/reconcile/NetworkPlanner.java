package dev.mooring.reconcile;

import dev.mooring.api.Kind;
import dev.mooring.api.Labels;
import dev.mooring.api.Network;
import dev.mooring.api.NetworkSpec;
import dev.mooring.docker.NetworkCreate;
import dev.mooring.docker.ObservedNetwork;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Plans a Network: create it when missing; when its settings changed (config hash), detach the
 * containers, remove and create it again (Docker cannot change a network in place; the Apps'
 * containers are then replaced by their own reconcilers, which see them detached).
 */
public final class NetworkPlanner {
    private NetworkPlanner() {
    }

    /** The network to create for the resource, with ownership labels and config hash. */
    public static NetworkCreate desired(Network n) {
        NetworkSpec s = n.getSpec();
        Map<String, String> user = s.labels == null ? Map.of() : new TreeMap<>(s.labels);
        NetworkCreate template = new NetworkCreate(DockerNames.network(n.namespace(), n.name()),
                s.driver == null ? "bridge" : s.driver, Boolean.TRUE.equals(s.internal), Boolean.TRUE.equals(s.attachable),
                s.subnet, s.gateway, user);
        Map<String, String> labels = new LinkedHashMap<>(user);
        labels.putAll(ownerLabels(n.namespace(), n.name()));
        labels.put(Labels.CONFIG_HASH, ConfigHash.of(template));
        return new NetworkCreate(template.name(), template.driver(), template.internal(), template.attachable(),
                template.subnet(), template.gateway(), labels);
    }

    public static Map<String, String> ownerLabels(String namespace, String name) {
        return OwnerLabels.of(Kind.Network, namespace, name);
    }

    /**
     * @param desired  the network wanted, or null when the resource is being deleted
     * @param observed the network of that name on the engine, or null
     * @throws NotOwnedException when a network of that name exists that Mooring did not create
     */
    public static Plan plan(String namespace, String name, NetworkCreate desired, ObservedNetwork observed) {
        List<Operation> ops = new ArrayList<>();
        if (observed != null && !ownedBy(observed, namespace, name)) {
            throw new NotOwnedException("a network named " + observed.name() + " exists on the engine and is not managed by Mooring"
                    + " for this Network; remove or rename it, or choose another name");
        }
        if (desired == null) {
            if (observed != null) {
                removeAll(ops, observed, "Network is being deleted");
            }
            return new Plan(ops);
        }
        if (observed == null) {
            ops.add(new Operation.CreateNetwork(desired, "missing network"));
            return new Plan(ops);
        }
        String want = desired.labels().get(Labels.CONFIG_HASH);
        String have = observed.labels().get(Labels.CONFIG_HASH);
        if (!want.equals(have)) {
            String why = "config hash changed (" + ConfigHash.shortForm(have) + " -> " + ConfigHash.shortForm(want) + ")";
            removeAll(ops, observed, why);
            ops.add(new Operation.CreateNetwork(desired, why));
        }
        return new Plan(ops);
    }

    /** Made by Mooring for exactly this resource (names like a-b + c and a + b-c meet on the engine). */
    private static boolean ownedBy(ObservedNetwork n, String namespace, String name) {
        return OwnerLabels.carries(n.labels(), ownerLabels(namespace, name));
    }

    private static void removeAll(List<Operation> ops, ObservedNetwork observed, String why) {
        observed.containerIds().stream().sorted().forEach(cid ->
                ops.add(new Operation.DisconnectNetwork(observed.id(), observed.name(), cid, why)));
        ops.add(new Operation.RemoveNetwork(observed.id(), observed.name(), why));
    }

    /** The name is taken on the engine by something Mooring must not touch. */
    public static class NotOwnedException extends RuntimeException {
        public NotOwnedException(String message) {
            super(message);
        }
    }
}
