package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mooring.source.compose.ComposeValues.integer;
import static dev.mooring.source.compose.ComposeValues.map;
import static dev.mooring.source.compose.ComposeValues.str;

/**
 * How many containers run, with what limits, restarted when and updated how: {@code deploy},
 * and the older service keys for the same ({@code scale}, {@code mem_limit}, {@code cpus},
 * {@code restart}). Swarm's scheduling settings do not apply to one engine.
 */
final class DeployTranslator implements ServiceKeys {
    private final Problems problems;

    DeployTranslator(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of(
                "deploy", (service, s, v, at) -> deploy(s, map(v, at), at),
                "scale", (service, s, v, at) -> {
                    if (s.replicas == null) { // deploy.replicas wins, wherever it is in the file
                        s.replicas = integer(v);
                    }
                },
                "mem_limit", (service, s, v, at) -> resources(s).memory = ComposeSyntax.size(v),
                "cpus", (service, s, v, at) -> resources(s).cpus = str(v),
                "restart", (service, s, v, at) -> s.restartPolicy = restart(str(v), at));
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
                case "resources" -> limits(s, map(v, k), k);
                case "restart_policy" -> restartPolicy(s, map(v, k), k);
                case "placement", "endpoint_mode", "labels", "rollback_config" ->
                        problems.ignored(k, "Swarm scheduling settings; the App runs on its engine");
                default -> problems.unsupported(k, "unknown deploy setting");
            }
        }
    }

    private void limits(AppSpec s, Map<String, Object> resources, String at) {
        resources.forEach((rk, rv) -> {
            if (rk.equals("limits")) {
                map(rv, at + ".limits").forEach((lk, lv) -> {
                    switch (lk) {
                        case "cpus" -> resources(s).cpus = str(lv);
                        case "memory" -> resources(s).memory = ComposeSyntax.size(lv);
                        default -> problems.unsupported(at + ".limits." + lk, "only cpus and memory limits are supported");
                    }
                });
            } else if (rk.equals("reservations")) {
                reservations(s, map(rv, at + ".reservations"), at + ".reservations");
            } else {
                problems.unsupported(at + "." + rk, "unknown resources setting");
            }
        });
    }

    /**
     * Devices ({@code devices}, GPUs by capability) are given to the container, as Compose does
     * with them; cpus and memory reservations do not limit it and are ignored.
     */
    private void reservations(AppSpec s, Map<String, Object> reservations, String at) {
        reservations.forEach((k, v) -> {
            String kat = at + "." + k;
            switch (k) {
                case "devices" -> {
                    List<?> items = ComposeValues.list(v, kat);
                    List<AppSpec.GpuRequest> gpus = s.gpus == null ? new ArrayList<>() : new ArrayList<>(s.gpus);
                    for (int i = 0; i < items.size(); i++) {
                        String iat = kat + "[" + i + "]";
                        Map<String, Object> device = map(items.get(i), iat);
                        if (device.get("capabilities") == null) {
                            problems.error(iat + ".capabilities", "is required, like [gpu]");
                            continue;
                        }
                        try {
                            gpus.add(RuntimeTranslator.gpu(device, iat));
                        } catch (IllegalArgumentException e) {
                            problems.error(iat, e.getMessage());
                        }
                    }
                    s.gpus = gpus;
                }
                case "cpus", "memory", "pids" -> problems.ignored(kat, "a reservation does not limit the container");
                case "generic_resources" -> problems.unsupported(kat, "Swarm generic resources; for GPUs use devices with capabilities [gpu]");
                default -> problems.unsupported(kat, "unknown reservations setting");
            }
        });
    }

    private void restartPolicy(AppSpec s, Map<String, Object> policy, String at) {
        s.restartPolicy = "always"; // the Compose specification's default condition is any
        policy.forEach((rk, rv) -> {
            if (rk.equals("condition")) {
                s.restartPolicy = switch (str(rv)) {
                    case "none" -> "no";
                    case "on-failure" -> "on-failure";
                    case "any" -> "always";
                    default -> throw new IllegalArgumentException(at + ".condition \"" + rv + "\" is not none, on-failure or any");
                };
            } else {
                problems.ignored(at + "." + rk, "Mooring restarts with its own crash-loop back-off");
            }
        });
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

    private static AppSpec.Resources resources(AppSpec s) {
        if (s.resources == null) {
            s.resources = new AppSpec.Resources();
        }
        return s.resources;
    }
}
