package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;
import io.fabric8.kubernetes.api.model.IntOrString;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.mooring.source.compose.ComposeValues.bool;
import static dev.mooring.source.compose.ComposeValues.integer;
import static dev.mooring.source.compose.ComposeValues.keyValuesNullable;
import static dev.mooring.source.compose.ComposeValues.list;
import static dev.mooring.source.compose.ComposeValues.map;
import static dev.mooring.source.compose.ComposeValues.str;
import static dev.mooring.source.compose.ComposeValues.strings;

/**
 * One compose service into an {@link AppSpec}. Every key is either translated, reported as a
 * warning (ignoring it keeps what the service does) or as an error (it would not). A key not
 * listed here is an error: a key Mooring has never heard of might change anything.
 */
final class ServiceTranslator {
    /** Service keys Mooring ignores without changing what the service does, with the reason. */
    static final Map<String, String> IGNORED = new TreeMap<>(Map.ofEntries(
            Map.entry("expose", "containers on a shared network reach every port; expose only documents it"),
            Map.entry("container_name", "Mooring names containers <namespace>-<app>-<replica>; other services reach it by service name"),
            Map.entry("logging", "containers use the engine's log driver; GET .../apps/{name}/logs still works"),
            Map.entry("stdin_open", "no terminal is attached to a service either way"),
            Map.entry("tty", "no terminal is attached to a service either way"),
            Map.entry("platform", "the engine builds and runs its own platform"),
            Map.entry("annotations", "container annotations are informational"),
            Map.entry("develop", "compose watch is a development tool"),
            Map.entry("attach", "Mooring does not attach to container output"),
            Map.entry("mem_reservation", "a reservation does not limit the container"),
            Map.entry("domainname", "the container's domain name is informational")));

    /** Service keys whose omission would change what the service does, with the reason. */
    static final Map<String, String> REFUSED = new TreeMap<>(Map.ofEntries(
            Map.entry("extends", "inline the extended service"),
            Map.entry("profiles", "a service with profiles is not started by default in Compose; remove the service or the profiles"),
            Map.entry("configs", "use a Mooring Secret (spec.secrets) or a bind mount"),
            Map.entry("external_links", "containers outside the project are not managed by Mooring"),
            Map.entry("extra_hosts", "no /etc/hosts entries in AppSpec"),
            Map.entry("dns", "no DNS settings in AppSpec"),
            Map.entry("dns_search", "no DNS settings in AppSpec"),
            Map.entry("dns_opt", "no DNS settings in AppSpec"),
            Map.entry("sysctls", "no sysctls in AppSpec"),
            Map.entry("ulimits", "no ulimits in AppSpec"),
            Map.entry("init", "no init process in AppSpec"),
            Map.entry("shm_size", "no /dev/shm size in AppSpec"),
            Map.entry("hostname", "the container's hostname is its ID"),
            Map.entry("volumes_from", "name the volumes instead"),
            Map.entry("pids_limit", "no pids limit in AppSpec"),
            Map.entry("group_add", "no supplementary groups in AppSpec"),
            Map.entry("runtime", "containers use the engine's default runtime"),
            Map.entry("gpus", "no GPUs in AppSpec"),
            Map.entry("post_start", "no lifecycle hooks in AppSpec"),
            Map.entry("pre_stop", "no lifecycle hooks in AppSpec")));

    private final ComposeTranslator.Run run;
    private final Problems problems;
    private final MountTranslator mounts;

    ServiceTranslator(ComposeTranslator.Run run) {
        this.run = run;
        this.problems = run.problems;
        this.mounts = new MountTranslator(run);
    }

    AppSpec translate(String service, Map<String, Object> svc) {
        String p = "services." + service;
        AppSpec s = new AppSpec();
        boolean explicitNetworking = svc.containsKey("networks") || svc.containsKey("network_mode");
        for (Map.Entry<String, Object> e : svc.entrySet()) {
            String key = e.getKey();
            Object v = e.getValue();
            String at = p + "." + key;
            if (key.startsWith("x-")) {
                continue;
            }
            try {
                switch (key) {
                    case "image" -> s.image = str(v);
                    case "build" -> s.build = build(v, at);
                    case "command" -> s.command = ComposeSyntax.command(v);
                    case "entrypoint" -> s.entrypoint = ComposeSyntax.command(v);
                    case "environment", "env_file" -> {
                    } // below, in Compose's order: env_file first, environment overrides
                    case "ports" -> s.ports = ports(list(v, at), at);
                    case "volumes" -> mounts.volumes(s, service, list(v, at), at);
                    case "tmpfs" -> mounts.tmpfs(s, v instanceof List<?> l ? l : List.of(v), at);
                    case "networks" -> networks(s, service, v, at);
                    case "network_mode" -> networkMode(s, str(v), at);
                    case "depends_on" -> s.dependsOn = dependsOn(v, at);
                    case "healthcheck" -> s.healthcheck = healthcheck(map(v, at), at);
                    case "restart" -> s.restartPolicy = restart(str(v), at);
                    case "user" -> s.user = str(v);
                    case "working_dir" -> s.workingDir = str(v);
                    case "labels" -> s.labels = keyValues(v, at);
                    case "deploy" -> deploy(s, map(v, at), at);
                    case "secrets" -> s.secrets = secrets(list(v, at), at);
                    case "privileged" -> s.privileged = bool(v);
                    case "cap_add" -> s.capAdd = strings(v);
                    case "cap_drop" -> s.capDrop = strings(v);
                    case "devices" -> s.devices = devices(list(v, at), at);
                    case "read_only" -> s.readOnlyRootFilesystem = bool(v);
                    case "security_opt" -> securityOpt(s, strings(v), at);
                    case "pid" -> s.pidMode = str(v);
                    case "ipc" -> s.ipcMode = str(v);
                    case "stop_grace_period" -> s.stopGracePeriod = ComposeSyntax.duration(v);
                    case "stop_signal" -> s.stopSignal = str(v);
                    case "pull_policy" -> s.imagePullPolicy = pullPolicy(str(v), at);
                    case "scale" -> {
                        if (s.replicas == null) {
                            s.replicas = integer(v);
                        }
                    }
                    case "mem_limit" -> resources(s).memory = ComposeSyntax.size(v);
                    case "cpus" -> resources(s).cpus = str(v);
                    case "links" -> links(list(v, at), at);
                    default -> {
                        if (IGNORED.containsKey(key)) {
                            problems.ignored(at, IGNORED.get(key));
                        } else if (REFUSED.containsKey(key)) {
                            problems.unsupported(at, REFUSED.get(key));
                        } else {
                            problems.unsupported(at, "unknown to Mooring's compose import");
                        }
                    }
                }
            } catch (IllegalArgumentException | ClassCastException ex) {
                problems.error(at, ex.getMessage() == null ? "has the wrong type" : ex.getMessage());
            }
        }
        environment(s, svc, p);
        if (s.image == null && s.build == null) {
            problems.error(p, "needs image or build");
        }
        if (!explicitNetworking) {
            attach(s, "default", List.of(), service);
        }
        return s;
    }

    // ---- build, environment ------------------------------------------------------------

    private AppSpec.Build build(Object v, String at) {
        AppSpec.Build b = new AppSpec.Build();
        Map<String, Object> m = v instanceof Map ? map(v, at) : Map.of("context", str(v));
        String context = m.containsKey("context") ? str(m.get("context")) : ".";
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String k = at + "." + e.getKey();
            switch (e.getKey()) {
                case "context" -> {
                }
                case "dockerfile" -> b.dockerfile = str(e.getValue());
                case "args" -> {
                    b.args = new TreeMap<>();
                    for (Map.Entry<String, String> a : keyValuesNullable(e.getValue(), k).entrySet()) {
                        if (a.getValue() == null) {
                            problems.warn(k + "." + a.getKey(), "has no value (Compose would take it from your shell); left out");
                        } else {
                            b.args.put(a.getKey(), a.getValue());
                        }
                    }
                }
                case "target" -> b.target = str(e.getValue());
                case "cache_from", "cache_to", "labels", "no_cache", "pull", "platforms", "tags", "shm_size" ->
                        problems.ignored(k, "the image is built the same without it");
                default -> problems.unsupported(k, "a build with " + e.getKey() + " would not be the same build");
            }
        }
        if (context.contains("://") || context.startsWith("git@")) {
            problems.unsupported(at + ".context", "remote build contexts (" + context + "); put the sources in the project or a GitRepository");
            return b;
        }
        b.context = run.insideProject(context, at + ".context");
        return b;
    }

    private void environment(AppSpec s, Map<String, Object> svc, String p) {
        Map<String, String> env = new LinkedHashMap<>();
        if (svc.containsKey("env_file")) {
            String at = p + ".env_file";
            Object v = svc.get("env_file");
            List<?> files = v instanceof List<?> l ? l : List.of(v);
            for (int i = 0; i < files.size(); i++) {
                Object f = files.get(i);
                String fat = files.size() == 1 && !(v instanceof List) ? at : at + "[" + i + "]";
                String path;
                boolean required = true;
                if (f instanceof Map<?, ?> fm) {
                    path = str(fm.get("path"));
                    required = !Boolean.FALSE.equals(fm.get("required"));
                    if (fm.containsKey("format") && !"raw".equals(fm.get("format"))) {
                        problems.warn(fat + ".format", "env files are read in the usual KEY=value format");
                    }
                } else {
                    path = str(f);
                }
                String file = run.insideProject(path, fat);
                if (file == null) {
                    continue;
                }
                try {
                    env.putAll(ComposeSyntax.envFile(Files.readString(Path.of(file))));
                } catch (IOException e) {
                    if (required) {
                        problems.error(fat, "cannot read " + path + " in the project" + (Files.exists(Path.of(file)) ? ": " + e.getMessage() : ": no such file"));
                    }
                }
            }
        }
        if (svc.containsKey("environment")) {
            String at = p + ".environment";
            try {
                keyValuesNullable(svc.get("environment"), at).forEach((k, val) -> {
                    if (val == null) {
                        problems.warn(at + "." + k, "has no value (Compose would take it from your shell); left out");
                        env.remove(k);
                    } else {
                        env.put(k, val);
                    }
                });
            } catch (IllegalArgumentException | ClassCastException e) {
                problems.error(at, e.getMessage());
            }
        }
        if (!env.isEmpty()) {
            s.env = new ArrayList<>();
            env.forEach((k, val) -> s.env.add(new AppSpec.EnvVar(k, val)));
        }
    }

    // ---- ports, networks ---------------------------------------------------------------

    private List<AppSpec.PortSpec> ports(List<?> items, String at) {
        List<AppSpec.PortSpec> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            String iat = at + "[" + i + "]";
            try {
                if (item instanceof Map<?, ?> raw) {
                    Map<String, Object> m = map(raw, iat);
                    for (String k : m.keySet()) {
                        switch (k) {
                            case "target", "published", "host_ip", "protocol" -> {
                            }
                            case "mode" -> {
                                if (!"host".equals(m.get(k))) {
                                    problems.warn(iat + ".mode", "published on the engine's host (mode host); Swarm's ingress mode does not apply");
                                }
                            }
                            case "name", "app_protocol" -> problems.ignored(iat + "." + k, "informational");
                            default -> problems.unsupported(iat + "." + k, "unknown port setting");
                        }
                    }
                    if (m.get("target") == null) {
                        problems.error(iat + ".target", "is required");
                        continue;
                    }
                    out.addAll(ComposeSyntax.expand(str(m.get("target")), m.get("published") == null ? null : str(m.get("published")),
                            m.get("host_ip") == null ? null : str(m.get("host_ip")),
                            m.get("protocol") == null ? "tcp" : str(m.get("protocol")).toLowerCase(), String.valueOf(item)));
                } else {
                    out.addAll(ComposeSyntax.shortPort(str(item)));
                }
            } catch (IllegalArgumentException e) {
                problems.error(iat, e.getMessage());
            }
        }
        return out;
    }

    private void networks(AppSpec s, String service, Object v, String at) {
        if (v instanceof List<?> l) {
            l.forEach(n -> attach(s, run.network(str(n), at), List.of(), service));
            return;
        }
        map(v, at).forEach((name, settings) -> {
            String nat = at + "." + name;
            List<String> aliases = new ArrayList<>();
            if (settings != null) {
                map(settings, nat).forEach((k, val) -> {
                    switch (k) {
                        case "aliases" -> aliases.addAll(strings(val));
                        case "priority", "gw_priority" -> problems.ignored(nat + "." + k, "networks are joined in the order listed");
                        default -> problems.unsupported(nat + "." + k, "fixed addresses and per-network options are not supported");
                    }
                });
            }
            attach(s, run.network(name, nat), aliases, service);
        });
    }

    /** Joins a network as Compose does: the service name is an alias, so the others reach it by that name. */
    private void attach(AppSpec s, String network, List<String> aliases, String service) {
        if (network == null) {
            return;
        }
        if (network.equals("default")) {
            run.useDefaultNetwork();
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
    }

    private void networkMode(AppSpec s, String mode, String at) {
        if (Set.of("host", "none", "bridge").contains(mode)) {
            s.networkMode = mode;
        } else {
            problems.unsupported(at, "network_mode " + mode + " (sharing another container's network) is not supported; use a shared network");
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

    // ---- dependencies, health, restart, deploy -----------------------------------------

    private List<AppSpec.Dependency> dependsOn(Object v, String at) {
        List<AppSpec.Dependency> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(d -> out.add(dependency(str(d), "started", at)));
            return out;
        }
        map(v, at).forEach((name, settings) -> {
            String dat = at + "." + name;
            String condition = "started";
            if (settings != null) {
                for (Map.Entry<String, Object> e : map(settings, dat).entrySet()) {
                    switch (e.getKey()) {
                        case "condition" -> condition = switch (str(e.getValue())) {
                            case "service_started" -> "started";
                            case "service_healthy" -> "healthy";
                            case "service_completed_successfully" -> "completed";
                            default -> {
                                problems.error(dat + ".condition", "\"" + e.getValue() + "\" is not service_started, service_healthy or service_completed_successfully");
                                yield "started";
                            }
                        };
                        case "restart" -> problems.ignored(dat + ".restart", "Mooring does not restart a service when its dependency is updated");
                        case "required" -> {
                            if (Boolean.FALSE.equals(e.getValue())) {
                                problems.warn(dat + ".required", "Mooring waits for every dependency; the service is in this file");
                            }
                        }
                        default -> problems.unsupported(dat + "." + e.getKey(), "unknown depends_on setting");
                    }
                }
            }
            out.add(dependency(name, condition, dat));
        });
        return out;
    }

    private AppSpec.Dependency dependency(String service, String condition, String at) {
        AppSpec.Dependency d = new AppSpec.Dependency();
        d.app = run.serviceName(service, at);
        d.condition = condition.equals("started") ? null : condition;
        return d;
    }

    private AppSpec.Healthcheck healthcheck(Map<String, Object> m, String at) {
        AppSpec.Healthcheck h = new AppSpec.Healthcheck();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "test" -> h.test = v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of("CMD-SHELL", str(v));
                case "interval" -> h.interval = ComposeSyntax.duration(v);
                case "timeout" -> h.timeout = ComposeSyntax.duration(v);
                case "start_period" -> h.startPeriod = ComposeSyntax.duration(v);
                case "retries" -> h.retries = integer(v);
                case "disable" -> {
                    if (Boolean.TRUE.equals(v)) {
                        h.test = List.of("NONE");
                    }
                }
                case "start_interval" -> problems.ignored(at + ".start_interval", "checks run at interval during the start period too");
                default -> problems.unsupported(at + "." + e.getKey(), "unknown healthcheck setting");
            }
        }
        return h;
    }

    private String restart(String policy, String at) {
        if (policy.startsWith("on-failure:")) {
            problems.ignored(at, "the retry limit " + policy.substring(11) + " (Mooring keeps restarting with a back-off)");
            return "on-failure";
        }
        return switch (policy) {
            case "no", "always", "unless-stopped", "on-failure" -> policy;
            default -> throw new IllegalArgumentException("\"" + policy + "\" is not no, always, on-failure or unless-stopped");
        };
    }

    private void deploy(AppSpec s, Map<String, Object> d, String at) {
        for (Map.Entry<String, Object> e : d.entrySet()) {
            String k = at + "." + e.getKey();
            Object v = e.getValue();
            switch (e.getKey()) {
                case "replicas" -> {
                    try {
                        s.replicas = integer(v);
                    } catch (IllegalArgumentException ex) {
                        problems.error(k, ex.getMessage());
                    }
                }
                case "mode" -> {
                    if (!"replicated".equals(str(v))) {
                        problems.unsupported(k, "mode " + v + " (one container per Swarm node); use replicas");
                    }
                }
                case "update_config" -> s.update = update(map(v, k), k);
                case "resources" -> map(v, k).forEach((rk, rv) -> {
                    if (rk.equals("limits")) {
                        map(rv, k + ".limits").forEach((lk, lv) -> {
                            switch (lk) {
                                case "cpus" -> resources(s).cpus = str(lv);
                                case "memory" -> resources(s).memory = ComposeSyntax.size(lv);
                                default -> problems.unsupported(k + ".limits." + lk, "only cpus and memory limits are supported");
                            }
                        });
                    } else if (rk.equals("reservations")) {
                        problems.ignored(k + ".reservations", "a reservation does not limit the container");
                    } else {
                        problems.unsupported(k + "." + rk, "unknown resources setting");
                    }
                });
                case "restart_policy" -> map(v, k).forEach((rk, rv) -> {
                    if (rk.equals("condition")) {
                        s.restartPolicy = switch (str(rv)) {
                            case "none" -> "no";
                            case "on-failure" -> "on-failure";
                            case "any" -> "always";
                            default -> throw new IllegalArgumentException(k + ".condition \"" + rv + "\" is not none, on-failure or any");
                        };
                    } else {
                        problems.ignored(k + "." + rk, "Mooring restarts with its own crash-loop back-off");
                    }
                });
                case "placement", "endpoint_mode", "labels", "rollback_config" ->
                        problems.ignored(k, "Swarm scheduling settings; the App runs on its engine");
                default -> problems.unsupported(k, "unknown deploy setting");
            }
        }
    }

    private AppSpec.UpdateStrategy update(Map<String, Object> m, String at) {
        AppSpec.UpdateStrategy u = new AppSpec.UpdateStrategy();
        m.forEach((k, v) -> {
            switch (k) {
                case "parallelism" -> u.parallelism = integer(v);
                case "delay" -> u.delay = ComposeSyntax.duration(v);
                case "monitor" -> u.monitor = ComposeSyntax.duration(v);
                case "order" -> u.order = str(v);
                case "failure_action" -> u.failureAction = str(v);
                case "max_failure_ratio" -> u.maxFailureRatio = Double.valueOf(str(v));
                default -> problems.unsupported(at + "." + k, "unknown update_config setting");
            }
        });
        return u;
    }

    // ---- secrets, devices, security ----------------------------------------------------

    private List<AppSpec.SecretFile> secrets(List<?> items, String at) {
        List<AppSpec.SecretFile> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String iat = at + "[" + i + "]";
            Object item = items.get(i);
            AppSpec.SecretFile f = new AppSpec.SecretFile();
            String source;
            String target = null;
            if (item instanceof Map<?, ?> raw) {
                Map<String, Object> m = map(raw, iat);
                source = str(m.get("source"));
                for (Map.Entry<String, Object> e : m.entrySet()) {
                    switch (e.getKey()) {
                        case "source" -> {
                        }
                        case "target" -> target = str(e.getValue());
                        case "uid" -> f.uid = integer(e.getValue());
                        case "gid" -> f.gid = integer(e.getValue());
                        case "mode" -> f.mode = e.getValue() instanceof Number n ? new IntOrString(n.intValue()) : new IntOrString(str(e.getValue()));
                        default -> problems.unsupported(iat + "." + e.getKey(), "unknown secret setting");
                    }
                }
            } else {
                source = str(item);
            }
            f.secret = run.secret(source, iat);
            String base = target == null ? source : target;
            f.target = base.startsWith("/") ? base : "/run/secrets/" + base;
            if (f.mode == null) {
                f.mode = new IntOrString(0444); // Compose's default: readable by the service's user, whoever it is
            }
            out.add(f);
        }
        return out;
    }

    private List<AppSpec.Device> devices(List<?> items, String at) {
        List<AppSpec.Device> out = new ArrayList<>();
        for (Object item : items) {
            AppSpec.Device d = new AppSpec.Device();
            if (item instanceof Map<?, ?> raw) {
                Map<String, Object> m = map(raw, at);
                d.hostPath = str(m.get("source"));
                d.containerPath = m.get("target") == null ? null : str(m.get("target"));
                d.permissions = m.get("permissions") == null ? null : str(m.get("permissions"));
            } else {
                String[] parts = str(item).split(":");
                d.hostPath = parts[0];
                d.containerPath = parts.length > 1 ? parts[1] : null;
                d.permissions = parts.length > 2 ? parts[2] : null;
            }
            out.add(d);
        }
        return out;
    }

    private void securityOpt(AppSpec s, List<String> opts, String at) {
        for (int i = 0; i < opts.size(); i++) {
            String o = opts.get(i);
            if (o.equals("no-new-privileges") || o.equals("no-new-privileges:true") || o.equals("no-new-privileges=true")) {
                s.noNewPrivileges = true;
            } else if (!o.equals("no-new-privileges:false") && !o.equals("no-new-privileges=false")) {
                problems.unsupported(at + "[" + i + "]", "security option " + o + " (only no-new-privileges is supported)");
            }
        }
    }

    private String pullPolicy(String policy, String at) {
        return switch (policy) {
            case "always" -> "Always";
            case "never" -> "Never";
            case "missing", "if_not_present" -> "IfNotPresent";
            case "build" -> {
                problems.ignored(at, "an App with build is always built from its context");
                yield null;
            }
            default -> throw new IllegalArgumentException("\"" + policy + "\" is not always, never, missing or build");
        };
    }

    // ---- values ------------------------------------------------------------------------

    private static AppSpec.Resources resources(AppSpec s) {
        if (s.resources == null) {
            s.resources = new AppSpec.Resources();
        }
        return s.resources;
    }

    private Map<String, String> keyValues(Object v, String at) {
        Map<String, String> out = new TreeMap<>();
        keyValuesNullable(v, at).forEach((k, val) -> out.put(k, val == null ? "" : val));
        return out;
    }
}
