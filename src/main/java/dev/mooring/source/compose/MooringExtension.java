package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.util.Map;

import static dev.mooring.source.compose.ComposeValues.bool;
import static dev.mooring.source.compose.ComposeValues.map;

/**
 * Where an App's defaults are Mooring's own and Compose's differ, an imported service gets
 * Compose's, so that it runs as {@code docker compose up} runs it: not restarted without
 * {@code restart} (Compose's {@code no}; an App's default is {@code unless-stopped}) and never
 * replaced for being unhealthy (Compose does not; an App is). The service's {@code x-mooring}
 * key asks for Mooring's extras instead: {@code x-mooring: {restartOnUnhealthy: true}}.
 */
final class MooringExtension implements ServiceKeys {
    /** The service key that carries Mooring's own settings; other {@code x-} keys are skipped, as Compose does. */
    static final String KEY = "x-mooring";

    private final Problems problems;

    MooringExtension(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of(KEY, (service, s, v, at) -> map(v, at).forEach((k, value) -> setting(s, k, value, at + "." + k)));
    }

    private void setting(AppSpec s, String key, Object value, String at) {
        try {
            if (key.equals("restartOnUnhealthy")) {
                s.restartOnUnhealthy = bool(value);
            } else {
                problems.unsupported(at, "unknown x-mooring setting (known: restartOnUnhealthy)");
            }
        } catch (IllegalArgumentException e) {
            problems.error(at, e.getMessage());
        }
    }

    /** Compose's behaviour for what the service (and its {@code x-mooring}) left unsaid. */
    void composeDefaults(AppSpec s) {
        if (s.restartPolicy == null) {
            s.restartPolicy = "no";
        }
        if (s.restartOnUnhealthy == null) {
            s.restartOnUnhealthy = false;
        }
    }
}
