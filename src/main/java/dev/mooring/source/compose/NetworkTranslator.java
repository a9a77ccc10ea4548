package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.mooring.source.compose.ComposeValues.list;
import static dev.mooring.source.compose.ComposeValues.map;
import static dev.mooring.source.compose.ComposeValues.str;
import static dev.mooring.source.compose.ComposeValues.strings;

/**
 * The networks a service joins ({@code networks}, {@code network_mode}, {@code links}) and the
 * names it is reached by there: a service that names none joins the project's default network,
 * and its {@code container_name} is an alias on every network it joins ({@link #translate}).
 */
final class NetworkTranslator implements ServiceKeys {
    private final ComposeFile file;
    private final Problems problems;
    /** The service's {@code container_name}, kept until its networks are known (a translator serves one service). */
    private String containerName;

    NetworkTranslator(ComposeFile file) {
        this.file = file;
        this.problems = file.problems;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of(
                "networks", this::networks,
                "network_mode", (service, s, v, at) -> networkMode(s, str(v), at),
                "links", (service, s, v, at) -> links(list(v, at), at),
                "container_name", (service, s, v, at) -> containerName = containerName(service, str(v), at));
    }

    /**
     * After the service's keys: a service without {@code networks} or {@code network_mode} joins
     * the default network, as in Compose; its {@code container_name} becomes an alias on each of
     * its networks, since other services reach it by that name in Compose.
     */
    void translate(AppSpec s, String service, Map<String, Object> svc) {
        if (!svc.containsKey("networks") && !svc.containsKey("network_mode")) {
            attach(s, "default", List.of(), service);
        }
        if (containerName != null && s.networks != null) {
            s.networks.stream().filter(a -> !a.aliases.contains(containerName)).forEach(a -> a.aliases.add(containerName));
        }
    }

    /** The note that the name is an alias, not the container's name, which stays Mooring's. */
    private String containerName(String service, String name, String at) {
        problems.warn(at, "an alias on every network of the service, so other services reach it as " + name
                + "; the container itself is named " + file.namespace + "-" + ComposeFile.normalised(service)
                + "-1 (Mooring's <namespace>-<app>-<replica>)");
        return name;
    }

    private void networks(String service, AppSpec s, Object v, String at) {
        if (v instanceof List<?> l) {
            l.forEach(n -> attach(s, file.networks.network(str(n), at), List.of(), service));
            return;
        }
        map(v, at).forEach((name, settings) -> {
            String nat = at + "." + name;
            List<String> aliases = new ArrayList<>();
            String[] addresses = new String[2];
            if (settings != null) {
                map(settings, nat).forEach((k, val) -> {
                    switch (k) {
                        case "aliases" -> aliases.addAll(strings(val));
                        case "ipv4_address" -> addresses[0] = str(val);
                        case "ipv6_address" -> addresses[1] = str(val);
                        case "priority", "gw_priority" -> problems.ignored(nat + "." + k, "networks are joined in the order listed");
                        case "link_local_ips", "mac_address", "driver_opts" ->
                                problems.unsupported(nat + "." + k, "per-network " + k + " is not supported; leave it out to let the engine choose");
                        default -> problems.unsupported(nat + "." + k, "unknown network attachment setting");
                    }
                });
            }
            AppSpec.NetworkAttachment a = attach(s, file.networks.network(name, nat), aliases, service);
            if (a != null) {
                // the write path checks them against the Network's subnet (ipam.config[0].subnet)
                a.ipv4Address = addresses[0];
                a.ipv6Address = addresses[1];
            }
        });
    }

    /** Joins a network as Compose does: the service name is an alias, so the others reach it by that name. */
    private AppSpec.NetworkAttachment attach(AppSpec s, String network, List<String> aliases, String service) {
        if (network == null) {
            return null;
        }
        if (network.equals("default")) {
            file.networks.useDefaultNetwork();
        }
        AppSpec.NetworkAttachment a = new AppSpec.NetworkAttachment();
        a.name = network;
        List<String> all = new ArrayList<>();
        all.add(service);
        aliases.stream().filter(x -> !all.contains(x)).forEach(all::add);
        a.aliases = all;
        if (s.networks == null) {
            s.networks = new ArrayList<>();
        }
        s.networks.add(a);
        return a;
    }

    private void networkMode(AppSpec s, String mode, String at) {
        if (Set.of("host", "none", "bridge").contains(mode)) {
            s.networkMode = mode;
        } else if (mode.startsWith("service:")) {
            // issue 13: Mooring replaces each App's containers on its own; a container in another's network
            // namespace loses its network whenever that one is replaced, and nothing here would recreate it
            String other = mode.substring(8);
            problems.unsupported(at, "network_mode service:" + other + " (sharing " + other + "'s network namespace): Mooring replaces "
                    + other + "'s containers on their own, which would cut this one off; put both services on a shared network "
                    + "(they reach each other by service name), or, if this one must reach " + other + " on localhost, "
                    + "run both processes in one service");
        } else if (mode.startsWith("container:")) {
            problems.unsupported(at, "network_mode " + mode + " (a container Mooring does not manage); put the service on a network "
                    + "that the container also joins, or make that container a service of this project");
        } else {
            problems.unsupported(at, "network_mode " + mode + "; use host, none, bridge or networks");
        }
    }

    private void links(List<?> items, String at) {
        for (int i = 0; i < items.size(); i++) {
            String link = str(items.get(i));
            if (link.contains(":")) {
                problems.unsupported(at + "[" + i + "]", "a link alias (" + link + "); use networks.<name>.aliases on the linked service");
            } else {
                problems.ignored(at + "[" + i + "]", "services on a shared network reach each other by service name");
            }
        }
    }
}
