package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.Labels;
import dev.mooring.api.Quantities;
import dev.mooring.docker.ContainerSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an App asks of the engine, in engine terms: how many replicas, running or stopped, and
 * the container template every replica is made from, with its config hash. Pure: built from
 * the resource alone.
 */
public record DesiredApp(
        String namespace,
        String name,
        long generation,
        int replicas,
        boolean running,
        ContainerSpec template,
        String configHash,
        Integer stopTimeoutSeconds,
        UpdatePolicy update,
        Lifecycle lifecycle,
        /** The image the tag resolved to on the engine; containers running another one are stale. Null when unknown. */
        String imageId,
        /** The revision this target is (for labels and status); 0 when not yet recorded. */
        int revision,
        /** What containers are created from: the tag, or the image ID when the tag has moved on (a rollback). */
        String createFrom) {

    /** How a change moves through the replicas (spec.update, with defaults). */
    public record UpdatePolicy(int parallelism, Duration delay, boolean startFirst, Duration monitor,
                               String failureAction, double maxFailureRatio, Duration progressDeadline) {
        public static final UpdatePolicy DEFAULT = new UpdatePolicy(1, Duration.ZERO, false, Duration.ofSeconds(5),
                "rollback", 0, Duration.ofMinutes(2));
    }

    /** How Mooring supervises running replicas. */
    public record Lifecycle(String restartPolicy, boolean restartOnUnhealthy, int minReadySeconds) {
        public static final Lifecycle DEFAULT = new Lifecycle("unless-stopped", true, 0);

        /** Whether an exited replica with this exit code is started again. */
        public boolean restarts(Integer exitCode) {
            return switch (restartPolicy) {
                case "no" -> false;
                case "on-failure" -> exitCode == null || exitCode != 0;
                default -> true;
            };
        }
    }

    public static final int DEFAULT_STOP_SECONDS = 10;

    /**
     * A desired state with no replicas: what remains of an App being deleted, or of an orphan's
     * owner. Containers are stopped with their own stop timeout (set at creation from
     * stopGracePeriod), so a deletion takes as long as each container asked for, not a default.
     */
    public static DesiredApp gone(String namespace, String name) {
        return new DesiredApp(namespace, name, 0, 0, false, null, null, null, UpdatePolicy.DEFAULT, Lifecycle.DEFAULT, null, 0, null);
    }

    /** An App that uses no Secrets. */
    public static DesiredApp of(App app) {
        return of(app, Map.of());
    }

    /**
     * @param secretDigests the digests of the Secrets the App uses: Secret name to (key to
     *                      {@code sha256:<hex>}); they go into the config hash, the values never do
     */
    public static DesiredApp of(App app, Map<String, Map<String, String>> secretDigests) {
        return of(app, secretDigests, app.getSpec().image);
    }

    /**
     * @param image what the containers run: spec.image, or for an App with spec.build the image
     *              built from it (its tag names the context digest, so the config hash changes with
     *              the context)
     */
    public static DesiredApp of(App app, Map<String, Map<String, String>> secretDigests, String image) {
        AppSpec s = app.getSpec();
        List<String> env = new ArrayList<>();
        List<ContainerSpec.SecretEnv> secretEnv = new ArrayList<>();
        env(s, secretDigests, env, secretEnv);
        Long nanoCpus = s.resources == null || s.resources.cpus == null ? null : Quantities.nanoCpus(s.resources.cpus);
        Long memory = s.resources == null || s.resources.memory == null ? null : Quantities.bytes(s.resources.memory);
        Integer stopSeconds = s.stopGracePeriod == null ? DEFAULT_STOP_SECONDS
                : (int) Math.max(0, Quantities.duration(s.stopGracePeriod).toSeconds());
        Map<String, String> userLabels = s.labels == null ? Map.of() : new TreeMap<>(s.labels);
        String restartPolicy = s.restartPolicy == null ? "unless-stopped" : s.restartPolicy;

        ContainerSpec template = new ContainerSpec(null, image, s.command, s.entrypoint, env, s.workingDir, s.user,
                userLabels, ports(s), mounts(app.namespace(), s), networks(app.namespace(), s), health(s), nanoCpus, memory,
                restartPolicy, s.stopSignal, stopSeconds, security(s), secretFiles(s, secretDigests), secretEnv, runtime(s));
        int replicas = s.replicas == null ? 1 : s.replicas;
        boolean running = !"Stopped".equals(s.desiredState);
        return new DesiredApp(app.namespace(), app.name(), app.getMetadata().getGeneration() == null ? 0 : app.getMetadata().getGeneration(),
                replicas, running, template, ConfigHash.of(template), stopSeconds, policy(s.update),
                new Lifecycle(restartPolicy, !Boolean.FALSE.equals(s.restartOnUnhealthy),
                        s.minReadySeconds == null ? 0 : s.minReadySeconds), null, 0, image);
    }

    /** Plain variables into {@code env} ({@code NAME=value}), Secret references into {@code secretEnv}, with their digests. */
    private static void env(AppSpec s, Map<String, Map<String, String>> secretDigests, List<String> env, List<ContainerSpec.SecretEnv> secretEnv) {
        if (s.env == null) {
            return;
        }
        for (AppSpec.EnvVar e : s.env) {
            if (e.valueFrom != null) {
                AppSpec.SecretKeySelector ref = e.valueFrom.secretKeyRef;
                secretEnv.add(new ContainerSpec.SecretEnv(e.name, ref.name, ref.key, digest(secretDigests, ref.name, ref.key)));
            } else {
                env.add(e.name + "=" + (e.value == null ? "" : e.value));
            }
        }
    }

    private static List<ContainerSpec.SecretFile> secretFiles(AppSpec s, Map<String, Map<String, String>> secretDigests) {
        List<ContainerSpec.SecretFile> secretFiles = new ArrayList<>();
        if (s.secrets != null) {
            int[] owner = numericUser(s.user);
            for (AppSpec.SecretFile f : s.secrets) {
                String key = f.key != null ? f.key : onlyKey(secretDigests, f.secret);
                secretFiles.add(new ContainerSpec.SecretFile(f.secret, key, digest(secretDigests, f.secret, key), f.target(),
                        f.modeBits(), f.uid != null ? f.uid : owner[0], f.gid != null ? f.gid : owner[1]));
            }
        }
        return secretFiles;
    }

    private static List<ContainerSpec.PortBinding> ports(AppSpec s) {
        List<ContainerSpec.PortBinding> ports = new ArrayList<>();
        if (s.ports != null) {
            s.ports.forEach(p -> ports.add(new ContainerSpec.PortBinding(p.containerPort,
                    p.protocol == null ? "tcp" : p.protocol, p.hostIP, p.hostPort)));
        }
        return ports;
    }

    /** Volumes by their engine name, host paths as given, tmpfs with its size in bytes. */
    private static List<ContainerSpec.MountSpec> mounts(String ns, AppSpec s) {
        List<ContainerSpec.MountSpec> mounts = new ArrayList<>();
        if (s.volumes != null) {
            for (AppSpec.VolumeMount m : s.volumes) {
                boolean ro = Boolean.TRUE.equals(m.readOnly);
                if (m.volume != null) {
                    mounts.add(new ContainerSpec.MountSpec("volume", DockerNames.volume(ns, m.volume), m.mountPath, ro, null));
                } else if (m.hostPath != null) {
                    mounts.add(new ContainerSpec.MountSpec("bind", m.hostPath, m.mountPath, ro, null));
                } else {
                    Long size = m.tmpfs.size == null ? null : Quantities.bytes(m.tmpfs.size);
                    mounts.add(new ContainerSpec.MountSpec("tmpfs", null, m.mountPath, ro, size));
                }
            }
        }
        return mounts;
    }

    private static List<ContainerSpec.NetworkAttach> networks(String ns, AppSpec s) {
        List<ContainerSpec.NetworkAttach> networks = new ArrayList<>();
        if (s.networks != null) {
            s.networks.forEach(n -> networks.add(new ContainerSpec.NetworkAttach(DockerNames.network(ns, n.name),
                    n.aliases == null ? List.of() : List.copyOf(n.aliases), n.ipv4Address, n.ipv6Address)));
        }
        return networks;
    }

    private static ContainerSpec.HealthSpec health(AppSpec s) {
        if (s.healthcheck == null) {
            return null;
        }
        AppSpec.Healthcheck h = s.healthcheck;
        return new ContainerSpec.HealthSpec(healthTest(h.test), nanos(h.interval), nanos(h.timeout), h.retries, nanos(h.startPeriod));
    }

    /**
     * The same target, pinned to an image and a revision number.
     * @param tagImageId what the tag resolves to now; when the pinned image differs (rolling back
     *                   past a moved tag), containers are created from the pinned image's ID
     */
    public DesiredApp withImage(String pinnedImageId, int revisionNumber, String tagImageId) {
        String from = pinnedImageId != null && !pinnedImageId.equals(tagImageId) ? pinnedImageId : template.image();
        return new DesiredApp(namespace, name, generation, replicas, running, template, configHash, stopTimeoutSeconds,
                update, lifecycle, pinnedImageId, revisionNumber, from);
    }

    /** The App's privileges and host namespaces in engine terms; null when it asks for none of them. */
    static ContainerSpec.Security security(AppSpec s) {
        if (s.privileged == null && s.networkMode == null && s.pidMode == null && s.ipcMode == null && s.capAdd == null
                && s.capDrop == null && s.devices == null && s.readOnlyRootFilesystem == null && s.noNewPrivileges == null) {
            return null;
        }
        List<ContainerSpec.Device> devices = new ArrayList<>();
        if (s.devices != null) {
            for (AppSpec.Device d : s.devices) {
                devices.add(new ContainerSpec.Device(d.hostPath, d.containerPath == null ? d.hostPath : d.containerPath,
                        d.permissions == null ? "rwm" : d.permissions));
            }
        }
        return new ContainerSpec.Security(Boolean.TRUE.equals(s.privileged), s.networkMode, s.pidMode, s.ipcMode,
                capabilities(s.capAdd), capabilities(s.capDrop), devices, Boolean.TRUE.equals(s.readOnlyRootFilesystem),
                Boolean.TRUE.equals(s.noNewPrivileges));
    }

    /**
     * The container's surroundings in engine terms; null when the App sets none of them, so an App
     * made before they existed keeps its config hash. /etc/hosts lines keep their order (the first
     * line for a name wins), sysctls are sorted.
     */
    static ContainerSpec.Runtime runtime(AppSpec s) {
        if (s.hostname == null && s.domainname == null && s.extraHosts == null && s.dns == null && s.sysctls == null
                && s.ulimits == null && s.init == null && s.tty == null && s.stdinOpen == null && s.gpus == null) {
            return null;
        }
        List<String> hosts = s.extraHosts == null ? null : s.extraHosts.stream().map(h -> h.host + ":" + h.ip).toList();
        AppSpec.Dns dns = s.dns == null ? new AppSpec.Dns() : s.dns;
        List<ContainerSpec.Ulimit> ulimits = s.ulimits == null ? null : s.ulimits.stream()
                .map(u -> new ContainerSpec.Ulimit(u.name, u.soft, u.hard())).sorted(java.util.Comparator.comparing(ContainerSpec.Ulimit::name)).toList();
        List<ContainerSpec.DeviceRequest> gpus = s.gpus == null ? null : s.gpus.stream().map(g -> new ContainerSpec.DeviceRequest(g.driver,
                g.count != null ? g.count : g.deviceIds == null || g.deviceIds.isEmpty() ? Integer.valueOf(-1) : null,
                g.deviceIds, g.capabilities == null || g.capabilities.isEmpty() ? List.of("gpu") : g.capabilities.stream().sorted().toList(),
                g.options == null ? null : new TreeMap<>(g.options))).toList();
        return new ContainerSpec.Runtime(s.hostname, s.domainname, hosts, dns.servers, dns.search, dns.options,
                s.sysctls == null ? null : new TreeMap<>(s.sysctls), ulimits, s.init, s.tty, s.stdinOpen, gpus);
    }

    private static List<String> capabilities(List<String> names) {
        if (names == null) {
            return List.of();
        }
        return names.stream().map(dev.mooring.api.Validation::capability).distinct().sorted().toList();
    }

    static UpdatePolicy policy(AppSpec.UpdateStrategy u) {
        if (u == null) {
            return UpdatePolicy.DEFAULT;
        }
        UpdatePolicy d = UpdatePolicy.DEFAULT;
        return new UpdatePolicy(u.parallelism == null ? d.parallelism() : u.parallelism,
                u.delay == null ? d.delay() : Quantities.duration(u.delay),
                "start-first".equals(u.order),
                u.monitor == null ? d.monitor() : Quantities.duration(u.monitor),
                u.failureAction == null ? d.failureAction() : u.failureAction,
                u.maxFailureRatio == null ? d.maxFailureRatio() : u.maxFailureRatio,
                u.progressDeadline == null ? d.progressDeadline() : Quantities.duration(u.progressDeadline));
    }

    /** The container of one replica: the template with its name and ownership labels. */
    public ContainerSpec container(String containerName, int replica) {
        Map<String, String> labels = new LinkedHashMap<>(template.labels());
        labels.putAll(ownerLabels(namespace, name));
        labels.put(Labels.REPLICA, Integer.toString(replica));
        labels.put(Labels.CONFIG_HASH, configHash);
        labels.put(Labels.GENERATION, Long.toString(generation));
        if (revision > 0) {
            labels.put(Labels.REVISION, Integer.toString(revision));
        }
        if (stopTimeoutSeconds != null) {
            labels.put(Labels.STOP_GRACE, Integer.toString(stopTimeoutSeconds));
        }
        ContainerSpec t = template;
        return new ContainerSpec(containerName, createFrom == null ? t.image() : createFrom, t.command(), t.entrypoint(), t.env(), t.workingDir(), t.user(),
                labels, t.ports(), t.mounts(), t.networks(), t.healthcheck(), t.nanoCpus(), t.memoryBytes(),
                // Mooring restarts exited replicas itself, with a crash-loop back-off (spec.restartPolicy says
                // when); Docker's own policy would restart them hot, so it is off.
                "no", t.stopSignal(), t.stopTimeoutSeconds(), t.security(), t.secretFiles(), t.secretEnv(), t.runtime());
    }

    /** Whether containers get Secret files (which exist only if the upload after creation happened). */
    public boolean hasSecretFiles() {
        return template != null && !template.secretFiles().isEmpty();
    }

    private static String digest(Map<String, Map<String, String>> digests, String secret, String key) {
        String d = digests.getOrDefault(secret, Map.of()).get(key);
        if (d == null) {
            throw new IllegalArgumentException("Secret " + secret + " key " + key + " is not known; the reconciler checks Secrets first");
        }
        return d;
    }

    private static String onlyKey(Map<String, Map<String, String>> digests, String secret) {
        Map<String, String> keys = digests.getOrDefault(secret, Map.of());
        if (keys.size() != 1) {
            throw new IllegalArgumentException("Secret " + secret + " has " + keys.size() + " keys; the reconciler checks Secrets first");
        }
        return keys.keySet().iterator().next();
    }

    /** The owner of Secret files by default: {@code spec.user} when numeric ({@code uid} or {@code uid:gid}), else root. */
    static int[] numericUser(String user) {
        if (user == null || !user.matches("\\d{1,9}(:\\d{1,9})?")) {
            return new int[]{0, 0};
        }
        String[] parts = user.split(":");
        return new int[]{Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0};
    }

    public List<String> networkNames() {
        return template == null ? List.of() : template.networks().stream().map(ContainerSpec.NetworkAttach::network).toList();
    }

    public static Map<String, String> ownerLabels(String namespace, String name) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED, "true");
        labels.put(Labels.KIND, "App");
        labels.put(Labels.NAMESPACE, namespace);
        labels.put(Labels.NAME, name);
        return labels;
    }

    static List<String> healthTest(List<String> test) {
        if (test.isEmpty()) {
            return test;
        }
        String first = test.get(0);
        if (first.equals("CMD") || first.equals("CMD-SHELL") || first.equals("NONE")) {
            return List.copyOf(test);
        }
        if (test.size() == 1) {
            return List.of("CMD-SHELL", first);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add("CMD");
        cmd.addAll(test);
        return cmd;
    }

    private static Long nanos(String duration) {
        return duration == null ? null : Quantities.duration(duration).toNanos();
    }
}
