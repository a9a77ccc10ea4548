package dev.mooring.docker;

import com.github.dockerjava.api.model.Network;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An engine's networks: listing and inspecting them (the read side), then creating, disconnecting from and removing them. */
final class Networks {
    private final EngineClient engine;

    Networks(EngineClient engine) {
        this.engine = engine;
    }

    /** The networks of this instance carrying every given label (without their containers). */
    List<ObservedNetwork> list(Map<String, String> labels) {
        List<String> filter = engine.mineAsFilter(labels);
        var found = engine.call("network.list", () -> engine.client.listNetworksCmd().withFilter("label", filter).exec());
        return found.stream().map(n -> new ObservedNetwork(n.getId(), n.getName(),
                n.getLabels() == null ? Map.of() : n.getLabels(), Set.of())).toList();
    }

    /** The network with its attached containers and settings, or null when there is none by that name. */
    ObservedNetwork inspect(String nameOrId) {
        return EngineClient.orNullWhenAbsent(() -> observed(
                engine.call("network.inspect", () -> engine.client.inspectNetworkCmd().withNetworkId(nameOrId).exec())));
    }

    private ObservedNetwork observed(Network n) {
        var ipam = n.getIpam() == null || n.getIpam().getConfig() == null || n.getIpam().getConfig().isEmpty()
                ? null : n.getIpam().getConfig().get(0);
        NetworkCreate settings = new NetworkCreate(n.getName(), n.getDriver(), Boolean.TRUE.equals(n.getInternal()),
                Boolean.TRUE.equals(n.isAttachable()), ipam == null ? null : ipam.getSubnet(), ipam == null ? null : ipam.getGateway(),
                n.getLabels() == null ? Map.of() : n.getLabels());
        return new ObservedNetwork(n.getId(), n.getName(), engine.foreignUnmanaged(n.getLabels()),
                n.getContainers() == null ? Set.of() : new HashSet<>(n.getContainers().keySet()), settings);
    }

    String create(NetworkCreate n) {
        return engine.call("network.create", () -> {
            var cmd = engine.client.createNetworkCmd().withName(n.name()).withDriver(n.driver()).withInternal(n.internal())
                    .withAttachable(n.attachable()).withLabels(engine.mine(n.labels())).withCheckDuplicate(true);
            if (n.subnet() != null) {
                var cfg = new Network.Ipam.Config().withSubnet(n.subnet());
                if (n.gateway() != null) {
                    cfg.withGateway(n.gateway());
                }
                cmd.withIpam(new Network.Ipam().withConfig(cfg));
            }
            return cmd.exec().getId();
        });
    }

    void disconnect(String networkId, String containerId) {
        EngineClient.ignoringAbsent(() -> engine.call("network.disconnect", () -> engine.client.disconnectFromNetworkCmd()
                .withNetworkId(networkId).withContainerId(containerId).withForce(true).exec()));
    }

    void remove(String id) {
        EngineClient.ignoringAbsent(() -> engine.call("network.remove", () -> engine.client.removeNetworkCmd(id).exec()));
    }
}
