package dev.mooring.api;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of what an App mounts: its volumes (a Volume, a host path or a tmpfs) and its
 * secret files, which must land in the container's own file system.
 */
final class AppMountValidation {
    /** Paths under which a file in a created container is not what its process sees (the engine mounts over them). */
    static final List<String> ENGINE_PATHS = List.of("/proc", "/sys", "/dev", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf");

    private AppMountValidation() {
    }

    static void volumes(AppSpec s, FieldChecks c) {
        if (s.volumes == null) {
            return;
        }
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < s.volumes.size(); i++) {
            AppSpec.VolumeMount m = s.volumes.get(i);
            String f = "spec.volumes[" + i + "]";
            if (m == null) {
                c.error(f, "is empty");
                continue;
            }
            if (m.mountPath == null || !m.mountPath.startsWith("/")) {
                c.error(f + ".mountPath", "is required and must be an absolute path");
            } else if (!paths.add(m.mountPath)) {
                c.error(f + ".mountPath", m.mountPath + " is mounted twice");
            }
            source(f, m, c);
        }
    }

    private static void source(String f, AppSpec.VolumeMount m, FieldChecks c) {
        int sources = (m.volume != null ? 1 : 0) + (m.hostPath != null ? 1 : 0) + (m.tmpfs != null ? 1 : 0);
        if (sources != 1) {
            c.error(f, "needs exactly one of volume, hostPath or tmpfs");
        }
        if (m.volume != null) {
            c.dnsLabel(f + ".volume", m.volume, true);
        }
        if (m.hostPath != null && !m.hostPath.startsWith("/")) {
            c.error(f + ".hostPath", "must be an absolute path");
        }
        if (m.tmpfs != null && m.tmpfs.size != null) {
            c.parse(f + ".tmpfs.size", () -> Quantities.bytes(m.tmpfs.size));
        }
    }

    static void secretFiles(AppSpec s, FieldChecks c) {
        if (s.secrets == null) {
            return;
        }
        Map<String, Integer> targets = new HashMap<>();
        for (int i = 0; i < s.secrets.size(); i++) {
            AppSpec.SecretFile sf = s.secrets.get(i);
            String f = "spec.secrets[" + i + "]";
            if (sf == null) {
                c.error(f, "is empty");
                continue;
            }
            secretFile(f, sf, c);
            String target = sf.target();
            if (target == null) {
                continue;
            }
            if (!isCleanAbsolutePath(target)) {
                c.error(f + ".target", "\"" + target + "\" is not a clean absolute file path (like /run/secrets/db; no '.', '..' or empty segments)");
                continue;
            }
            target(f, target, s.volumes, c);
            otherTargets(f, target, targets, c);
            targets.putIfAbsent(target, i);
        }
    }

    private static void secretFile(String f, AppSpec.SecretFile sf, FieldChecks c) {
        c.dnsLabel(f + ".secret", sf.secret, true);
        if (sf.key != null) {
            c.secretKey(f + ".key", sf.key);
        }
        if (sf.mode != null) {
            c.parse(f + ".mode", sf::modeBits);
        }
        if (sf.uid != null && sf.uid < 0) {
            c.error(f + ".uid", "must be 0 or more");
        }
        if (sf.gid != null && sf.gid < 0) {
            c.error(f + ".gid", "must be 0 or more");
        }
    }

    /** A secret file the engine or a mount would cover is not the file the process reads. */
    private static void target(String f, String target, List<AppSpec.VolumeMount> volumes, FieldChecks c) {
        ENGINE_PATHS.stream().filter(p -> target.equals(p) || target.startsWith(p + "/")).findFirst().ifPresent(p ->
                c.error(f + ".target", target + " is under " + p + ", which the engine mounts over when the container starts"));
        if (volumes == null) {
            return;
        }
        for (int j = 0; j < volumes.size(); j++) {
            AppSpec.VolumeMount m = volumes.get(j);
            String mp = m == null || m.mountPath == null ? null : m.mountPath.replaceAll("/+$", "");
            if (mp != null && (mp.isEmpty() || target.equals(mp) || target.startsWith(mp + "/"))) {
                c.error(f + ".target", target + " is inside the mount at " + m.mountPath + " (spec.volumes[" + j
                        + "]); a secret file must be in the container's own file system (a volume or host path would keep it, "
                        + "a tmpfs is mounted over it when the container starts)");
            }
        }
    }

    /** Two secret files cannot have one target, nor can one be the other's directory. */
    private static void otherTargets(String f, String target, Map<String, Integer> targets, FieldChecks c) {
        for (var other : targets.entrySet()) {
            String t = other.getKey();
            if (t.equals(target)) {
                c.error(f + ".target", target + " is the target of spec.secrets[" + other.getValue() + "] too; give each file its own target");
            } else if (t.startsWith(target + "/") || target.startsWith(t + "/")) {
                c.error(f + ".target", target + " and the target of spec.secrets[" + other.getValue() + "] (" + t
                        + ") cannot both be files");
            }
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
}
