package dev.mooring.security;

import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.AppSpec;
import dev.mooring.api.NetworkSpec;
import dev.mooring.api.Validation;
import dev.mooring.api.VolumeSpec;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Kubernetes' Pod Security Standards, for an App on a Docker engine: what each level forbids,
 * as a pure function of the spec. Each violation names the field and the rule
 * ({@code spec.privileged: baseline forbids privileged containers}).
 * <ul>
 *   <li>{@code privileged}: anything goes.</li>
 *   <li>{@code baseline}: no privileged containers; no host network, PID or IPC namespace; no
 *       capabilities beyond Kubernetes' Baseline set; no devices; no sysctls beyond Kubernetes' safe set; no bind mount of the Docker
 *       socket, and of other host paths only under the allowed prefixes.</li>
 *   <li>{@code restricted}: baseline, and a numeric non-root user, {@code noNewPrivileges: true},
 *       {@code capDrop} including ALL, {@code capAdd} at most NET_BIND_SERVICE, no host paths at all
 *       (Kubernetes' Restricted allows no hostPath volumes either).</li>
 * </ul>
 * Both levels below privileged also hold for Volumes and Networks, which reach the host just as
 * well (issue 10): a Volume uses the {@code local} driver only in its tmpfs form or with no options
 * (Docker's own storage), a Network only {@code bridge} or {@code overlay}; allow-lists admit more.
 *
 * <p>A host path or build context is checked as written and, through {@code realPath}, as the
 * kernel will reach it (symlinks followed, {@link HostPaths#realPath}): a link inside an allowed
 * directory leads nowhere else. The resolution is passed in, so the policy stays a function.
 */
public final class AdmissionPolicy {
    public enum Level { privileged, baseline, restricted }

    /** Kubernetes' Baseline: capabilities a container may add (Docker's default set without NET_RAW). */
    static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
            "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
    /** Kubernetes' Baseline: the sysctls that are safe, namespaced and isolated from other pods (and containers). */
    static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports",
            "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
    static final Set<String> DOCKER_SOCKETS = Set.of("/var/run/docker.sock", "/run/docker.sock");
    /** Paths taken as written: for an engine whose file system Mooring cannot see. */
    public static final UnaryOperator<Path> LEXICAL = UnaryOperator.identity();
    /** Options of Docker's {@code local} volume driver; Docker refuses any other. */
    static final Set<String> LOCAL_OPTIONS = Set.of("type", "device", "o", "size");
    /** Mount options a tmpfs volume may carry (key=value options by key, flags as they are). */
    static final Set<String> TMPFS_OPTIONS = Set.of("size", "nr_blocks", "nr_inodes", "mode", "uid", "gid", "huge", "mpol",
            "defaults", "ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "noatime", "atime", "relatime", "norelatime",
            "strictatime", "nostrictatime", "nodiratime", "diratime", "sync", "async", "dirsync");
    /** Network drivers below privileged: Docker's own bridge, and overlay (Swarm). */
    static final Set<String> NETWORK_DRIVERS = Set.of("bridge", "overlay");

    private AdmissionPolicy() {
    }

    /** Every rule of the level the spec breaks; empty when it is admitted. No build context is allowed. */
    public static List<FieldError> violations(AppSpec s, Level level, List<String> allowedHostPaths) {
        return violations(s, level, allowedHostPaths, List.of());
    }

    /**
     * Every rule of the level the spec breaks; empty when it is admitted.
     * @param allowedBuildContexts directories Apps may build from (spec.build.context), below
     *                             privileged: Mooring reads the context itself, so any other
     *                             directory could carry Mooring's own files (its key, its database) into an image
     */
    public static List<FieldError> violations(AppSpec s, Level level, List<String> allowedHostPaths, List<String> allowedBuildContexts) {
        return violations(s, level, allowedHostPaths, allowedBuildContexts, LEXICAL, LEXICAL);
    }

    /**
     * The same, with host paths and build contexts also checked as the kernel resolves them.
     * @param hostRealPath    resolves a host path on the App's engine ({@link #LEXICAL} when Mooring cannot see its file system)
     * @param contextRealPath resolves a directory on Mooring's own host, where build contexts are read
     */
    public static List<FieldError> violations(AppSpec s, Level level, List<String> allowedHostPaths, List<String> allowedBuildContexts,
                                              UnaryOperator<Path> hostRealPath, UnaryOperator<Path> contextRealPath) {
        return violations(s, level, allowedHostPaths, allowedBuildContexts, List.of(), hostRealPath, contextRealPath);
    }

    /**
     * The same, with the namespace's project roots: the directories under which its compose
     * imports and Git checkouts lie ({@link #projectOf}), whose files baseline lets its Apps bind-mount.
     */
    public static List<FieldError> violations(AppSpec s, Level level, List<String> allowedHostPaths, List<String> allowedBuildContexts,
                                              List<String> projectRoots, UnaryOperator<Path> hostRealPath, UnaryOperator<Path> contextRealPath) {
        List<FieldError> out = new ArrayList<>();
        if (level == Level.privileged) {
            return out;
        }
        String b = "baseline forbids ";
        if (s.build != null && s.build.context != null) {
            FieldError e = buildContextViolation(s.build.context, allowedBuildContexts, contextRealPath);
            if (e != null) {
                out.add(e);
            }
        }
        if (Boolean.TRUE.equals(s.privileged)) {
            out.add(new FieldError("spec.privileged", b + "privileged containers"));
        }
        if ("host".equals(s.networkMode)) {
            out.add(new FieldError("spec.networkMode", b + "the host's network namespace (networkMode: host)"));
        }
        if ("host".equals(s.pidMode)) {
            out.add(new FieldError("spec.pidMode", b + "the host's PID namespace (pidMode: host)"));
        }
        if ("host".equals(s.ipcMode)) {
            out.add(new FieldError("spec.ipcMode", b + "the host's IPC namespace (ipcMode: host)"));
        }
        if (s.capAdd != null) {
            for (int i = 0; i < s.capAdd.size(); i++) {
                String cap = Validation.capability(s.capAdd.get(i));
                if (level == Level.restricted) {
                    if (!"NET_BIND_SERVICE".equals(cap)) {
                        out.add(new FieldError("spec.capAdd[" + i + "]", "restricted allows adding only NET_BIND_SERVICE, not " + cap));
                    }
                } else if (!BASELINE_CAPABILITIES.contains(cap)) {
                    out.add(new FieldError("spec.capAdd[" + i + "]", b + "adding capability " + cap + " (allowed: "
                            + String.join(", ", BASELINE_CAPABILITIES.stream().sorted().toList()) + ")"));
                }
            }
        }
        if (s.devices != null) {
            for (int i = 0; i < s.devices.size(); i++) {
                out.add(new FieldError("spec.devices[" + i + "]", b + "host devices"));
            }
        }
        if (s.sysctls != null) {
            s.sysctls.keySet().stream().filter(k -> !SAFE_SYSCTLS.contains(k)).sorted().forEach(k -> out.add(new FieldError("spec.sysctls." + k,
                    b + "sysctl " + k + " (allowed are Kubernetes' safe sysctls: " + String.join(", ", SAFE_SYSCTLS.stream().sorted().toList())
                            + "; others need the privileged level)")));
        }
        if (s.volumes != null) {
            for (int i = 0; i < s.volumes.size(); i++) {
                AppSpec.VolumeMount m = s.volumes.get(i);
                if (m == null || m.hostPath == null) {
                    continue;
                }
                FieldError e = hostPathViolation("spec.volumes[" + i + "].hostPath", m.hostPath, level, allowedHostPaths, projectRoots, hostRealPath);
                if (e != null) {
                    out.add(e);
                }
            }
        }
        if (level == Level.restricted) {
            if (!nonRootUser(s.user)) {
                out.add(new FieldError("spec.user", "restricted requires a non-root user, as a numeric UID other than 0 "
                        + "(like \"1000\" or \"1000:1000\")" + (s.user == null ? "" : ", was \"" + s.user + "\"")));
            }
            if (!Boolean.TRUE.equals(s.noNewPrivileges)) {
                out.add(new FieldError("spec.noNewPrivileges", "restricted requires noNewPrivileges: true (no privilege escalation)"));
            }
            if (s.capDrop == null || s.capDrop.stream().map(Validation::capability).noneMatch("ALL"::equals)) {
                out.add(new FieldError("spec.capDrop", "restricted requires capDrop to include ALL"));
            }
        }
        return out;
    }

    /**
     * What the level says of one bind mount of a host path, or null when it is allowed: the path as
     * written, then the path {@code realPath} resolves it to, must lie under an allowed prefix (itself
     * resolved) and must not be or hold the Docker socket. Also used right before a container is
     * created or started, when a link may have been swapped in since admission.
     */
    public static FieldError hostPathViolation(String field, String hostPath, Level level, List<String> allowedHostPaths,
                                               UnaryOperator<Path> realPath) {
        return hostPathViolation(field, hostPath, level, allowedHostPaths, List.of(), realPath);
    }

    /**
     * The same, where a path inside one of the namespace's projects ({@link #projectOf}: a compose
     * import or a Git checkout) is allowed under baseline as long as its real path stays inside that
     * project: {@code ./nginx/nginx.conf} of an imported project is the project's own file, a link
     * in it to {@code /etc/passwd} is not. The project's files are on Mooring's own host, so an
     * engine whose file system Mooring cannot see ({@code realPath} is {@link #LEXICAL}) gets none.
     */
    public static FieldError hostPathViolation(String field, String hostPath, Level level, List<String> allowedHostPaths,
                                               List<String> projectRoots, UnaryOperator<Path> realPath) {
        if (level == Level.privileged) {
            return null;
        }
        if (level == Level.restricted) {
            return new FieldError(field, "restricted forbids host paths; use a Volume or tmpfs");
        }
        String b = "baseline forbids ";
        Path p = normalize(hostPath);
        String allowed = allowedHostPaths.isEmpty() ? "mooring.admission.allowed-host-paths (none configured)"
                : String.join(", ", allowedHostPaths) + " (mooring.admission.allowed-host-paths)";
        if (p == null || holdsDockerSocket(p, realPath)) {
            return new FieldError(field, b + "mounting the Docker socket (" + hostPath + " is or holds it): it is root on the host");
        }
        Path project = projectOf(p, projectRoots, realPath);
        if (project != null) {
            if (realPath == LEXICAL) {
                return new FieldError(field, b + "host path " + hostPath + " on this engine: the project's files are on Mooring's host, "
                        + "and an engine that does not share Mooring's file system (not a local unix:// socket) cannot mount them");
            }
            Path real = realPath.apply(p);
            Path realProject = realPath.apply(project);
            if (!real.startsWith(realProject)) {
                return new FieldError(field, b + "host path " + hostPath + ": it resolves to " + real
                        + " (symlinks followed), outside its project " + project + "; a project's bind mounts stay inside the project");
            }
            return null;
        }
        if (!under(p, allowedHostPaths, LEXICAL)) {
            return new FieldError(field, b + "host path " + hostPath + ": allowed are only paths under " + allowed);
        }
        Path real = realPath.apply(p);
        if (real.equals(p)) {
            return null;
        }
        if (holdsDockerSocket(real, realPath)) {
            return new FieldError(field, b + "host path " + hostPath + ": it resolves to " + real
                    + " (symlinks followed), which is or holds the Docker socket: it is root on the host");
        }
        if (!under(real, allowedHostPaths, realPath)) {
            return new FieldError(field, b + "host path " + hostPath + ": it resolves to " + real
                    + " (symlinks followed), and allowed are only paths under " + allowed);
        }
        return null;
    }

    /**
     * What baseline says of a build context (Mooring reads it on its own host), or null when it
     * is allowed: as written and as resolved, it lies under an allowed directory (itself resolved).
     */
    public static FieldError buildContextViolation(String context, List<String> allowedBuildContexts, UnaryOperator<Path> realPath) {
        String where = ": allowed are only directories under " + String.join(", ", allowedBuildContexts)
                + " (compose imports, mooring.admission.allowed-build-contexts)";
        Path c = normalize(context);
        if (c == null || !under(c, allowedBuildContexts, LEXICAL)) {
            return new FieldError("spec.build.context", "baseline forbids building from " + context + where);
        }
        Path real = realPath.apply(c);
        if (!real.equals(c) && !under(real, allowedBuildContexts, realPath)) {
            return new FieldError("spec.build.context", "baseline forbids building from " + context + ": it resolves to " + real
                    + " (symlinks followed)" + where);
        }
        return null;
    }

    private static final java.util.regex.Pattern IMPORT_DIR = java.util.regex.Pattern.compile("[0-9a-f]{16}");
    private static final java.util.regex.Pattern COMMIT_DIR = java.util.regex.Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    /**
     * The project a path (absolute, normalized) lies in, or null: a compose import
     * {@code <projects root>/<16 hex>/} or a Git checkout {@code <git root>/<repository>/<commit>/}.
     * Only those: the roots also hold imports under way, a repository's mirror and its ssh keys,
     * which are not a project's files. The first root is the namespace's compose imports, the
     * second its Git checkouts. A root is matched as written and as it resolves (a path the engine
     * was handed at creation is already resolved).
     */
    static Path projectOf(Path p, List<String> projectRoots, UnaryOperator<Path> realPath) {
        for (int r = 0; r < projectRoots.size(); r++) {
            Path written = normalize(projectRoots.get(r));
            if (written == null) {
                continue;
            }
            Path root = p.startsWith(written) ? written : realPath.apply(written);
            if (!p.startsWith(root)) {
                continue;
            }
            Path rel = root.relativize(p);
            boolean git = r == 1;
            int depth = git ? 2 : 1;
            if (rel.getNameCount() < depth || rel.toString().isEmpty()) {
                return null;
            }
            if (git ? COMMIT_DIR.matcher(rel.getName(1).toString()).matches() && !rel.getName(0).toString().startsWith(".")
                    : IMPORT_DIR.matcher(rel.getName(0).toString()).matches()) {
                return root.resolve(rel.subpath(0, depth));
            }
        }
        return null;
    }

    private static boolean under(Path p, List<String> prefixes, UnaryOperator<Path> realPath) {
        return prefixes.stream().map(AdmissionPolicy::normalize).anyMatch(a -> a != null && p.startsWith(realPath.apply(a)));
    }

    /** Whether the path is a Docker socket or a directory above one (both as written and as they resolve). */
    private static boolean holdsDockerSocket(Path p, UnaryOperator<Path> realPath) {
        return DOCKER_SOCKETS.stream().map(Path::of).flatMap(sock -> Stream.of(sock, realPath.apply(sock))).anyMatch(sock -> sock.startsWith(p));
    }

    /**
     * What the level says of a Volume. Below privileged: the {@code local} driver (the default)
     * with no options (Docker's own storage) or as a tmpfs ({@code type: tmpfs}, {@code device: tmpfs},
     * {@code o} of tmpfs options only); any other {@code type}, {@code device} or a {@code bind}
     * option mounts a host path, a block device or a network file system. Drivers named in
     * {@code allowedDrivers} are admitted with any options.
     */
    public static List<FieldError> violations(VolumeSpec s, Level level, List<String> allowedDrivers) {
        List<FieldError> out = new ArrayList<>();
        if (level == Level.privileged || s == null) {
            return out;
        }
        String f = level + " forbids ";
        String driver = s.driver == null || s.driver.isBlank() ? "local" : s.driver;
        if (!driver.equals("local")) {
            if (!allowedDrivers.contains(driver)) {
                out.add(new FieldError("spec.driver", f + "volume driver " + driver + ": allowed are local (Docker's own storage or tmpfs)"
                        + (allowedDrivers.isEmpty() ? " and mooring.admission.allowed-volume-drivers (none configured)"
                        : ", " + String.join(", ", allowedDrivers) + " (mooring.admission.allowed-volume-drivers)")));
            }
            return out;
        }
        Map<String, String> opts = s.driverOpts == null ? Map.of() : new TreeMap<>(s.driverOpts);
        boolean tmpfs = "tmpfs".equals(opts.get("type"));
        opts.forEach((key, value) -> {
            String field = "spec.driverOpts." + key;
            String v = value == null ? "" : value.trim();
            switch (key) {
                case "type" -> {
                    if (!v.equals("tmpfs")) {
                        out.add(new FieldError(field, f + "the local driver's type " + v + ": it mounts "
                                + (v.equals("none") ? "a host path (with o: bind)" : "a host device or a network file system")
                                + " into the volume; only type tmpfs is allowed"));
                    }
                }
                case "device" -> {
                    if (!tmpfs || !v.equals("tmpfs")) {
                        out.add(new FieldError(field, f + "the local driver's device " + v + ": it mounts a host path or device"
                                + " into the volume; only device tmpfs with type tmpfs is allowed"));
                    }
                }
                case "o" -> {
                    for (String option : v.split(",")) {
                        String name = option.trim().contains("=") ? option.trim().substring(0, option.trim().indexOf('=')) : option.trim();
                        if (name.equals("bind") || name.equals("rbind")) {
                            out.add(new FieldError(field, f + "the mount option " + name + ": it bind-mounts a host path into the volume"));
                            break;
                        }
                        if (!name.isEmpty() && !TMPFS_OPTIONS.contains(name)) {
                            out.add(new FieldError(field, f + "the mount option " + name + ": allowed are only tmpfs options ("
                                    + String.join(", ", TMPFS_OPTIONS.stream().sorted().toList()) + ")"));
                            break;
                        }
                    }
                }
                case "size" -> {
                    // a quota on Docker's own storage
                }
                default -> out.add(new FieldError(field, f + "the local driver option " + key + " (Docker knows only "
                        + String.join(", ", LOCAL_OPTIONS.stream().sorted().toList()) + ")"));
            }
        });
        return out;
    }

    /**
     * What the level says of a Network. Below privileged: {@code bridge} (the default) and
     * {@code overlay}; {@code host}, {@code macvlan}, {@code ipvlan}, {@code none} and plugins put
     * containers on the host's own network or hand it to code Mooring does not know, unless
     * {@code allowedDrivers} names them.
     */
    public static List<FieldError> violations(NetworkSpec s, Level level, List<String> allowedDrivers) {
        if (level == Level.privileged || s == null || s.driver == null || s.driver.isBlank()
                || NETWORK_DRIVERS.contains(s.driver) || allowedDrivers.contains(s.driver)) {
            return List.of();
        }
        String why = switch (s.driver) {
            case "host" -> ": it is the host's own network stack";
            case "macvlan", "ipvlan" -> ": it puts containers on the host's physical network";
            default -> "";
        };
        return List.of(new FieldError("spec.driver", level + " forbids network driver " + s.driver + why + "; allowed are bridge, overlay"
                + (allowedDrivers.isEmpty() ? " and mooring.admission.allowed-network-drivers (none configured)"
                : ", " + String.join(", ", allowedDrivers) + " (mooring.admission.allowed-network-drivers)")));
    }

    /** A numeric UID other than 0, optionally with a group: names cannot be checked without the image. */
    static boolean nonRootUser(String user) {
        if (user == null) {
            return false;
        }
        String uid = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        return uid.matches("\\d{1,10}") && Long.parseLong(uid) != 0;
    }

    private static Path normalize(String path) {
        try {
            Path p = Path.of(path).normalize();
            return p.isAbsolute() ? p : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
