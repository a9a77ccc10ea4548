package dev.mooring.api;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of a container's surroundings: host and domain name, /etc/hosts lines, DNS,
 * sysctls, ulimits and GPU requests. Whether a sysctl is allowed is the admission policy's
 * decision; here only whether the engine could apply it at all.
 */
final class AppRuntimeValidation {
    /** A host name: DNS labels of letters, digits and '-', joined by dots; the kernel takes at most 64 characters. */
    private static final Pattern HOST_NAME = Pattern.compile("[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*");
    private static final Pattern SYSCTL = Pattern.compile("[a-z0-9_]+(?:[./][-a-zA-Z0-9_@:]+)+");
    /** The sysctls Docker sets in a container: those of the kernel's IPC, UTS and network namespaces. */
    static final List<String> NAMESPACED_SYSCTL_PREFIXES = List.of("kernel.msg", "kernel.sem", "kernel.shm", "fs.mqueue.", "net.");
    /** The ulimits Docker knows (setrlimit(2) without RLIMIT_). */
    static final Set<String> ULIMITS = Set.of("as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile",
            "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

    private AppRuntimeValidation() {
    }

    static void validate(AppSpec s, FieldChecks c) {
        hostName("spec.hostname", s.hostname, c);
        hostName("spec.domainname", s.domainname, c);
        if (s.hostname != null && s.networkMode != null && s.networkMode.equals("host")) {
            c.error("spec.hostname", "cannot be set with networkMode host (the container has the host's name)");
        }
        extraHosts(s.extraHosts, c);
        dns(s.dns, c);
        sysctls(s, c);
        ulimits(s.ulimits, c);
        gpus(s.gpus, c);
    }

    private static void hostName(String field, String name, FieldChecks c) {
        if (name != null && (name.isEmpty() || name.length() > 64 || !HOST_NAME.matcher(name).matches()
                || java.util.Arrays.stream(name.split("\\.")).anyMatch(l -> l.length() > 63))) {
            c.error(field, "\"" + name + "\" is not a host name (labels of letters, digits and '-', joined by dots, at most 64 characters)");
        }
    }

    private static void extraHosts(List<AppSpec.HostEntry> hosts, FieldChecks c) {
        if (hosts == null) {
            return;
        }
        for (int i = 0; i < hosts.size(); i++) {
            AppSpec.HostEntry h = hosts.get(i);
            String f = "spec.extraHosts[" + i + "]";
            if (h == null) {
                c.error(f, "is empty");
                continue;
            }
            if (h.host == null || h.host.isEmpty() || h.host.length() > 253 || !AppNetworkValidation.ALIAS.matcher(h.host).matches()
                    || h.host.contains(":")) {
                c.error(f + ".host", "\"" + h.host + "\" is not a host name");
            }
            if (h.ip == null || !(h.ip.equals("host-gateway") || IpAddresses.isIp(h.ip))) {
                c.error(f + ".ip", "\"" + h.ip + "\" is not an IP address (or host-gateway, the engine's host)");
            }
        }
    }

    private static void dns(AppSpec.Dns dns, FieldChecks c) {
        if (dns == null) {
            return;
        }
        each("spec.dns.servers", dns.servers, c, (f, v) -> {
            if (!IpAddresses.isIp(v)) {
                c.error(f, "\"" + v + "\" is not an IP address (a name server is given by its address)");
            }
        });
        each("spec.dns.search", dns.search, c, (f, v) -> {
            if (!v.equals(".") && (v.length() > 253 || !HOST_NAME.matcher(v).matches())) {
                c.error(f, "\"" + v + "\" is not a domain name");
            }
        });
        each("spec.dns.options", dns.options, c, (f, v) -> {
            if (!v.matches("[a-zA-Z0-9_-]+(:[0-9]+)?")) {
                c.error(f, "\"" + v + "\" is not a resolver option like ndots:2 or edns0");
            }
        });
    }

    private static void each(String field, List<String> values, FieldChecks c, java.util.function.BiConsumer<String, String> check) {
        if (values == null) {
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == null || v.isBlank()) {
                c.error(field + "[" + i + "]", "is empty");
            } else {
                check.accept(field + "[" + i + "]", v);
            }
        }
    }

    private static void sysctls(AppSpec s, FieldChecks c) {
        if (s.sysctls == null) {
            return;
        }
        for (Map.Entry<String, String> e : s.sysctls.entrySet()) {
            String name = e.getKey();
            String f = "spec.sysctls." + name;
            if (name == null || !SYSCTL.matcher(name).matches()) {
                c.error(f, "is not a sysctl name like net.ipv4.tcp_keepalive_time");
            } else if (NAMESPACED_SYSCTL_PREFIXES.stream().noneMatch(name::startsWith)) {
                c.error(f, "is not a sysctl of the container's own namespaces; Docker sets only kernel.msg*, kernel.sem, "
                        + "kernel.shm*, fs.mqueue.* and net.* in a container (others belong to the whole host)");
            } else if (name.startsWith("net.") && "host".equals(s.networkMode)) {
                c.error(f, "cannot be set with networkMode host (it would change the host's network settings)");
            }
            if (e.getValue() == null || e.getValue().isEmpty()) {
                c.error(f, "needs a value");
            }
        }
    }

    private static void ulimits(List<AppSpec.Ulimit> ulimits, FieldChecks c) {
        if (ulimits == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ulimits.size(); i++) {
            AppSpec.Ulimit u = ulimits.get(i);
            String f = "spec.ulimits[" + i + "]";
            if (u == null) {
                c.error(f, "is empty");
                continue;
            }
            if (u.name == null || !ULIMITS.contains(u.name)) {
                c.error(f + ".name", "\"" + u.name + "\" is not one of " + String.join(", ", ULIMITS.stream().sorted().toList()));
            } else if (!seen.add(u.name)) {
                c.error(f + ".name", u.name + " is set twice");
            }
            if (u.soft == null || u.soft < -1) {
                c.error(f + ".soft", "is required: a number, or -1 for unlimited");
            }
            if (u.hard != null && u.hard < -1) {
                c.error(f + ".hard", "must be a number, or -1 for unlimited");
            }
            if (u.soft != null && u.hard != null && u.hard != -1 && (u.soft == -1 || u.soft > u.hard)) {
                c.error(f + ".soft", "must not be above the hard limit " + u.hard);
            }
        }
    }

    private static void gpus(List<AppSpec.GpuRequest> gpus, FieldChecks c) {
        if (gpus == null) {
            return;
        }
        for (int i = 0; i < gpus.size(); i++) {
            AppSpec.GpuRequest g = gpus.get(i);
            String f = "spec.gpus[" + i + "]";
            if (g == null) {
                c.error(f, "is empty");
                continue;
            }
            if (g.count != null && g.count < -1) {
                c.error(f + ".count", "must be a number of devices, or -1 for all");
            }
            if (g.count != null && g.deviceIds != null && !g.deviceIds.isEmpty()) {
                c.error(f + ".count", "count and deviceIds are exclusive; give one of them");
            }
            each(f + ".deviceIds", g.deviceIds, c, (x, v) -> { });
            each(f + ".capabilities", g.capabilities, c, (x, v) -> {
                if (!v.matches("[a-z0-9_.-]+")) {
                    c.error(x, "\"" + v + "\" is not a device capability like gpu, compute or utility");
                }
            });
            if (g.driver != null && !g.driver.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
                c.error(f + ".driver", "\"" + g.driver + "\" is not a driver name like nvidia");
            }
        }
    }
}
