package dev.mooring.api;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** The checks of how an App is reached: its published ports and the networks it joins. */
final class AppNetworkValidation {
    static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");
    /**
     * A network alias: what {@link ImageReference#DOMAIN} accepts, and '_' too, since Docker's DNS
     * answers such names and Compose's services and containers ({@code db_1}) are reached by them.
     */
    static final Pattern ALIAS = Pattern.compile("[a-zA-Z0-9_](?:[a-zA-Z0-9_-]*[a-zA-Z0-9_])?(?:\\.[a-zA-Z0-9_](?:[a-zA-Z0-9_-]*[a-zA-Z0-9_])?)*(?::[0-9]+)?");

    private AppNetworkValidation() {
    }

    static void ports(AppSpec s, FieldChecks c) {
        if (s.ports == null) {
            return;
        }
        Set<String> bound = new HashSet<>();
        for (int i = 0; i < s.ports.size(); i++) {
            AppSpec.PortSpec p = s.ports.get(i);
            String f = "spec.ports[" + i + "]";
            if (p == null) {
                c.error(f, "is empty");
                continue;
            }
            port(f, p, c);
            if (p.hostPort != null) {
                hostPort(f, p, s.replicas, bound, c);
            }
        }
    }

    private static void port(String f, AppSpec.PortSpec p, FieldChecks c) {
        if (p.containerPort == null) {
            c.error(f + ".containerPort", "is required");
        } else if (p.containerPort < 1 || p.containerPort > 65535) {
            c.error(f + ".containerPort", "must be between 1 and 65535, was " + p.containerPort);
        }
        if (p.hostPort != null && (p.hostPort < 1 || p.hostPort > 65535)) {
            c.error(f + ".hostPort", "must be between 1 and 65535, was " + p.hostPort);
        }
        c.oneOf(f + ".protocol", p.protocol, PROTOCOLS);
        if (p.hostIP != null && !IpAddresses.isIp(p.hostIP)) {
            c.error(f + ".hostIP", "\"" + p.hostIP + "\" is not an IP address");
        }
    }

    /** A fixed host port is bound once per address and protocol, by one container. */
    private static void hostPort(String f, AppSpec.PortSpec p, Integer replicas, Set<String> bound, FieldChecks c) {
        String key = (p.hostIP == null ? "0.0.0.0" : p.hostIP) + ":" + p.hostPort + "/" + (p.protocol == null ? "tcp" : p.protocol);
        if (!bound.add(key)) {
            c.error(f + ".hostPort", key + " is published twice");
        }
        if (replicas != null && replicas > 1) {
            c.error(f + ".hostPort", "a fixed host port can be bound by one replica only, but replicas is " + replicas
                    + "; leave hostPort empty for an ephemeral port per replica");
        }
    }

    static void attachments(AppSpec s, FieldChecks c) {
        if (s.networks == null) {
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < s.networks.size(); i++) {
            AppSpec.NetworkAttachment n = s.networks.get(i);
            String f = "spec.networks[" + i + "]";
            if (n == null) {
                c.error(f, "is empty");
                continue;
            }
            c.dnsLabel(f + ".name", n.name, true);
            if (n.name != null && !names.add(n.name)) {
                c.error(f + ".name", "network " + n.name + " is listed twice");
            }
            if (n.ipv4Address != null && (!IpAddresses.isIp(n.ipv4Address) || IpAddresses.isIpv6(n.ipv4Address))) {
                c.error(f + ".ipv4Address", "\"" + n.ipv4Address + "\" is not an IPv4 address");
            }
            if (n.ipv6Address != null && !IpAddresses.isIpv6(n.ipv6Address)) {
                c.error(f + ".ipv6Address", "\"" + n.ipv6Address + "\" is not an IPv6 address");
            }
            if ((n.ipv4Address != null || n.ipv6Address != null) && s.replicas != null && s.replicas > 1) {
                c.error(f + "." + (n.ipv4Address != null ? "ipv4Address" : "ipv6Address"), "a fixed address is held by one container only, but replicas is "
                        + s.replicas + "; leave it out for an address per replica");
            }
            if (n.aliases != null) {
                for (int j = 0; j < n.aliases.size(); j++) {
                    String a = n.aliases.get(j);
                    if (a == null || a.isBlank() || a.length() > 253 || !ALIAS.matcher(a).matches()) {
                        c.error(f + ".aliases[" + j + "]", "\"" + a + "\" is not a host name");
                    }
                }
            }
        }
    }

    /**
     * A fixed address needs a Network whose subnet holds it (Docker gives fixed addresses only on
     * networks with a subnet of their own): each App's {@code ipv4Address} and {@code ipv6Address}
     * against the Network it names, found by {@code networks} (null when there is no such Network).
     */
    static void addresses(AppSpec s, Function<String, NetworkSpec> networks, FieldChecks c) {
        if (s == null || s.networks == null) {
            return;
        }
        for (int i = 0; i < s.networks.size(); i++) {
            AppSpec.NetworkAttachment n = s.networks.get(i);
            if (n == null || n.name == null) {
                continue;
            }
            String f = "spec.networks[" + i + "]";
            address(f + ".ipv4Address", n.ipv4Address, n.name, networks, c);
            address(f + ".ipv6Address", n.ipv6Address, n.name, networks, c);
        }
    }

    private static void address(String field, String ip, String network, Function<String, NetworkSpec> networks, FieldChecks c) {
        if (ip == null || !IpAddresses.isIp(ip)) {
            return;
        }
        NetworkSpec spec = networks.apply(network);
        if (spec == null) {
            c.error(field, ip + " needs Network " + network + " with a subnet holding it, and there is no Network " + network
                    + "; create it first or in the same request");
        } else if (spec.subnet == null) {
            c.error(field, ip + " needs a subnet on Network " + network + ": set its spec.subnet (like 10.42.0.0/24), "
                    + "Docker gives fixed addresses only on networks with a subnet of their own");
        } else if (!IpAddresses.contains(spec.subnet, ip)) {
            c.error(field, ip + " is not in the subnet " + spec.subnet + " of Network " + network);
        }
    }
}
