package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.util.Map;
import java.util.TreeMap;

import static dev.mooring.source.compose.ComposeValues.keyValuesNullable;
import static dev.mooring.source.compose.ComposeValues.map;
import static dev.mooring.source.compose.ComposeValues.str;

/** A service's {@code build}: a context inside the project, its Dockerfile, arguments and target stage. */
final class BuildTranslator implements ServiceKeys {
    private final ComposeFile file;
    private final Problems problems;

    BuildTranslator(ComposeFile file) {
        this.file = file;
        this.problems = file.problems;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of("build", (service, s, v, at) -> s.build = build(v, at));
    }

    private AppSpec.Build build(Object v, String at) {
        AppSpec.Build b = new AppSpec.Build();
        Map<String, Object> m = v instanceof Map ? map(v, at) : Map.of("context", str(v));
        String context = m.containsKey("context") ? str(m.get("context")) : ".";
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String k = at + "." + e.getKey();
            switch (e.getKey()) {
                case "context" -> {
                }
                case "dockerfile" -> b.dockerfile = str(e.getValue());
                case "args" -> b.args = args(e.getValue(), k);
                case "target" -> b.target = str(e.getValue());
                case "cache_from", "cache_to", "labels", "no_cache", "pull", "platforms", "tags", "shm_size" ->
                        problems.ignored(k, "the image is built the same without it");
                default -> problems.unsupported(k, "a build with " + e.getKey() + " would not be the same build");
            }
        }
        if (context.contains("://") || context.startsWith("git@")) {
            problems.unsupported(at + ".context", "remote build contexts (" + context + "); put the sources in the project or a GitRepository");
            return b;
        }
        b.context = file.insideProject(context, at + ".context");
        return b;
    }

    /** Build arguments; one without a value Compose would take from the shell, so it is left out. */
    private Map<String, String> args(Object v, String at) {
        Map<String, String> args = new TreeMap<>();
        for (Map.Entry<String, String> a : keyValuesNullable(v, at).entrySet()) {
            if (a.getValue() == null) {
                problems.warn(at + "." + a.getKey(), "has no value (Compose would take it from your shell); left out");
            } else {
                args.put(a.getKey(), a.getValue());
            }
        }
        return args;
    }
}
