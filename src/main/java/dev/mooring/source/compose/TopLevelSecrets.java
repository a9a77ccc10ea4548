package dev.mooring.source.compose;

import dev.mooring.api.Secret;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The top-level {@code secrets} a service names: a file secret is read from the project into a
 * Secret of the same name (key {@code value}); an external one must exist already.
 */
final class TopLevelSecrets {
    /** The most bytes of one file secret read from the project. */
    static final long MAX_SECRET_FILE = 512 * 1024;

    private final ComposeFile file;
    private final Map<String, Object> declared;
    private final Map<String, Secret> secrets = new TreeMap<>();
    private final java.util.Set<String> externals = new java.util.HashSet<>();

    TopLevelSecrets(ComposeFile file, Map<String, Object> declared) {
        this.file = file;
        this.declared = declared;
    }

    Collection<Secret> resources() {
        return secrets.values();
    }

    /** The Secret a service names; a file secret is read from the project into a Secret of the same name. */
    String secret(String composeName, String at) {
        if (!declared.containsKey(composeName)) {
            file.problems.error(at, "secret " + composeName + " is not declared in the top-level secrets");
            return null;
        }
        String sat = "secrets." + composeName;
        Map<String, Object> def;
        try {
            def = ComposeValues.map(declared.get(composeName), sat);
        } catch (IllegalArgumentException e) {
            file.problems.error(sat, "must be a mapping with file, environment or external");
            return null;
        }
        String external;
        try {
            external = def.containsKey("external") ? ComposeValues.external(def.get("external"), def.get("name")) : null;
        } catch (IllegalArgumentException e) {
            file.problems.error(sat + ".external", e.getMessage());
            return null;
        }
        if (external != null && !external.equals("(its key)")) {
            // an external secret named otherwise (external: {name: foo}, or name: foo): the Secret of that name
            String name = file.mooringName(external, sat + ".external");
            if (name != null && externals.add(composeName)) {
                file.problems.warn(sat + ".external", "Secret " + name + " (" + external + ") must exist in namespace " + file.namespace
                        + " (create it through the API)");
            }
            return name;
        }
        String name = file.mooringName(composeName, at);
        if (name == null || secrets.containsKey(name)) {
            return name;
        }
        def.forEach((key, value) -> setting(name, key, value, sat + "." + key));
        return name;
    }

    private void setting(String name, String key, Object value, String at) {
        Problems problems = file.problems;
        switch (key) {
            case "file" -> readFile(name, value, at);
            case "environment" -> problems.unsupported(at, "Mooring cannot read your shell's environment; "
                    + "use a file secret, or create Secret " + name + " through the API and mark this one external");
            case "external" -> problems.warn(at, "Secret " + name + " must exist in namespace " + file.namespace + " (create it through the API)");
            case "name" -> problems.ignored(at, "the Secret is named " + name);
            default -> {
                if (!key.startsWith("x-")) { // an extension, skipped as Compose skips it
                    problems.unsupported(at, "secret setting " + key);
                }
            }
        }
    }

    private void readFile(String name, Object value, String at) {
        String path = file.insideProject(ComposeValues.str(value), at);
        if (path == null) {
            return;
        }
        try {
            Path p = Path.of(path);
            if (!Files.isRegularFile(p) || Files.size(p) > MAX_SECRET_FILE) {
                file.problems.error(at, Files.isRegularFile(p) ? "is larger than " + MAX_SECRET_FILE / 1024 + " KiB"
                        : value + " is not a file in the project");
                return;
            }
            Secret s = new Secret();
            s.setMetadata(file.meta(name));
            s.data = new LinkedHashMap<>();
            s.data.put("value", Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
            secrets.put(name, s);
        } catch (IOException ex) {
            file.problems.error(at, "cannot be read: " + ex.getMessage());
        }
    }

    /** The files of the project that file secrets name, used by a service or not. */
    List<Path> files() {
        if (file.projectDir == null) {
            return List.of();
        }
        Path root = file.projectDir.toAbsolutePath().normalize();
        List<Path> out = new ArrayList<>();
        for (Object def : declared.values()) {
            if (def instanceof Map<?, ?> m && m.get("file") instanceof String f) {
                Path p = f.startsWith("/") ? Path.of(f).normalize() : root.resolve(f).normalize();
                if (p.startsWith(root) && !p.equals(root)) {
                    out.add(p);
                }
            }
        }
        return List.copyOf(out);
    }
}
