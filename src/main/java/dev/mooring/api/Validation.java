package dev.mooring.api;

import dev.mooring.api.ApiException.FieldError;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Checks a resource before anything is stored and names every offending field by its path.
 * Runs on every write path (REST, apply, later CRDs and Git), so a bad value never reaches the
 * store or an engine.
 */
public final class Validation {
    public static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern NAME_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern DOMAIN = Pattern.compile("(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
    private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern CIDR = Pattern.compile("[0-9a-fA-F.:]+/\\d{1,3}");
    private static final Pattern ENV_NAME = Pattern.compile("[^=\\s][^=]*");
    private static final Pattern SIGNAL = Pattern.compile("(SIG)?[A-Z0-9+-]+|\\d+");
    /** Keys of a Secret, as Kubernetes allows them. */
    public static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    /** Paths under which a file in a created container is not what its process sees (the engine mounts over them). */
    static final List<String> ENGINE_PATHS = List.of("/proc", "/sys", "/dev", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf");
    /** Like Kubernetes: the values of one Secret total at most 1 MiB. */
    public static final int MAX_SECRET_BYTES = 1024 * 1024;
    static final Set<String> RESTART_POLICIES = Set.of("no", "always", "unless-stopped", "on-failure");
    static final Set<String> DESIRED_STATES = Set.of("Running", "Stopped");
    static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");
    static final Set<String> RECLAIM_POLICIES = Set.of("Retain", "Delete");
    static final Set<String> UPDATE_ORDERS = Set.of("stop-first", "start-first");
    static final Set<String> FAILURE_ACTIONS = Set.of("rollback", "pause", "continue");
    static final Set<String> DEPENDENCY_CONDITIONS = Set.of("started", "healthy", "completed");
    static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");
    static final Set<String> NETWORK_MODES = Set.of("bridge", "host", "none");
    static final Set<String> PID_MODES = Set.of("host");
    static final Set<String> IPC_MODES = Set.of("private", "shareable", "host", "none");
    /** Linux capabilities Docker knows (capabilities(7)), and ALL. */
    static final Set<String> CAPABILITIES = Set.of("ALL", "AUDIT_CONTROL", "AUDIT_READ", "AUDIT_WRITE", "BLOCK_SUSPEND", "BPF",
            "CHECKPOINT_RESTORE", "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "IPC_LOCK", "IPC_OWNER", "KILL",
            "LEASE", "LINUX_IMMUTABLE", "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD", "NET_ADMIN", "NET_BIND_SERVICE", "NET_BROADCAST",
            "NET_RAW", "PERFMON", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_ADMIN", "SYS_BOOT", "SYS_CHROOT", "SYSLOG",
            "SYS_MODULE", "SYS_NICE", "SYS_PACCT", "SYS_PTRACE", "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG",
            "WAKE_ALARM");

    private final List<FieldError> errors = new ArrayList<>();

    private Validation() {
    }

    /** All problems of the resource; empty when it is valid. */
    public static List<FieldError> validate(MooringResource<?, ?> r) {
        Validation v = new Validation();
        v.metadata(r);
        if (r instanceof Secret secret) {
            v.secret(secret);
        } else if (r.getSpec() == null) {
            v.error("spec", "is required");
        } else if (r instanceof App app) {
            v.app(app.getSpec());
        } else if (r instanceof Network n) {
            v.network(n.getSpec());
        } else if (r instanceof Volume vol) {
            v.volume(vol.getSpec());
        } else if (r instanceof GitRepository git) {
            v.errors.addAll(GitRepositoryValidation.validate(git.getSpec()));
        }
        return v.errors;
    }

    private void error(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    private void metadata(MooringResource<?, ?> r) {
        var m = r.getMetadata();
        if (m == null) {
            error("metadata", "is required");
            return;
        }
        if (m.getAdditionalProperties() != null) {
            m.getAdditionalProperties().keySet().forEach(k -> error("metadata." + k, "unknown field"));
        }
        dnsLabel("metadata.name", m.getName(), true);
        dnsLabel("metadata.namespace", m.getNamespace(), true);
        labels("metadata.labels", m.getLabels());
        if (m.getAnnotations() != null) {
            m.getAnnotations().keySet().forEach(k -> {
                if (!LABEL_KEY.matcher(k).matches() || k.length() > 253) {
                    error("metadata.annotations." + k, "is not a valid annotation key");
                }
            });
        }
        if (m.getName() != null && m.getNamespace() != null && m.getNamespace().length() + m.getName().length() > 200) {
            error("metadata.name", "namespace and name together must be at most 200 characters");
        }
    }

    private void labels(String field, Map<String, String> labels) {
        if (labels == null) {
            return;
        }
        labels.forEach((k, v) -> {
            if (k == null || !LABEL_KEY.matcher(k).matches() || k.length() > 253) {
                error(field + "." + k, "is not a valid label key (letters, digits, '-', '_', '.', optional DNS prefix and '/')");
            }
            if (v != null && v.length() > 63 && field.startsWith("metadata")) {
                error(field + "." + k, "value must be at most 63 characters");
            }
        });
    }

    private void dnsLabel(String field, String value, boolean required) {
        if (value == null || value.isEmpty()) {
            if (required) {
                error(field, "is required");
            }
            return;
        }
        if (value.length() > 63 || !DNS1123_LABEL.matcher(value).matches()) {
            error(field, "\"" + value + "\" is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)");
        }
    }

    private void app(AppSpec s) {
        if ((s.image == null || s.image.isBlank()) && s.build == null) {
            error("spec.image", "is required (or spec.build, to build the image)");
        } else if (s.image != null && !isImageReference(s.image)) {
            error("spec.image", "\"" + s.image + "\" is not a valid image reference (like nginx:1.27, registry:5000/team/app@sha256:...)");
        }
        if (s.build != null) {
            build(s.build);
        }
        if (s.replicas != null && s.replicas < 0) {
            error("spec.replicas", "must be 0 or more, was " + s.replicas);
        } else if (s.replicas != null && s.replicas > Limits.maxReplicas()) {
            error("spec.replicas", "must be at most " + Limits.maxReplicas() + " (mooring.limits.max-replicas), was " + s.replicas);
        }
        containerConfigSize(s);
        if (s.env != null) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < s.env.size(); i++) {
                AppSpec.EnvVar e = s.env.get(i);
                if (e == null || e.name == null || !ENV_NAME.matcher(e.name).matches()) {
                    error("spec.env[" + i + "].name", "is required and may not contain '=' or start with a space");
                } else if (!seen.add(e.name)) {
                    error("spec.env[" + i + "].name", "\"" + e.name + "\" is set twice");
                }
                if (e != null && e.valueFrom != null) {
                    envFrom("spec.env[" + i + "]", e);
                }
            }
        }
        secretFiles(s);
        if (s.workingDir != null && !s.workingDir.startsWith("/")) {
            error("spec.workingDir", "must be an absolute path");
        }
        ports(s);
        mounts(s);
        networks(s);
        labels("spec.labels", s.labels);
        if (s.labels != null) {
            s.labels.keySet().stream().filter(k -> k.startsWith(Labels.PREFIX))
                    .forEach(k -> error("spec.labels." + k, "the prefix " + Labels.PREFIX + " is reserved for Mooring"));
        }
        oneOf("spec.restartPolicy", s.restartPolicy, RESTART_POLICIES);
        oneOf("spec.desiredState", s.desiredState, DESIRED_STATES);
        if (s.healthcheck != null) {
            AppSpec.Healthcheck h = s.healthcheck;
            if (h.test == null || h.test.isEmpty()) {
                error("spec.healthcheck.test", "is required, like [\"CMD-SHELL\", \"wget -q -O- http://127.0.0.1/\"]");
            }
            duration("spec.healthcheck.interval", h.interval);
            duration("spec.healthcheck.timeout", h.timeout);
            duration("spec.healthcheck.startPeriod", h.startPeriod);
            if (h.retries != null && h.retries < 0) {
                error("spec.healthcheck.retries", "must be 0 or more");
            }
        }
        if (s.resources != null) {
            if (s.resources.cpus != null) {
                parse("spec.resources.cpus", () -> Quantities.nanoCpus(s.resources.cpus));
            }
            if (s.resources.memory != null) {
                parse("spec.resources.memory", () -> {
                    if (Quantities.bytes(s.resources.memory) < 6 * 1024 * 1024) {
                        throw new IllegalArgumentException("must be at least 6Mi (Docker's minimum)");
                    }
                });
            }
        }
        duration("spec.stopGracePeriod", s.stopGracePeriod);
        if (s.stopSignal != null && !SIGNAL.matcher(s.stopSignal).matches()) {
            error("spec.stopSignal", "\"" + s.stopSignal + "\" is not a signal name like SIGTERM or a number");
        }
        dnsLabel("spec.engine", s.engine, false);
        update(s);
        if (s.minReadySeconds != null && s.minReadySeconds < 0) {
            error("spec.minReadySeconds", "must be 0 or more");
        }
        if (s.revisionHistoryLimit != null && s.revisionHistoryLimit < 1) {
            error("spec.revisionHistoryLimit", "must be 1 or more");
        }
        oneOf("spec.imagePullPolicy", s.imagePullPolicy, PULL_POLICIES);
        hostSettings(s);
        if (s.dependsOn != null) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < s.dependsOn.size(); i++) {
                AppSpec.Dependency d = s.dependsOn.get(i);
                String f = "spec.dependsOn[" + i + "]";
                if (d == null) {
                    error(f, "is empty");
                    continue;
                }
                dnsLabel(f + ".app", d.app, true);
                oneOf(f + ".condition", d.condition, DEPENDENCY_CONDITIONS);
                if (d.app != null && !seen.add(d.app)) {
                    error(f + ".app", d.app + " is listed twice");
                }
            }
        }
    }

    /**
     * Bounds what becomes the container's process and config (command, entrypoint, env, labels,
     * healthcheck): a 2.9 MB command line hung runc for minutes (issue 10). One total, because
     * that is what the engine receives; the error names the largest part.
     */
    private void containerConfigSize(AppSpec s) {
        Map<String, Long> parts = new java.util.LinkedHashMap<>();
        parts.put("spec.command", bytes(s.command));
        parts.put("spec.entrypoint", bytes(s.entrypoint));
        long env = 0;
        if (s.env != null) {
            for (AppSpec.EnvVar e : s.env) {
                env += e == null ? 0 : utf8(e.name) + utf8(e.value) + 2;
            }
        }
        parts.put("spec.env", env);
        long labels = 0;
        if (s.labels != null) {
            for (var e : s.labels.entrySet()) {
                labels += utf8(e.getKey()) + utf8(e.getValue()) + 2;
            }
        }
        parts.put("spec.labels", labels);
        parts.put("spec.healthcheck.test", s.healthcheck == null ? 0 : bytes(s.healthcheck.test));
        long total = parts.values().stream().mapToLong(Long::longValue).sum();
        int max = Limits.maxContainerConfigBytes();
        if (total > max) {
            var largest = parts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
            error(largest.getKey(), "is " + largest.getValue() + " bytes; command, entrypoint, env, labels and healthcheck together are "
                    + total + " bytes, at most " + max + " are accepted (mooring.limits.max-container-config-bytes)");
        }
    }

    private static long bytes(List<String> words) {
        long n = 0;
        if (words != null) {
            for (String w : words) {
                n += utf8(w) + 1;
            }
        }
        return n;
    }

    private static long utf8(String text) {
        return text == null ? 0 : text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static final Pattern BUILD_TARGET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

    /** spec.build: an absolute context, a Dockerfile inside it, and where to push. */
    private void build(AppSpec.Build b) {
        if (b.context == null || b.context.isBlank()) {
            error("spec.build.context", "is required: the absolute path of the build context directory on Mooring's host");
        } else if (!b.context.startsWith("/")) {
            error("spec.build.context", "\"" + b.context + "\" must be an absolute path on Mooring's host (the compose import and the Git source resolve relative ones)");
        } else if (java.util.Arrays.asList(b.context.split("/")).contains("..")) {
            error("spec.build.context", "\"" + b.context + "\" may not contain '..'");
        }
        if (b.dockerfile != null) {
            if (b.dockerfile.isBlank() || b.dockerfile.startsWith("/") || java.util.Arrays.asList(b.dockerfile.split("/")).contains("..")) {
                error("spec.build.dockerfile", "\"" + b.dockerfile + "\" must be a path relative to the build context, without '..'");
            }
        }
        if (b.args != null) {
            b.args.forEach((k, v) -> {
                if (k == null || !ENV_NAME.matcher(k).matches()) {
                    error("spec.build.args." + k, "is not a valid build argument name");
                }
            });
        }
        if (b.target != null && !BUILD_TARGET.matcher(b.target).matches()) {
            error("spec.build.target", "\"" + b.target + "\" is not a stage name");
        }
        if (b.push != null) {
            AppSpec.Push p = b.push;
            if (p.registry == null || !DOMAIN.matcher(p.registry).matches()) {
                error("spec.build.push.registry", p.registry == null ? "is required, like registry.example.com or 127.0.0.1:5000"
                        : "\"" + p.registry + "\" is not a registry host[:port]");
            }
            if (p.repository == null || !REPOSITORY.matcher(p.repository).matches()) {
                error("spec.build.push.repository", p.repository == null ? "is required, like team/web"
                        : "\"" + p.repository + "\" is not a repository name (lowercase path like team/web)");
            }
            dnsLabel("spec.build.push.secret", p.secret, false);
            if (p.secret == null && (p.usernameKey != null || p.passwordKey != null)) {
                error("spec.build.push.secret", "is required when usernameKey or passwordKey is set");
            }
            for (var key : new String[][]{{"usernameKey", p.usernameKey}, {"passwordKey", p.passwordKey}}) {
                if (key[1] != null && !SECRET_KEY.matcher(key[1]).matches()) {
                    error("spec.build.push." + key[0], "\"" + key[1] + "\" is not a Secret key");
                }
            }
        }
    }

    /** The settings the admission policy is about: here only whether they are well-formed. */
    private void hostSettings(AppSpec s) {
        oneOf("spec.networkMode", s.networkMode, NETWORK_MODES);
        oneOf("spec.pidMode", s.pidMode, PID_MODES);
        oneOf("spec.ipcMode", s.ipcMode, IPC_MODES);
        if (s.networkMode != null && s.networks != null && !s.networks.isEmpty()) {
            error("spec.networkMode", "cannot be combined with spec.networks; the containers join those networks instead");
        }
        if (("host".equals(s.networkMode) || "none".equals(s.networkMode)) && s.ports != null && !s.ports.isEmpty()) {
            error("spec.ports", "cannot be published with networkMode " + s.networkMode
                    + (s.networkMode.equals("host") ? " (the container listens on the host's ports directly)" : ""));
        }
        capabilities("spec.capAdd", s.capAdd);
        capabilities("spec.capDrop", s.capDrop);
        if (s.devices != null) {
            for (int i = 0; i < s.devices.size(); i++) {
                AppSpec.Device d = s.devices.get(i);
                String f = "spec.devices[" + i + "]";
                if (d == null) {
                    error(f, "is empty");
                    continue;
                }
                if (d.hostPath == null || !d.hostPath.startsWith("/")) {
                    error(f + ".hostPath", "is required and must be an absolute path, like /dev/fuse");
                }
                if (d.containerPath != null && !d.containerPath.startsWith("/")) {
                    error(f + ".containerPath", "must be an absolute path");
                }
                if (d.permissions != null && !d.permissions.matches("(?!.*(.).*\\1)[rwm]{1,3}")) {
                    error(f + ".permissions", "\"" + d.permissions + "\" is not a combination of r, w and m");
                }
            }
        }
    }

    private void capabilities(String field, List<String> caps) {
        if (caps == null) {
            return;
        }
        for (int i = 0; i < caps.size(); i++) {
            String c = caps.get(i);
            if (c == null || !CAPABILITIES.contains(capability(c))) {
                error(field + "[" + i + "]", "\"" + c + "\" is not a Linux capability, like NET_ADMIN or ALL");
            }
        }
    }

    /** {@code cap_net_admin} and {@code CAP_NET_ADMIN} are {@code NET_ADMIN}, as Docker reads them. */
    public static String capability(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(java.util.Locale.ROOT);
        return n.startsWith("CAP_") ? n.substring(4) : n;
    }

    private void envFrom(String f, AppSpec.EnvVar e) {
        if (e.value != null) {
            error(f, "value and valueFrom are exclusive; give one of them");
        }
        AppSpec.SecretKeySelector ref = e.valueFrom.secretKeyRef;
        if (ref == null) {
            error(f + ".valueFrom.secretKeyRef", "is required: {name: <Secret>, key: <key>}");
            return;
        }
        dnsLabel(f + ".valueFrom.secretKeyRef.name", ref.name, true);
        if (ref.key == null || ref.key.isEmpty()) {
            error(f + ".valueFrom.secretKeyRef.key", "is required");
        } else {
            secretKey(f + ".valueFrom.secretKeyRef.key", ref.key);
        }
    }

    private void secretFiles(AppSpec s) {
        if (s.secrets == null) {
            return;
        }
        Map<String, Integer> targets = new java.util.HashMap<>();
        for (int i = 0; i < s.secrets.size(); i++) {
            AppSpec.SecretFile sf = s.secrets.get(i);
            String f = "spec.secrets[" + i + "]";
            if (sf == null) {
                error(f, "is empty");
                continue;
            }
            dnsLabel(f + ".secret", sf.secret, true);
            if (sf.key != null) {
                secretKey(f + ".key", sf.key);
            }
            if (sf.mode != null) {
                parse(f + ".mode", sf::modeBits);
            }
            if (sf.uid != null && sf.uid < 0) {
                error(f + ".uid", "must be 0 or more");
            }
            if (sf.gid != null && sf.gid < 0) {
                error(f + ".gid", "must be 0 or more");
            }
            String target = sf.target();
            if (target == null) {
                continue;
            }
            if (!isCleanAbsolutePath(target)) {
                error(f + ".target", "\"" + target + "\" is not a clean absolute file path (like /run/secrets/db; no '.', '..' or empty segments)");
                continue;
            }
            ENGINE_PATHS.stream().filter(p -> target.equals(p) || target.startsWith(p + "/")).findFirst().ifPresent(p ->
                    error(f + ".target", target + " is under " + p + ", which the engine mounts over when the container starts"));
            if (s.volumes != null) {
                for (int j = 0; j < s.volumes.size(); j++) {
                    AppSpec.VolumeMount m = s.volumes.get(j);
                    String mp = m == null || m.mountPath == null ? null : m.mountPath.replaceAll("/+$", "");
                    if (mp != null && (mp.isEmpty() || target.equals(mp) || target.startsWith(mp + "/"))) {
                        error(f + ".target", target + " is inside the mount at " + m.mountPath + " (spec.volumes[" + j
                                + "]); a secret file must be in the container's own file system (a volume or host path would keep it, "
                                + "a tmpfs is mounted over it when the container starts)");
                    }
                }
            }
            for (var other : targets.entrySet()) {
                String t = other.getKey();
                if (t.equals(target)) {
                    error(f + ".target", target + " is the target of spec.secrets[" + other.getValue() + "] too; give each file its own target");
                } else if (t.startsWith(target + "/") || target.startsWith(t + "/")) {
                    error(f + ".target", target + " and the target of spec.secrets[" + other.getValue() + "] (" + t
                            + ") cannot both be files");
                }
            }
            targets.putIfAbsent(target, i);
        }
    }

    private static boolean isCleanAbsolutePath(String p) {
        if (!p.startsWith("/") || p.length() < 2 || p.length() > 1024 || p.endsWith("/") || p.indexOf('\0') >= 0) {
            return false;
        }
        for (String segment : p.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private void secret(Secret s) {
        long total = 0;
        Set<String> keys = new HashSet<>();
        if (s.data != null) {
            for (var e : s.data.entrySet()) {
                String f = "data." + e.getKey();
                secretKey(f, e.getKey());
                keys.add(e.getKey());
                if (e.getValue() == null) {
                    error(f, "has no value (an empty value is \"\")");
                    continue;
                }
                try {
                    total += Secret.decodeBase64(e.getValue()).length;
                } catch (IllegalArgumentException ex) {
                    // never quote the value: it is a secret, even when it is malformed
                    error(f, "is not valid base64 (standard alphabet, like the output of base64; use stringData for plain text)");
                }
            }
        }
        if (s.stringData != null) {
            for (var e : s.stringData.entrySet()) {
                String f = "stringData." + e.getKey();
                secretKey(f, e.getKey());
                if (!keys.add(e.getKey())) {
                    error(f, "is also in data; give each key once");
                }
                if (e.getValue() == null) {
                    error(f, "has no value (an empty value is \"\")");
                    continue;
                }
                total += e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            }
        }
        if (total > MAX_SECRET_BYTES) {
            error("data", "the values total " + total + " bytes; a Secret holds at most " + MAX_SECRET_BYTES + " bytes (1 MiB)");
        }
    }

    private void secretKey(String field, String key) {
        if (key == null || key.isEmpty() || key.length() > 253 || !SECRET_KEY.matcher(key).matches()
                || key.equals(".") || key.equals("..") || key.startsWith("..")) {
            error(field, "is not a valid key: letters, digits, '-', '_' and '.', at most 253 characters, not '.' or '..'");
        }
    }

    private void update(AppSpec s) {
        AppSpec.UpdateStrategy u = s.update;
        if (u == null) {
            return;
        }
        if (u.parallelism != null && u.parallelism < 0) {
            error("spec.update.parallelism", "must be 0 (all at once) or more");
        }
        duration("spec.update.delay", u.delay);
        duration("spec.update.monitor", u.monitor);
        duration("spec.update.progressDeadline", u.progressDeadline);
        oneOf("spec.update.order", u.order, UPDATE_ORDERS);
        oneOf("spec.update.failureAction", u.failureAction, FAILURE_ACTIONS);
        if (u.maxFailureRatio != null && (u.maxFailureRatio < 0 || u.maxFailureRatio > 1)) {
            error("spec.update.maxFailureRatio", "must be between 0 and 1");
        }
        if ("start-first".equals(u.order) && s.ports != null && s.ports.stream().anyMatch(p -> p != null && p.hostPort != null)) {
            error("spec.update.order", "start-first runs the new container beside the old one, which cannot bind the same fixed "
                    + "hostPort on one engine; use stop-first, or leave hostPort empty for an ephemeral port");
        }
    }

    /**
     * Whether writing {@code incoming} would make Apps depend on each other in a circle: the
     * incoming Apps over the stored ones of their namespaces (an incoming App replaces the stored
     * one of its name). Every write path asks this before storing (the REST API, the custom
     * resource mirror), so that no App waits forever for one that waits for it.
     *
     * @param stored the stored Apps of each namespace an incoming App is in, by namespace
     * @return the field error naming the first cycle (as {@code a -> b -> a}) and the App that
     *         starts it, or null when there is none
     */
    public static FieldError dependencyCycle(Map<String, ? extends Collection<App>> stored, List<? extends MooringResource<?, ?>> incoming) {
        Map<String, Map<String, List<String>>> byNamespace = new java.util.TreeMap<>();
        for (MooringResource<?, ?> r : incoming) {
            if (r instanceof App app && !byNamespace.containsKey(app.namespace())) {
                Map<String, List<String>> edges = new java.util.LinkedHashMap<>();
                Collection<App> apps = stored.get(app.namespace());
                for (App s : apps == null ? List.<App>of() : apps) {
                    edges.put(s.name(), dependsOn(s));
                }
                byNamespace.put(app.namespace(), edges);
            }
        }
        for (MooringResource<?, ?> r : incoming) {
            if (r instanceof App app) {
                byNamespace.get(app.namespace()).put(app.name(), dependsOn(app));
            }
        }
        for (var e : byNamespace.entrySet()) {
            String cycle = dependencyCycle(e.getValue());
            if (cycle != null) {
                String first = cycle.substring(0, cycle.indexOf(' '));
                return new FieldError("spec.dependsOn", "Apps in namespace " + e.getKey() + " depend on each other in a cycle: " + cycle,
                        "App " + e.getKey() + "/" + first);
            }
        }
        return null;
    }

    /** The names of the Apps one App depends on. */
    public static List<String> dependsOn(App app) {
        return app.getSpec() == null || app.getSpec().dependsOn == null ? List.of()
                : app.getSpec().dependsOn.stream().filter(java.util.Objects::nonNull).map(d -> d.app).filter(java.util.Objects::nonNull).toList();
    }

    /**
     * The first dependency cycle among Apps of one namespace ({@code a -> b -> a}), or null.
     * @param edges every App's dependsOn, by App name
     */
    public static String dependencyCycle(Map<String, List<String>> edges) {
        Map<String, Integer> state = new java.util.HashMap<>(); // 1 visiting, 2 done
        for (String start : new java.util.TreeSet<>(edges.keySet())) {
            java.util.Deque<String> path = new java.util.ArrayDeque<>();
            String cycle = visit(start, edges, state, path);
            if (cycle != null) {
                return cycle;
            }
        }
        return null;
    }

    private static String visit(String node, Map<String, List<String>> edges, Map<String, Integer> state, java.util.Deque<String> path) {
        Integer st = state.get(node);
        if (st != null && st == 2) {
            return null;
        }
        path.addLast(node);
        if (st != null && st == 1) {
            List<String> p = new ArrayList<>(path);
            return String.join(" -> ", p.subList(p.indexOf(node), p.size()));
        }
        state.put(node, 1);
        for (String next : edges.getOrDefault(node, List.of())) {
            String cycle = visit(next, edges, state, path);
            if (cycle != null) {
                return cycle;
            }
        }
        path.removeLast();
        state.put(node, 2);
        return null;
    }

    private void ports(AppSpec s) {
        if (s.ports == null) {
            return;
        }
        Set<String> bound = new HashSet<>();
        for (int i = 0; i < s.ports.size(); i++) {
            AppSpec.PortSpec p = s.ports.get(i);
            String f = "spec.ports[" + i + "]";
            if (p == null) {
                error(f, "is empty");
                continue;
            }
            if (p.containerPort == null) {
                error(f + ".containerPort", "is required");
            } else if (p.containerPort < 1 || p.containerPort > 65535) {
                error(f + ".containerPort", "must be between 1 and 65535, was " + p.containerPort);
            }
            if (p.hostPort != null && (p.hostPort < 1 || p.hostPort > 65535)) {
                error(f + ".hostPort", "must be between 1 and 65535, was " + p.hostPort);
            }
            oneOf(f + ".protocol", p.protocol, PROTOCOLS);
            if (p.hostIP != null && !isIp(p.hostIP)) {
                error(f + ".hostIP", "\"" + p.hostIP + "\" is not an IP address");
            }
            if (p.hostPort != null) {
                String key = (p.hostIP == null ? "0.0.0.0" : p.hostIP) + ":" + p.hostPort + "/" + (p.protocol == null ? "tcp" : p.protocol);
                if (!bound.add(key)) {
                    error(f + ".hostPort", key + " is published twice");
                }
                if (s.replicas != null && s.replicas > 1) {
                    error(f + ".hostPort", "a fixed host port can be bound by one replica only, but replicas is " + s.replicas
                            + "; leave hostPort empty for an ephemeral port per replica");
                }
            }
        }
    }

    private void mounts(AppSpec s) {
        if (s.volumes == null) {
            return;
        }
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < s.volumes.size(); i++) {
            AppSpec.VolumeMount m = s.volumes.get(i);
            String f = "spec.volumes[" + i + "]";
            if (m == null) {
                error(f, "is empty");
                continue;
            }
            if (m.mountPath == null || !m.mountPath.startsWith("/")) {
                error(f + ".mountPath", "is required and must be an absolute path");
            } else if (!paths.add(m.mountPath)) {
                error(f + ".mountPath", m.mountPath + " is mounted twice");
            }
            int sources = (m.volume != null ? 1 : 0) + (m.hostPath != null ? 1 : 0) + (m.tmpfs != null ? 1 : 0);
            if (sources != 1) {
                error(f, "needs exactly one of volume, hostPath or tmpfs");
            }
            if (m.volume != null) {
                dnsLabel(f + ".volume", m.volume, true);
            }
            if (m.hostPath != null && !m.hostPath.startsWith("/")) {
                error(f + ".hostPath", "must be an absolute path");
            }
            if (m.tmpfs != null && m.tmpfs.size != null) {
                parse(f + ".tmpfs.size", () -> Quantities.bytes(m.tmpfs.size));
            }
        }
    }

    private void networks(AppSpec s) {
        if (s.networks == null) {
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < s.networks.size(); i++) {
            AppSpec.NetworkAttachment n = s.networks.get(i);
            String f = "spec.networks[" + i + "]";
            if (n == null) {
                error(f, "is empty");
                continue;
            }
            dnsLabel(f + ".name", n.name, true);
            if (n.name != null && !names.add(n.name)) {
                error(f + ".name", "network " + n.name + " is listed twice");
            }
            if (n.aliases != null) {
                for (int j = 0; j < n.aliases.size(); j++) {
                    String a = n.aliases.get(j);
                    if (a == null || a.isBlank() || a.length() > 253 || !DOMAIN.matcher(a).matches()) {
                        error(f + ".aliases[" + j + "]", "\"" + a + "\" is not a host name");
                    }
                }
            }
        }
    }

    private void network(NetworkSpec s) {
        if (s.driver != null && !s.driver.matches("[a-zA-Z0-9][a-zA-Z0-9_./:-]*")) {
            error("spec.driver", "\"" + s.driver + "\" is not a driver name");
        }
        if (s.subnet != null && !isCidr(s.subnet)) {
            error("spec.subnet", "\"" + s.subnet + "\" is not a CIDR like 10.42.0.0/24");
        }
        if (s.gateway != null) {
            if (!isIp(s.gateway)) {
                error("spec.gateway", "\"" + s.gateway + "\" is not an IP address");
            } else if (s.subnet == null) {
                error("spec.gateway", "needs spec.subnet");
            }
        }
        labels("spec.labels", s.labels);
        dnsLabel("spec.engine", s.engine, false);
    }

    private void volume(VolumeSpec s) {
        if (s.driver != null && !s.driver.matches("[a-zA-Z0-9][a-zA-Z0-9_./:-]*")) {
            error("spec.driver", "\"" + s.driver + "\" is not a driver name");
        }
        oneOf("spec.reclaimPolicy", s.reclaimPolicy, RECLAIM_POLICIES);
        labels("spec.labels", s.labels);
        dnsLabel("spec.engine", s.engine, false);
    }

    private void oneOf(String field, String value, Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            error(field, "\"" + value + "\" is not one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
    }

    private void duration(String field, String value) {
        if (value != null) {
            parse(field, () -> Quantities.duration(value));
        }
    }

    private void parse(String field, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            error(field, e.getMessage());
        }
    }

    private static boolean isIp(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        // No DNS lookups: only literal addresses. InetAddress takes a text that starts with a hex
        // digit or ':' and holds a ':' for an IPv6 literal and never resolves it; anything else it
        // cannot parse as IPv4 ("10.0.0.300", "dead") it resolves through DNS, and "10" it reads
        // as 0.0.0.10, so IPv4 is matched here instead.
        if (!s.contains(":") || !s.matches("[0-9a-fA-F:][0-9a-fA-F.:]*")) {
            return false;
        }
        try {
            InetAddress.getByName(s);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean isCidr(String s) {
        if (!CIDR.matcher(s).matches()) {
            return false;
        }
        String[] parts = s.split("/");
        int bits = Integer.parseInt(parts[1]);
        return isIp(parts[0]) && bits <= (parts[0].contains(":") ? 128 : 32);
    }

    /** Docker's reference grammar: [domain[:port]/]name[:tag][@digest], name components lowercase. */
    public static boolean isImageReference(String ref) {
        if (ref.length() > 4096 || ref.chars().anyMatch(Character::isWhitespace)) {
            return false;
        }
        String rest = ref;
        int at = rest.indexOf('@');
        if (at >= 0) {
            if (!DIGEST.matcher(rest.substring(at + 1)).matches()) {
                return false;
            }
            rest = rest.substring(0, at);
        }
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            if (!TAG.matcher(rest.substring(colon + 1)).matches()) {
                return false;
            }
            rest = rest.substring(0, colon);
        }
        String[] parts = rest.split("/", -1);
        int first = 0;
        if (parts.length > 1 && (parts[0].contains(".") || parts[0].contains(":") || parts[0].equals("localhost"))) {
            if (!DOMAIN.matcher(parts[0]).matches()) {
                return false;
            }
            first = 1;
        }
        if (first >= parts.length) {
            return false;
        }
        for (int i = first; i < parts.length; i++) {
            if (!NAME_COMPONENT.matcher(parts[i]).matches()) {
                return false;
            }
        }
        return true;
    }

    /** Convenience for callers that want to throw: 422 naming every field. */
    public static void require(MooringResource<?, ?> r, Consumer<List<FieldError>> onErrors) {
        List<FieldError> e = validate(r);
        if (!e.isEmpty()) {
            onErrors.accept(e);
        }
    }
}
