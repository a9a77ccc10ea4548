package dev.mooring.api;

import java.util.Arrays;
import java.util.regex.Pattern;

/** The checks of {@code spec.build}: an absolute context, a Dockerfile inside it, and where to push. */
final class AppBuildValidation {
    private static final Pattern BUILD_TARGET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

    private AppBuildValidation() {
    }

    static void validate(AppSpec.Build b, FieldChecks c) {
        context(b, c);
        if (b.dockerfile != null) {
            if (b.dockerfile.isBlank() || b.dockerfile.startsWith("/") || Arrays.asList(b.dockerfile.split("/")).contains("..")) {
                c.error("spec.build.dockerfile", "\"" + b.dockerfile + "\" must be a path relative to the build context, without '..'");
            }
        }
        if (b.args != null) {
            b.args.forEach((k, v) -> {
                if (k == null || !FieldChecks.ENV_NAME.matcher(k).matches()) {
                    c.error("spec.build.args." + k, "is not a valid build argument name");
                }
            });
        }
        if (b.target != null && !BUILD_TARGET.matcher(b.target).matches()) {
            c.error("spec.build.target", "\"" + b.target + "\" is not a stage name");
        }
        if (b.push != null) {
            push(b.push, c);
        }
    }

    private static void context(AppSpec.Build b, FieldChecks c) {
        if (b.context == null || b.context.isBlank()) {
            c.error("spec.build.context", "is required: the absolute path of the build context directory on Mooring's host");
        } else if (!b.context.startsWith("/")) {
            c.error("spec.build.context", "\"" + b.context + "\" must be an absolute path on Mooring's host (the compose import and the Git source resolve relative ones)");
        } else if (Arrays.asList(b.context.split("/")).contains("..")) {
            c.error("spec.build.context", "\"" + b.context + "\" may not contain '..'");
        }
    }

    private static void push(AppSpec.Push p, FieldChecks c) {
        if (p.registry == null || !ImageReference.DOMAIN.matcher(p.registry).matches()) {
            c.error("spec.build.push.registry", p.registry == null ? "is required, like registry.example.com or 127.0.0.1:5000"
                    : "\"" + p.registry + "\" is not a registry host[:port]");
        }
        if (p.repository == null || !REPOSITORY.matcher(p.repository).matches()) {
            c.error("spec.build.push.repository", p.repository == null ? "is required, like team/web"
                    : "\"" + p.repository + "\" is not a repository name (lowercase path like team/web)");
        }
        c.dnsLabel("spec.build.push.secret", p.secret, false);
        if (p.secret == null && (p.usernameKey != null || p.passwordKey != null)) {
            c.error("spec.build.push.secret", "is required when usernameKey or passwordKey is set");
        }
        for (var key : new String[][]{{"usernameKey", p.usernameKey}, {"passwordKey", p.passwordKey}}) {
            if (key[1] != null && !Validation.SECRET_KEY.matcher(key[1]).matches()) {
                c.error("spec.build.push." + key[0], "\"" + key[1] + "\" is not a Secret key");
            }
        }
    }
}
