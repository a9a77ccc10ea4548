package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;
import io.fabric8.kubernetes.api.model.IntOrString;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mooring.source.compose.ComposeValues.integer;
import static dev.mooring.source.compose.ComposeValues.list;
import static dev.mooring.source.compose.ComposeValues.map;
import static dev.mooring.source.compose.ComposeValues.str;

/**
 * A service's {@code configs}: files of top-level configs ({@link TopLevelConfigs}, each kept as a
 * Secret), written into the container like secret files ({@code spec.secrets}), at {@code target}
 * or, as in Compose, at {@code /<config name>}; mode 0444 unless given, owned by {@code uid}/{@code gid}.
 */
final class ConfigFileTranslator implements ServiceKeys {
    /** Compose's default mode of a config: readable by anyone, written by no one but root. */
    private static final int DEFAULT_MODE = 0444;

    private final ComposeFile file;
    private final Problems problems;

    ConfigFileTranslator(ComposeFile file) {
        this.file = file;
        this.problems = file.problems;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of("configs", (service, s, v, at) -> {
            List<?> items = list(v, at);
            List<AppSpec.SecretFile> files = s.secrets == null ? new ArrayList<>() : new ArrayList<>(s.secrets);
            for (int i = 0; i < items.size(); i++) {
                AppSpec.SecretFile f = configFile(items.get(i), at + "[" + i + "]");
                if (f != null) {
                    files.add(f);
                }
            }
            s.secrets = files;
        });
    }

    private AppSpec.SecretFile configFile(Object item, String at) {
        AppSpec.SecretFile f = new AppSpec.SecretFile();
        String source;
        String target = null;
        if (item instanceof Map<?, ?> raw) {
            Map<String, Object> m = map(raw, at);
            if (m.get("source") == null) {
                problems.error(at + ".source", "is required");
                return null;
            }
            source = str(m.get("source"));
            for (Map.Entry<String, Object> e : m.entrySet()) {
                switch (e.getKey()) {
                    case "source" -> {
                    }
                    case "target" -> target = str(e.getValue());
                    case "uid" -> f.uid = integer(e.getValue());
                    case "gid" -> f.gid = integer(e.getValue());
                    case "mode" -> f.mode = e.getValue() instanceof Number n ? new IntOrString(n.intValue()) : new IntOrString(str(e.getValue()));
                    default -> problems.unsupported(at + "." + e.getKey(), "unknown config setting");
                }
            }
        } else {
            source = str(item);
        }
        f.secret = file.configs.config(source, at);
        if (f.secret == null) {
            return null;
        }
        String base = target == null ? source : target;
        f.target = base.startsWith("/") ? base : "/" + base;
        if (f.mode == null) {
            f.mode = new IntOrString(DEFAULT_MODE);
        }
        return f;
    }
}
