package dev.mooring.api;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The checks of the settings the admission policy is about (namespaces shared with the host,
 * capabilities, devices): here only whether they are well-formed; whether they are allowed is
 * the policy's decision.
 */
final class AppHostValidation {
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

    private AppHostValidation() {
    }

    static void validate(AppSpec s, FieldChecks c) {
        c.oneOf("spec.networkMode", s.networkMode, NETWORK_MODES);
        c.oneOf("spec.pidMode", s.pidMode, PID_MODES);
        c.oneOf("spec.ipcMode", s.ipcMode, IPC_MODES);
        if (s.networkMode != null && s.networks != null && !s.networks.isEmpty()) {
            c.error("spec.networkMode", "cannot be combined with spec.networks; the containers join those networks instead");
        }
        if (("host".equals(s.networkMode) || "none".equals(s.networkMode)) && s.ports != null && !s.ports.isEmpty()) {
            c.error("spec.ports", "cannot be published with networkMode " + s.networkMode
                    + (s.networkMode.equals("host") ? " (the container listens on the host's ports directly)" : ""));
        }
        capabilities("spec.capAdd", s.capAdd, c);
        capabilities("spec.capDrop", s.capDrop, c);
        devices(s.devices, c);
    }

    /** {@code cap_net_admin} and {@code CAP_NET_ADMIN} are {@code NET_ADMIN}, as Docker reads them. */
    static String capability(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        return n.startsWith("CAP_") ? n.substring(4) : n;
    }

    private static void capabilities(String field, List<String> caps, FieldChecks c) {
        if (caps == null) {
            return;
        }
        for (int i = 0; i < caps.size(); i++) {
            String cap = caps.get(i);
            if (cap == null || !CAPABILITIES.contains(capability(cap))) {
                c.error(field + "[" + i + "]", "\"" + cap + "\" is not a Linux capability, like NET_ADMIN or ALL");
            }
        }
    }

    private static void devices(List<AppSpec.Device> devices, FieldChecks c) {
        if (devices == null) {
            return;
        }
        for (int i = 0; i < devices.size(); i++) {
            AppSpec.Device d = devices.get(i);
            String f = "spec.devices[" + i + "]";
            if (d == null) {
                c.error(f, "is empty");
                continue;
            }
            if (d.hostPath == null || !d.hostPath.startsWith("/")) {
                c.error(f + ".hostPath", "is required and must be an absolute path, like /dev/fuse");
            }
            if (d.containerPath != null && !d.containerPath.startsWith("/")) {
                c.error(f + ".containerPath", "must be an absolute path");
            }
            if (d.permissions != null && !d.permissions.matches("(?!.*(.).*\\1)[rwm]{1,3}")) {
                c.error(f + ".permissions", "\"" + d.permissions + "\" is not a combination of r, w and m");
            }
        }
    }
}
