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

/** A service's {@code secrets}: files of top-level secrets, under /run/secrets unless the target is absolute. */
final class SecretFileTranslator implements ServiceKeys {
    /** Compose's default mode: readable by the service's user, whoever it is. */
    private static final int DEFAULT_MODE = 0444;

    private final ComposeFile file;
    private final Problems problems;

    SecretFileTranslator(ComposeFile file) {
        this.file = file;
        this.problems = file.problems;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of("secrets", (service, s, v, at) -> {
            // appended: the service's configs are files of spec.secrets too (ConfigFileTranslator)
            List<AppSpec.SecretFile> files = s.secrets == null ? new ArrayList<>() : new ArrayList<>(s.secrets);
            files.addAll(secrets(list(v, at), at));
            s.secrets = files;
        });
    }

    private List<AppSpec.SecretFile> secrets(List<?> items, String at) {
        List<AppSpec.SecretFile> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            out.add(secretFile(items.get(i), at + "[" + i + "]"));
        }
        return out;
    }

    private AppSpec.SecretFile secretFile(Object item, String at) {
        AppSpec.SecretFile f = new AppSpec.SecretFile();
        String source;
        String target = null;
        if (item instanceof Map<?, ?> raw) {
            Map<String, Object> m = map(raw, at);
            source = str(m.get("source"));
            for (Map.Entry<String, Object> e : m.entrySet()) {
                switch (e.getKey()) {
                    case "source" -> {
                    }
                    case "target" -> target = str(e.getValue());
                    case "uid" -> f.uid = integer(e.getValue());
                    case "gid" -> f.gid = integer(e.getValue());
                    case "mode" -> f.mode = e.getValue() instanceof Number n ? new IntOrString(n.intValue()) : new IntOrString(str(e.getValue()));
                    default -> problems.unsupported(at + "." + e.getKey(), "unknown secret setting");
                }
            }
        } else {
            source = str(item);
        }
        f.secret = file.secrets.secret(source, at);
        String base = target == null ? source : target;
        f.target = base.startsWith("/") ? base : "/run/secrets/" + base;
        if (f.mode == null) {
            f.mode = new IntOrString(DEFAULT_MODE);
        }
        return f;
    }
}
