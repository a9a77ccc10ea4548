package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.mooring.source.compose.ComposeValues.keyValuesNullable;
import static dev.mooring.source.compose.ComposeValues.str;

/**
 * A service's {@code env_file} and {@code environment}, merged as Compose does: the files first,
 * in their order, then {@code environment} overriding them. Both keys are read together after
 * the others ({@link #translate}), since their order in the file does not matter.
 */
final class EnvironmentTranslator implements ServiceKeys {
    private final ComposeFile file;
    private final Problems problems;

    EnvironmentTranslator(ComposeFile file) {
        this.file = file;
        this.problems = file.problems;
    }

    /** Both keys are known here, and read by {@link #translate}. */
    @Override
    public Map<String, Key> keys() {
        Key later = (service, s, v, at) -> {
        };
        return Map.of("environment", later, "env_file", later);
    }

    /** Sets the service's environment from its env files and {@code environment}. */
    void translate(AppSpec s, Map<String, Object> svc, String p) {
        Map<String, String> env = new LinkedHashMap<>();
        if (svc.containsKey("env_file")) {
            envFiles(env, svc.get("env_file"), p + ".env_file");
        }
        if (svc.containsKey("environment")) {
            environment(env, svc.get("environment"), p + ".environment");
        }
        if (!env.isEmpty()) {
            s.env = new ArrayList<>();
            env.forEach((k, val) -> s.env.add(new AppSpec.EnvVar(k, val)));
        }
    }

    private void envFiles(Map<String, String> env, Object v, String at) {
        List<?> files = v instanceof List<?> l ? l : List.of(v);
        for (int i = 0; i < files.size(); i++) {
            Object f = files.get(i);
            String fat = files.size() == 1 && !(v instanceof List) ? at : at + "[" + i + "]";
            String path;
            boolean required = true;
            if (f instanceof Map<?, ?> fm) {
                path = str(fm.get("path"));
                required = !Boolean.FALSE.equals(fm.get("required"));
                if (fm.containsKey("format") && !"raw".equals(fm.get("format"))) {
                    problems.warn(fat + ".format", "env files are read in the usual KEY=value format");
                }
            } else {
                path = str(f);
            }
            String resolved = file.insideProject(path, fat);
            if (resolved != null) {
                read(env, path, resolved, required, fat);
            }
        }
    }

    private void read(Map<String, String> env, String path, String resolved, boolean required, String at) {
        try {
            env.putAll(ComposeSyntax.envFile(Files.readString(Path.of(resolved))));
        } catch (IOException e) {
            if (required) {
                problems.error(at, "cannot read " + path + " in the project" + (Files.exists(Path.of(resolved)) ? ": " + e.getMessage() : ": no such file"));
            }
        }
    }

    /** A variable without a value Compose would take from the shell: left out, and out of the env files too. */
    private void environment(Map<String, String> env, Object v, String at) {
        try {
            keyValuesNullable(v, at).forEach((k, val) -> {
                if (val == null) {
                    problems.warn(at + "." + k, "has no value (Compose would take it from your shell); left out");
                    env.remove(k);
                } else {
                    env.put(k, val);
                }
            });
        } catch (IllegalArgumentException | ClassCastException e) {
            problems.error(at, e.getMessage());
        }
    }
}
