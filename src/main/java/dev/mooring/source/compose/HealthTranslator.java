package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.util.List;
import java.util.Map;

import static dev.mooring.source.compose.ComposeValues.integer;
import static dev.mooring.source.compose.ComposeValues.map;
import static dev.mooring.source.compose.ComposeValues.str;

/** A service's {@code healthcheck}: its test, timings and retries; {@code disable} is the test NONE. */
final class HealthTranslator implements ServiceKeys {
    private final Problems problems;

    HealthTranslator(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of("healthcheck", (service, s, v, at) -> s.healthcheck = healthcheck(map(v, at), at));
    }

    private AppSpec.Healthcheck healthcheck(Map<String, Object> m, String at) {
        AppSpec.Healthcheck h = new AppSpec.Healthcheck();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "test" -> h.test = v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of("CMD-SHELL", str(v));
                case "interval" -> h.interval = ComposeSyntax.duration(v);
                case "timeout" -> h.timeout = ComposeSyntax.duration(v);
                case "start_period" -> h.startPeriod = ComposeSyntax.duration(v);
                case "retries" -> h.retries = integer(v);
                case "disable" -> {
                    if (Boolean.TRUE.equals(v)) {
                        h.test = List.of("NONE");
                    }
                }
                case "start_interval" -> problems.ignored(at + ".start_interval", "checks run at interval during the start period too");
                default -> problems.unsupported(at + "." + e.getKey(), "unknown healthcheck setting");
            }
        }
        return h;
    }
}
