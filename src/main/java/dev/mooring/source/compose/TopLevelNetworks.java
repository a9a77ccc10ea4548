package dev.mooring.source.compose;

import dev.mooring.api.Network;
import dev.mooring.api.NetworkSpec;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The top-level {@code networks} as Network resources of the same names, and the project's
 * {@code default} network, made when a service joins it (as Compose does).
 */
final class TopLevelNetworks {
    private final ComposeFile file;
    private final Map<String, Object> declared;
    private final Map<String, Network> networks = new TreeMap<>();
    private boolean defaultNetwork;

    TopLevelNetworks(ComposeFile file, Map<String, Object> declared) {
        this.file = file;
        this.declared = declared;
    }

    /** Every declared network becomes a Network, joined by a service or not. */
    void translateDeclared() {
        declared.keySet().forEach(n -> network(n, "networks." + n));
    }

    Collection<Network> resources() {
        return networks.values();
    }

    void useDefaultNetwork() {
        if (!defaultNetwork) {
            defaultNetwork = true;
            network("default", "services");
        }
    }

    /** The Network resource of a network named in the file; it must be declared (except default). */
    String network(String composeName, String at) {
        if (!composeName.equals("default") && !declared.containsKey(composeName)) {
            file.problems.error(at, "network " + composeName + " is not declared in the top-level networks");
            return null;
        }
        String name = file.mooringName(composeName, at);
        if (name == null || networks.containsKey(name)) {
            return name;
        }
        Network n = new Network();
        n.setMetadata(file.meta(name));
        NetworkSpec spec = new NetworkSpec();
        n.setSpec(spec);
        networks.put(name, n);
        Object settings = declared.get(composeName);
        if (settings != null) {
            settings(spec, ComposeValues.map(settings, "networks." + composeName), "networks." + composeName);
        }
        return name;
    }

    private void settings(NetworkSpec spec, Map<String, Object> settings, String at) {
        Problems problems = file.problems;
        settings.forEach((k, v) -> {
            String kat = at + "." + k;
            try {
                switch (k) {
                    case "driver" -> spec.driver = ComposeValues.str(v);
                    case "internal" -> spec.internal = ComposeValues.bool(v);
                    case "attachable" -> spec.attachable = ComposeValues.bool(v);
                    case "labels" -> spec.labels = ComposeValues.keyValues(v, kat);
                    case "ipam" -> ipam(spec, ComposeValues.map(v, kat), kat);
                    case "name" -> problems.ignored(kat, "the Docker network is named by Mooring");
                    case "external" -> {
                        String external = ComposeValues.external(v, settings.get("name"));
                        if (external != null) {
                            problems.unsupported(kat, "the external network " + external + " is not Mooring's: Mooring joins only networks it manages; declare the network here instead");
                        }
                    }
                    default -> {
                        if (!k.startsWith("x-")) { // an extension, skipped as Compose skips it
                            problems.unsupported(kat, "network setting " + k);
                        }
                    }
                }
            } catch (IllegalArgumentException | ClassCastException e) {
                problems.error(kat, e.getMessage());
            }
        });
    }

    /** One subnet (and its gateway) with the default IPAM driver; anything else would not be the same network. */
    private void ipam(NetworkSpec spec, Map<String, Object> ipam, String at) {
        Problems problems = file.problems;
        ipam.forEach((k, v) -> {
            if (k.equals("driver") && "default".equals(v)) {
                return;
            }
            if (!k.equals("config")) {
                problems.unsupported(at + "." + k, "IPAM " + k);
                return;
            }
            List<?> configs = ComposeValues.list(v, at + ".config");
            if (configs.size() > 1) {
                problems.unsupported(at + ".config", "more than one subnet");
            }
            if (!configs.isEmpty()) {
                ComposeValues.map(configs.get(0), at + ".config[0]").forEach((ck, cv) -> {
                    switch (ck) {
                        case "subnet" -> spec.subnet = ComposeValues.str(cv);
                        case "gateway" -> spec.gateway = ComposeValues.str(cv);
                        default -> problems.unsupported(at + ".config[0]." + ck, "IPAM " + ck);
                    }
                });
            }
        });
    }
}
