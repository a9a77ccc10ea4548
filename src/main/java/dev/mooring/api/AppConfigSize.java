package dev.mooring.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounds what becomes the container's process and config (command, entrypoint, env, labels,
 * healthcheck, /etc/hosts lines, sysctls): a 2.9 MB command line hung runc for minutes (issue 10). One total, because
 * that is what the engine receives; the error names the largest part.
 */
final class AppConfigSize {
    private AppConfigSize() {
    }

    static void check(AppSpec s, FieldChecks c) {
        Map<String, Long> parts = new LinkedHashMap<>();
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
        long hosts = 0;
        if (s.extraHosts != null) {
            for (AppSpec.HostEntry h : s.extraHosts) {
                hosts += h == null ? 0 : utf8(h.host) + utf8(h.ip) + 2;
            }
        }
        parts.put("spec.extraHosts", hosts);
        long sysctls = 0;
        if (s.sysctls != null) {
            for (var e : s.sysctls.entrySet()) {
                sysctls += utf8(e.getKey()) + utf8(e.getValue()) + 2;
            }
        }
        parts.put("spec.sysctls", sysctls);
        long total = parts.values().stream().mapToLong(Long::longValue).sum();
        int max = Limits.maxContainerConfigBytes();
        if (total > max) {
            var largest = parts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
            c.error(largest.getKey(), "is " + largest.getValue() + " bytes; command, entrypoint, env, labels, healthcheck, extraHosts and sysctls together are "
                    + total + " bytes, at most " + max + " are accepted (mooring.limits.max-container-config-bytes)");
        }
    }

    /** A word list as the engine holds it: each word and its terminator. */
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
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
