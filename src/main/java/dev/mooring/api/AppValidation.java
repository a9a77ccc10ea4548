package dev.mooring.api;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of an {@link AppSpec}, each naming its field. This class runs them in a fixed order
 * (the order of the errors a client sees) and holds the checks of the process itself; the checks
 * of one concern each live beside it: {@link AppBuildValidation}, {@link AppConfigSize},
 * {@link AppMountValidation}, {@link AppNetworkValidation}, {@link AppHostValidation}, {@link AppRuntimeValidation} and
 * {@link AppUpdateValidation}.
 */
final class AppValidation {
    private static final Pattern SIGNAL = Pattern.compile("(SIG)?[A-Z0-9+-]+|\\d+");
    static final Set<String> RESTART_POLICIES = Set.of("no", "always", "unless-stopped", "on-failure");
    static final Set<String> DESIRED_STATES = Set.of("Running", "Stopped");
    static final Set<String> DEPENDENCY_CONDITIONS = Set.of("started", "healthy", "completed");
    static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");

    private AppValidation() {
    }

    static void validate(AppSpec s, FieldChecks c) {
        image(s, c);
        replicas(s, c);
        AppConfigSize.check(s, c);
        env(s, c);
        AppMountValidation.secretFiles(s, c);
        if (s.workingDir != null && !s.workingDir.startsWith("/")) {
            c.error("spec.workingDir", "must be an absolute path");
        }
        AppNetworkValidation.ports(s, c);
        AppMountValidation.volumes(s, c);
        AppNetworkValidation.attachments(s, c);
        labels(s, c);
        c.oneOf("spec.restartPolicy", s.restartPolicy, RESTART_POLICIES);
        c.oneOf("spec.desiredState", s.desiredState, DESIRED_STATES);
        healthcheck(s.healthcheck, c);
        resources(s.resources, c);
        stop(s, c);
        c.dnsLabel("spec.engine", s.engine, false);
        AppUpdateValidation.validate(s, c);
        c.oneOf("spec.imagePullPolicy", s.imagePullPolicy, PULL_POLICIES);
        AppHostValidation.validate(s, c);
        AppRuntimeValidation.validate(s, c);
        dependsOn(s, c);
    }

    private static void image(AppSpec s, FieldChecks c) {
        if ((s.image == null || s.image.isBlank()) && s.build == null) {
            c.error("spec.image", "is required (or spec.build, to build the image)");
        } else if (s.image != null && !ImageReference.isValid(s.image)) {
            c.error("spec.image", "\"" + s.image + "\" is not a valid image reference (like nginx:1.27, registry:5000/team/app@sha256:...)");
        }
        if (s.build != null) {
            AppBuildValidation.validate(s.build, c);
        }
    }

    private static void replicas(AppSpec s, FieldChecks c) {
        if (s.replicas != null && s.replicas < 0) {
            c.error("spec.replicas", "must be 0 or more, was " + s.replicas);
        } else if (s.replicas != null && s.replicas > Limits.maxReplicas()) {
            c.error("spec.replicas", "must be at most " + Limits.maxReplicas() + " (mooring.limits.max-replicas), was " + s.replicas);
        }
    }

    private static void env(AppSpec s, FieldChecks c) {
        if (s.env == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < s.env.size(); i++) {
            AppSpec.EnvVar e = s.env.get(i);
            if (e == null || e.name == null || !FieldChecks.ENV_NAME.matcher(e.name).matches()) {
                c.error("spec.env[" + i + "].name", "is required and may not contain '=' or start with a space");
            } else if (!seen.add(e.name)) {
                c.error("spec.env[" + i + "].name", "\"" + e.name + "\" is set twice");
            }
            if (e != null && e.valueFrom != null) {
                envFrom("spec.env[" + i + "]", e, c);
            }
        }
    }

    private static void envFrom(String f, AppSpec.EnvVar e, FieldChecks c) {
        if (e.value != null) {
            c.error(f, "value and valueFrom are exclusive; give one of them");
        }
        AppSpec.SecretKeySelector ref = e.valueFrom.secretKeyRef;
        if (ref == null) {
            c.error(f + ".valueFrom.secretKeyRef", "is required: {name: <Secret>, key: <key>}");
            return;
        }
        c.dnsLabel(f + ".valueFrom.secretKeyRef.name", ref.name, true);
        if (ref.key == null || ref.key.isEmpty()) {
            c.error(f + ".valueFrom.secretKeyRef.key", "is required");
        } else {
            c.secretKey(f + ".valueFrom.secretKeyRef.key", ref.key);
        }
    }

    private static void labels(AppSpec s, FieldChecks c) {
        c.labels("spec.labels", s.labels);
        if (s.labels != null) {
            s.labels.keySet().stream().filter(k -> k.startsWith(Labels.PREFIX))
                    .forEach(k -> c.error("spec.labels." + k, "the prefix " + Labels.PREFIX + " is reserved for Mooring"));
        }
    }

    private static void healthcheck(AppSpec.Healthcheck h, FieldChecks c) {
        if (h == null) {
            return;
        }
        if (h.test == null || h.test.isEmpty()) {
            c.error("spec.healthcheck.test", "is required, like [\"CMD-SHELL\", \"wget -q -O- http://127.0.0.1/\"]");
        }
        c.duration("spec.healthcheck.interval", h.interval);
        c.duration("spec.healthcheck.timeout", h.timeout);
        c.duration("spec.healthcheck.startPeriod", h.startPeriod);
        if (h.retries != null && h.retries < 0) {
            c.error("spec.healthcheck.retries", "must be 0 or more");
        }
    }

    private static void resources(AppSpec.Resources r, FieldChecks c) {
        if (r == null) {
            return;
        }
        if (r.cpus != null) {
            c.parse("spec.resources.cpus", () -> Quantities.nanoCpus(r.cpus));
        }
        if (r.memory != null) {
            c.parse("spec.resources.memory", () -> {
                if (Quantities.bytes(r.memory) < 6 * 1024 * 1024) {
                    throw new IllegalArgumentException("must be at least 6Mi (Docker's minimum)");
                }
            });
        }
    }

    private static void stop(AppSpec s, FieldChecks c) {
        c.duration("spec.stopGracePeriod", s.stopGracePeriod);
        if (s.stopSignal != null && !SIGNAL.matcher(s.stopSignal).matches()) {
            c.error("spec.stopSignal", "\"" + s.stopSignal + "\" is not a signal name like SIGTERM or a number");
        }
    }

    private static void dependsOn(AppSpec s, FieldChecks c) {
        if (s.dependsOn == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < s.dependsOn.size(); i++) {
            AppSpec.Dependency d = s.dependsOn.get(i);
            String f = "spec.dependsOn[" + i + "]";
            if (d == null) {
                c.error(f, "is empty");
                continue;
            }
            c.dnsLabel(f + ".app", d.app, true);
            c.oneOf(f + ".condition", d.condition, DEPENDENCY_CONDITIONS);
            if (d.app != null && !seen.add(d.app)) {
                c.error(f + ".app", d.app + " is listed twice");
            }
        }
    }
}
