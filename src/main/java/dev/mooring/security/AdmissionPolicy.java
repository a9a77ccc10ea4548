package dev.mooring.security;

import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.AppSpec;
import dev.mooring.api.Validation;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Kubernetes' Pod Security Standards, for an App on a Docker engine: what each level forbids,
 * as a pure function of the spec. Each violation names the field and the rule
 * ({@code spec.privileged: baseline forbids privileged containers}).
 * <ul>
 *   <li>{@code privileged}: anything goes.</li>
 *   <li>{@code baseline}: no privileged containers; no host network, PID or IPC namespace; no
 *       capabilities beyond Kubernetes' Baseline set; no devices; no bind mount of the Docker
 *       socket, and of other host paths only under the allowed prefixes.</li>
 *   <li>{@code restricted}: baseline, and a numeric non-root user, {@code noNewPrivileges: true},
 *       {@code capDrop} including ALL, {@code capAdd} at most NET_BIND_SERVICE, no host paths at all
 *       (Kubernetes' Restricted allows no hostPath volumes either).</li>
 * </ul>
 */
public final class AdmissionPolicy {
    public enum Level { privileged, baseline, restricted }

    /** Kubernetes' Baseline: capabilities a container may add (Docker's default set without NET_RAW). */
    static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
            "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
    static final Set<String> DOCKER_SOCKETS = Set.of("/var/run/docker.sock", "/run/docker.sock");

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
        List<FieldError> out = new ArrayList<>();
        if (level == Level.privileged) {
            return out;
        }
        String b = "baseline forbids ";
        if (s.build != null && s.build.context != null) {
            Path c = normalize(s.build.context);
            if (c == null || allowedBuildContexts.stream().map(AdmissionPolicy::normalize).noneMatch(a -> a != null && c.startsWith(a))) {
                out.add(new FieldError("spec.build.context", b + "building from " + s.build.context + ": allowed are only directories under "
                        + String.join(", ", allowedBuildContexts) + " (compose imports, mooring.admission.allowed-build-contexts)"));
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
        if (s.volumes != null) {
            for (int i = 0; i < s.volumes.size(); i++) {
                AppSpec.VolumeMount m = s.volumes.get(i);
                if (m == null || m.hostPath == null) {
                    continue;
                }
                String f = "spec.volumes[" + i + "].hostPath";
                Path p = normalize(m.hostPath);
                if (level == Level.restricted) {
                    out.add(new FieldError(f, "restricted forbids host paths; use a Volume or tmpfs"));
                } else if (p == null || DOCKER_SOCKETS.stream().anyMatch(sock -> Path.of(sock).startsWith(p))) {
                    out.add(new FieldError(f, b + "mounting the Docker socket (" + m.hostPath + " is or holds it): it is root on the host"));
                } else if (allowedHostPaths.stream().map(AdmissionPolicy::normalize).noneMatch(a -> a != null && p.startsWith(a))) {
                    out.add(new FieldError(f, b + "host path " + m.hostPath + ": allowed are only paths under "
                            + (allowedHostPaths.isEmpty() ? "mooring.admission.allowed-host-paths (none configured)"
                            : String.join(", ", allowedHostPaths) + " (mooring.admission.allowed-host-paths)")));
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
