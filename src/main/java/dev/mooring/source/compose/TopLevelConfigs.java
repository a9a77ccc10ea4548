package dev.mooring.source.compose;

import dev.mooring.api.Secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The top-level {@code configs} a service names, as Secrets of the same name (key {@code value})
 * that the service gets as files ({@link ConfigFileTranslator}), the way secrets are: a config is
 * a file whose content Mooring keeps, and a Secret is the resource that keeps a file's content
 * (encrypted at rest, written into the container before it starts). Its content comes from a
 * {@code file} of the project, inline {@code content} (interpolated like the rest of the file), or
 * an {@code environment} variable of the project's {@code .env}; an {@code external} one must
 * exist already. A config and a secret whose names become the same Secret are refused.
 */
final class TopLevelConfigs {
    private final ComposeFile file;
    private final Map<String, Object> declared;
    private final Map<String, Object> declaredSecrets;
    private final Map<String, Secret> configs = new TreeMap<>();
    private Map<String, String> dotEnv;

    TopLevelConfigs(ComposeFile file, Map<String, Object> declared, Map<String, Object> declaredSecrets) {
        this.file = file;
        this.declared = declared;
        this.declaredSecrets = declaredSecrets;
    }

    Collection<Secret> resources() {
        return configs.values();
    }

    /** The Secret that holds the config a service names; null (and an error) when there is none. */
    String config(String composeName, String at) {
        if (!declared.containsKey(composeName)) {
            file.problems.error(at, "config " + composeName + " is not declared in the top-level configs");
            return null;
        }
        String cat = "configs." + composeName;
        String name = file.mooringName(composeName, cat);
        if (name == null || configs.containsKey(name)) {
            return name;
        }
        for (String secret : declaredSecrets.keySet()) {
            if (ComposeFile.normalised(secret).equals(name)) {
                file.problems.error(cat, "config " + composeName + " and secret " + secret + " would both be Secret " + name
                        + " (a config is kept as a Secret); rename one of them");
                return null;
            }
        }
        Map<String, Object> def;
        try {
            def = ComposeValues.map(declared.get(composeName), cat);
        } catch (IllegalArgumentException e) {
            file.problems.error(cat, "must be a mapping with file, content, environment or external");
            return null;
        }
        byte[][] content = new byte[1][];
        def.forEach((key, value) -> {
            byte[] c = setting(name, key, value, cat + "." + key);
            if (c != null) {
                content[0] = c;
            }
        });
        if (content[0] != null) {
            Secret s = new Secret();
            s.setMetadata(file.meta(name));
            s.data = new LinkedHashMap<>();
            s.data.put("value", Base64.getEncoder().encodeToString(content[0]));
            configs.put(name, s);
        } else if (java.util.stream.Stream.of("file", "content", "environment", "external").noneMatch(def::containsKey)) {
            file.problems.error(cat, "needs file, content or environment (or external: true)");
        }
        return name;
    }

    private byte[] setting(String name, String key, Object value, String at) {
        Problems problems = file.problems;
        try {
            switch (key) {
                case "file" -> {
                    return readFile(value, at);
                }
                case "content" -> {
                    return ComposeValues.str(value).getBytes(StandardCharsets.UTF_8);
                }
                case "environment" -> {
                    String var = ComposeValues.str(value);
                    String v = dotEnv().get(var);
                    if (v == null) {
                        problems.error(at, var + " is not set in the project's .env (Mooring cannot read your shell's environment); "
                                + "set it there, or use content or file");
                        return null;
                    }
                    return v.getBytes(StandardCharsets.UTF_8);
                }
                case "external" -> {
                    if (Boolean.TRUE.equals(ComposeValues.bool(value))) {
                        problems.warn(at, "Secret " + name + " must exist in namespace " + file.namespace
                                + " with the config's content under key value (create it through the API)");
                    }
                }
                case "name" -> problems.ignored(at, "the config is kept as Secret " + name);
                case "labels" -> problems.ignored(at, "labels of a config are informational");
                case "template_driver" -> problems.unsupported(at, "config templates; write the content out");
                default -> problems.unsupported(at, "config setting " + key);
            }
        } catch (IllegalArgumentException e) {
            problems.error(at, e.getMessage());
        }
        return null;
    }

    private byte[] readFile(Object value, String at) {
        String path = file.insideProject(ComposeValues.str(value), at);
        if (path == null) {
            return null;
        }
        try {
            Path p = Path.of(path);
            if (!Files.isRegularFile(p) || Files.size(p) > TopLevelSecrets.MAX_SECRET_FILE) {
                file.problems.error(at, Files.isRegularFile(p) ? "is larger than " + TopLevelSecrets.MAX_SECRET_FILE / 1024 + " KiB"
                        : value + " is not a file in the project");
                return null;
            }
            return Files.readAllBytes(p);
        } catch (IOException ex) {
            file.problems.error(at, "cannot be read: " + ex.getMessage());
            return null;
        }
    }

    /** The project's {@code .env}, read once: the only environment an import has. */
    private Map<String, String> dotEnv() {
        if (dotEnv == null) {
            dotEnv = Map.of();
            Path env = file.projectDir == null ? null : file.projectDir.resolve(".env");
            if (env != null && Files.isRegularFile(env)) {
                try {
                    dotEnv = ComposeSyntax.envFile(Files.readString(env));
                } catch (IOException e) {
                    dotEnv = Map.of();
                }
            }
        }
        return dotEnv;
    }
}
