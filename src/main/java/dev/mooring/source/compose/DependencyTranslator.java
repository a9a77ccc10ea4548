package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mooring.source.compose.ComposeValues.map;
import static dev.mooring.source.compose.ComposeValues.str;

/** A service's {@code depends_on}: the Apps it waits for, and for what (started, healthy, completed). */
final class DependencyTranslator implements ServiceKeys {
    private final ComposeFile file;
    private final Problems problems;

    DependencyTranslator(ComposeFile file) {
        this.file = file;
        this.problems = file.problems;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of("depends_on", (service, s, v, at) -> s.dependsOn = dependsOn(v, at));
    }

    private List<AppSpec.Dependency> dependsOn(Object v, String at) {
        List<AppSpec.Dependency> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(d -> out.add(dependency(str(d), "started", at)));
            return out;
        }
        map(v, at).forEach((name, settings) -> {
            String dat = at + "." + name;
            String condition = settings == null ? "started" : condition(map(settings, dat), dat);
            out.add(dependency(name, condition, dat));
        });
        return out;
    }

    /** The condition of one long-form dependency; its other settings are warnings or errors. */
    private String condition(Map<String, Object> settings, String at) {
        String condition = "started";
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            switch (e.getKey()) {
                case "condition" -> condition = switch (str(e.getValue())) {
                    case "service_started" -> "started";
                    case "service_healthy" -> "healthy";
                    case "service_completed_successfully" -> "completed";
                    default -> {
                        problems.error(at + ".condition", "\"" + e.getValue() + "\" is not service_started, service_healthy or service_completed_successfully");
                        yield "started";
                    }
                };
                case "restart" -> problems.ignored(at + ".restart", "Mooring does not restart a service when its dependency is updated");
                case "required" -> {
                    if (Boolean.FALSE.equals(e.getValue())) {
                        problems.warn(at + ".required", "Mooring waits for every dependency; the service is in this file");
                    }
                }
                default -> problems.unsupported(at + "." + e.getKey(), "unknown depends_on setting");
            }
        }
        return condition;
    }

    private AppSpec.Dependency dependency(String service, String condition, String at) {
        AppSpec.Dependency d = new AppSpec.Dependency();
        d.app = file.serviceName(service, at);
        d.condition = condition.equals("started") ? null : condition;
        return d;
    }
}
