package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One compose service into an {@link AppSpec}. Every key is either translated, reported as a
 * warning (ignoring it keeps what the service does) or as an error (it would not). A key not
 * listed here is an error: a key Mooring has never heard of might change anything.
 *
 * <p>The keys are translated by concern, each a {@link ServiceKeys} listing its keys; this class
 * hands each key to its concern in the order of the file, and holds the keys no concern takes.
 * {@code x-} keys are skipped, as Compose does, except {@link MooringExtension#KEY}; what the
 * service leaves unsaid is what Compose does ({@link MooringExtension#composeDefaults}).
 */
final class ServiceTranslator {
    /** Service keys Mooring ignores without changing what the service does, with the reason. */
    static final Map<String, String> IGNORED = new TreeMap<>(Map.ofEntries(
            Map.entry("expose", "containers on a shared network reach every port; expose only documents it"),
            Map.entry("logging", "containers use the engine's log driver; GET .../apps/{name}/logs still works"),
            Map.entry("platform", "the engine builds and runs its own platform"),
            Map.entry("annotations", "container annotations are informational"),
            Map.entry("develop", "compose watch is a development tool"),
            Map.entry("attach", "Mooring does not attach to container output"),
            Map.entry("mem_reservation", "a reservation does not limit the container")));

    /** Service keys whose omission would change what the service does, with the reason. */
    static final Map<String, String> REFUSED = new TreeMap<>(Map.ofEntries(
            Map.entry("extends", "inline the extended service"),
            Map.entry("profiles", "a service with profiles is not started by default in Compose; remove the service or the profiles"),
            Map.entry("external_links", "containers outside the project are not managed by Mooring"),
            Map.entry("shm_size", "no /dev/shm size in AppSpec"),
            Map.entry("pids_limit", "no pids limit in AppSpec"),
            Map.entry("group_add", "no supplementary groups in AppSpec"),
            Map.entry("runtime", "containers use the engine's default runtime"),
            Map.entry("post_start", "no lifecycle hooks in AppSpec"),
            Map.entry("pre_stop", "no lifecycle hooks in AppSpec")));

    private final Problems problems;
    private final EnvironmentTranslator environment;
    private final NetworkTranslator networks;
    private final MooringExtension extension;
    private final Map<String, ServiceKeys.Key> keys = new HashMap<>();

    ServiceTranslator(ComposeFile file) {
        this.problems = file.problems;
        this.environment = new EnvironmentTranslator(file);
        this.networks = new NetworkTranslator(file);
        this.extension = new MooringExtension(problems);
        for (ServiceKeys concern : List.of(new ProcessTranslator(problems), new BuildTranslator(file), environment,
                new PortTranslator(problems), new MountTranslator(file), networks, new DependencyTranslator(file),
                new HealthTranslator(problems), new DeployTranslator(problems), new SecretFileTranslator(file),
                new SecurityTranslator(problems), new RuntimeTranslator(), new ConfigFileTranslator(file), file.volumesFrom,
                extension)) {
            concern.keys().forEach((key, translation) -> {
                if (keys.put(key, translation) != null) {
                    throw new IllegalStateException("two translators of the service key " + key);
                }
            });
        }
    }

    AppSpec translate(String service, Map<String, Object> svc) {
        String p = "services." + service;
        AppSpec s = new AppSpec();
        svc.forEach((key, value) -> {
            if (!key.startsWith("x-") || keys.containsKey(key)) {
                key(service, s, key, value, p + "." + key);
            }
        });
        environment.translate(s, svc, p);
        if (s.image == null && s.build == null) {
            problems.error(p, "needs image or build");
        }
        networks.translate(s, service, svc);
        extension.composeDefaults(s);
        return s;
    }

    private void key(String service, AppSpec s, String key, Object value, String at) {
        ServiceKeys.Key translation = keys.get(key);
        try {
            if (translation != null) {
                translation.translate(service, s, value, at);
            } else if (IGNORED.containsKey(key)) {
                problems.ignored(at, IGNORED.get(key));
            } else if (REFUSED.containsKey(key)) {
                problems.unsupported(at, REFUSED.get(key));
            } else {
                problems.unsupported(at, "unknown to Mooring's compose import");
            }
        } catch (IllegalArgumentException | ClassCastException ex) {
            problems.error(at, ex.getMessage() == null ? "has the wrong type" : ex.getMessage());
        }
    }
}
