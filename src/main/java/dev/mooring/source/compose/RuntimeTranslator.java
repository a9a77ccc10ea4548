package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.mooring.source.compose.ComposeValues.bool;
import static dev.mooring.source.compose.ComposeValues.integer;
import static dev.mooring.source.compose.ComposeValues.list;
import static dev.mooring.source.compose.ComposeValues.map;
import static dev.mooring.source.compose.ComposeValues.str;
import static dev.mooring.source.compose.ComposeValues.strings;

/**
 * A container's surroundings as the engine sets them: its names ({@code hostname},
 * {@code domainname}), /etc/hosts ({@code extra_hosts}), resolver ({@code dns}, {@code dns_search},
 * {@code dns_opt}), kernel settings ({@code sysctls}), limits ({@code ulimits}), {@code init},
 * terminal ({@code tty}, {@code stdin_open}) and GPUs ({@code gpus}; {@code deploy}'s device
 * reservations are {@link DeployTranslator}'s, through {@link #gpu}). Each is the App field of the
 * same meaning; whether a sysctl is allowed is the admission policy's decision on import.
 */
final class RuntimeTranslator implements ServiceKeys {
    @Override
    public Map<String, Key> keys() {
        return Map.ofEntries(
                Map.entry("hostname", (service, s, v, at) -> s.hostname = str(v)),
                Map.entry("domainname", (service, s, v, at) -> s.domainname = str(v)),
                Map.entry("extra_hosts", (service, s, v, at) -> s.extraHosts = extraHosts(v, at)),
                Map.entry("dns", (service, s, v, at) -> dns(s).servers = strings(v)),
                Map.entry("dns_search", (service, s, v, at) -> dns(s).search = strings(v)),
                Map.entry("dns_opt", (service, s, v, at) -> dns(s).options = strings(v)),
                Map.entry("sysctls", (service, s, v, at) -> s.sysctls = sysctls(v, at)),
                Map.entry("ulimits", (service, s, v, at) -> s.ulimits = ulimits(map(v, at), at)),
                Map.entry("init", (service, s, v, at) -> s.init = bool(v)),
                Map.entry("tty", (service, s, v, at) -> s.tty = bool(v)),
                Map.entry("stdin_open", (service, s, v, at) -> s.stdinOpen = bool(v)),
                Map.entry("gpus", (service, s, v, at) -> s.gpus = gpus(v, at)));
    }

    /**
     * {@code ["host:ip", "host=ip"]} or {@code {host: ip}}; an IPv6 address may be in brackets
     * ({@code host=[::1]}) and, after {@code =} or in the map form, a list of addresses is one line each.
     */
    static List<AppSpec.HostEntry> extraHosts(Object v, String at) {
        List<AppSpec.HostEntry> out = new ArrayList<>();
        if (v instanceof Map<?, ?>) {
            map(v, at).forEach((host, ips) -> {
                List<String> all = ips instanceof List<?> ? strings(ips) : List.of(str(ips));
                all.forEach(ip -> out.add(new AppSpec.HostEntry(host, unbracket(ip))));
            });
            return out;
        }
        List<?> items = list(v, at);
        for (int i = 0; i < items.size(); i++) {
            String line = str(items.get(i)).strip();
            int eq = line.indexOf('=');
            int colon = line.indexOf(':');
            int sep = eq >= 0 ? eq : colon;
            if (sep <= 0 || sep == line.length() - 1) {
                throw new IllegalArgumentException("[" + i + "] \"" + line + "\" is not host:ip or host=ip");
            }
            String host = line.substring(0, sep);
            for (String ip : (eq >= 0 ? line.substring(sep + 1).split(",") : new String[]{line.substring(sep + 1)})) {
                out.add(new AppSpec.HostEntry(host, unbracket(ip.strip())));
            }
        }
        return out;
    }

    private static String unbracket(String ip) {
        return ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    }

    private static AppSpec.Dns dns(AppSpec s) {
        if (s.dns == null) {
            s.dns = new AppSpec.Dns();
        }
        return s.dns;
    }

    /** {@code [name=value]} or {@code {name: value}}; a number is its text. */
    private static Map<String, String> sysctls(Object v, String at) {
        Map<String, String> out = new LinkedHashMap<>();
        ComposeValues.keyValuesNullable(v, at).forEach((k, val) -> {
            if (val == null) {
                throw new IllegalArgumentException(k + " needs a value (name=value)");
            }
            out.put(k.strip(), val.strip());
        });
        return out;
    }

    /** {@code nofile: 1024} (soft and hard) or {@code nofile: {soft: 1024, hard: 4096}}. */
    private static List<AppSpec.Ulimit> ulimits(Map<String, Object> m, String at) {
        List<AppSpec.Ulimit> out = new ArrayList<>();
        m.forEach((name, v) -> {
            if (v instanceof Map<?, ?>) {
                Map<String, Object> limits = map(v, at + "." + name);
                for (String k : limits.keySet()) {
                    if (!k.equals("soft") && !k.equals("hard")) {
                        throw new IllegalArgumentException(name + "." + k + " is not soft or hard");
                    }
                }
                if (limits.get("soft") == null || limits.get("hard") == null) {
                    throw new IllegalArgumentException(name + " needs soft and hard, like {soft: 1024, hard: 4096}");
                }
                out.add(new AppSpec.Ulimit(name, (long) integer(limits.get("soft")), (long) integer(limits.get("hard"))));
            } else {
                long limit = integer(v);
                out.add(new AppSpec.Ulimit(name, limit, limit));
            }
        });
        return out;
    }

    /** {@code gpus: all}, or a list of device requests as in {@code deploy.resources.reservations.devices}. */
    private static List<AppSpec.GpuRequest> gpus(Object v, String at) {
        if (!(v instanceof List<?> items)) {
            if (!"all".equals(str(v))) {
                throw new IllegalArgumentException("\"" + v + "\" is not all or a list of devices");
            }
            AppSpec.GpuRequest all = new AppSpec.GpuRequest();
            all.count = -1;
            all.capabilities = List.of("gpu");
            return List.of(all);
        }
        List<AppSpec.GpuRequest> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            AppSpec.GpuRequest g = gpu(map(items.get(i), at + "[" + i + "]"), at + "[" + i + "]");
            if (g.capabilities == null) {
                g.capabilities = List.of("gpu");
            }
            out.add(g);
        }
        return out;
    }

    /**
     * One device request ({@code driver}, {@code count} as a number or {@code all}, {@code device_ids},
     * {@code capabilities}, {@code options}) as the App's {@code gpus} entry.
     */
    static AppSpec.GpuRequest gpu(Map<String, Object> m, String at) {
        AppSpec.GpuRequest g = new AppSpec.GpuRequest();
        m.forEach((k, v) -> {
            switch (k) {
                case "driver" -> g.driver = str(v);
                case "count" -> g.count = "all".equals(String.valueOf(v)) ? Integer.valueOf(-1) : integer(v);
                case "device_ids" -> g.deviceIds = strings(v);
                case "capabilities" -> g.capabilities = strings(v);
                case "options" -> g.options = ComposeValues.keyValues(v, at + ".options");
                default -> throw new IllegalArgumentException(k + " is not a device setting (driver, count, device_ids, capabilities, options)");
            }
        });
        return g;
    }
}
