package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static dev.mooring.source.compose.ComposeValues.list;
import static dev.mooring.source.compose.ComposeValues.str;

/**
 * A service's {@code volumes_from}: the same mounts as the other service of the project (its
 * volumes and bind mounts, at the same paths, including those it has from its own
 * {@code volumes_from}), read-only with {@code :ro}, read-write with {@code :rw}, else as there.
 * Its tmpfs mounts are its own, as in Docker; a path the service mounts itself keeps its own mount.
 * The mounts are known only once every service is translated, so this one object serves the whole
 * file: it collects the references while the services are translated and {@link #resolve}s them after.
 */
final class VolumesFrom implements ServiceKeys {
    private record Ref(String service, Boolean readOnly, String at) {
    }

    private final ComposeFile file;
    private final Map<String, List<Ref>> refs = new LinkedHashMap<>();

    VolumesFrom(ComposeFile file) {
        this.file = file;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of("volumes_from", (service, s, v, at) -> {
            List<?> items = list(v, at);
            for (int i = 0; i < items.size(); i++) {
                String iat = at + "[" + i + "]";
                String[] parts = str(items.get(i)).split(":");
                if (parts[0].equals("container")) {
                    file.problems.unsupported(iat, "volumes_from a container (" + str(items.get(i)) + ") that Mooring does not manage; "
                            + "declare its volumes in the top-level volumes and mount them in both, or make it a service of this project");
                    continue;
                }
                String other = parts[0].equals("service") && parts.length > 1 ? parts[1] : parts[0];
                String mode = parts.length > (parts[0].equals("service") ? 2 : 1) ? parts[parts.length - 1] : null;
                if (mode != null && !mode.equals("ro") && !mode.equals("rw")) {
                    file.problems.error(iat, "\"" + mode + "\" is not ro or rw");
                    continue;
                }
                refs.computeIfAbsent(service, k -> new ArrayList<>()).add(new Ref(other, mode == null ? null : mode.equals("ro"), iat));
            }
        });
    }

    /** After every service: each service that names others gets their mounts. */
    void resolve(Function<String, AppSpec> specOfService) {
        Map<String, List<AppSpec.VolumeMount>> own = new HashMap<>();
        refs.keySet().forEach(svc -> own.put(svc, mounts(specOfService.apply(svc))));
        Map<String, List<AppSpec.VolumeMount>> done = new HashMap<>();
        for (String service : refs.keySet()) {
            AppSpec spec = specOfService.apply(service);
            List<AppSpec.VolumeMount> all = effective(service, specOfService, own, done, new LinkedHashSet<>());
            if (spec != null && all != null && !all.isEmpty()) {
                spec.volumes = new ArrayList<>(all);
            }
        }
    }

    private List<AppSpec.VolumeMount> effective(String service, Function<String, AppSpec> specOf, Map<String, List<AppSpec.VolumeMount>> own,
                                                Map<String, List<AppSpec.VolumeMount>> done, Set<String> visiting) {
        if (done.containsKey(service)) {
            return done.get(service);
        }
        List<AppSpec.VolumeMount> result = new ArrayList<>(own.containsKey(service) ? own.get(service) : mounts(specOf.apply(service)));
        if (!visiting.add(service)) {
            return result;
        }
        for (Ref ref : refs.getOrDefault(service, List.of())) {
            if (file.serviceName(ref.service(), ref.at()) == null) {
                continue;
            }
            if (visiting.contains(ref.service())) {
                file.problems.error(ref.at(), "volumes_from goes round in a circle: " + String.join(" -> ", visiting) + " -> " + ref.service());
                continue;
            }
            for (AppSpec.VolumeMount m : effective(ref.service(), specOf, own, done, visiting)) {
                boolean taken = result.stream().anyMatch(x -> x.mountPath.equals(m.mountPath));
                if (m.tmpfs == null && !taken) {
                    result.add(copy(m, ref.readOnly()));
                }
            }
        }
        visiting.remove(service);
        done.put(service, result);
        return result;
    }

    private static List<AppSpec.VolumeMount> mounts(AppSpec spec) {
        return spec == null || spec.volumes == null ? List.of() : List.copyOf(spec.volumes);
    }

    private static AppSpec.VolumeMount copy(AppSpec.VolumeMount m, Boolean readOnly) {
        AppSpec.VolumeMount c = new AppSpec.VolumeMount();
        c.mountPath = m.mountPath;
        c.volume = m.volume;
        c.hostPath = m.hostPath;
        c.readOnly = readOnly == null ? m.readOnly : readOnly ? Boolean.TRUE : null;
        return c;
    }
}
