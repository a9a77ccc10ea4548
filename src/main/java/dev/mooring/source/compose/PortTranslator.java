package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mooring.source.compose.ComposeValues.list;
import static dev.mooring.source.compose.ComposeValues.map;
import static dev.mooring.source.compose.ComposeValues.str;

/** A service's {@code ports}, short ({@code "8080:80/udp"}, ranges) and long form, published on the engine's host. */
final class PortTranslator implements ServiceKeys {
    private final Problems problems;

    PortTranslator(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of("ports", (service, s, v, at) -> s.ports = ports(list(v, at), at));
    }

    private List<AppSpec.PortSpec> ports(List<?> items, String at) {
        List<AppSpec.PortSpec> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            String iat = at + "[" + i + "]";
            try {
                if (item instanceof Map<?, ?> raw) {
                    out.addAll(longPort(map(raw, iat), String.valueOf(item), iat));
                } else {
                    out.addAll(ComposeSyntax.shortPort(str(item)));
                }
            } catch (IllegalArgumentException e) {
                problems.error(iat, e.getMessage());
            }
        }
        return out;
    }

    /** {@code {target, published, host_ip, protocol}}; {@code text} is the item as written, for messages. */
    private List<AppSpec.PortSpec> longPort(Map<String, Object> m, String text, String at) {
        for (String k : m.keySet()) {
            switch (k) {
                case "target", "published", "host_ip", "protocol" -> {
                }
                case "mode" -> {
                    if (!"host".equals(m.get(k))) {
                        problems.warn(at + ".mode", "published on the engine's host (mode host); Swarm's ingress mode does not apply");
                    }
                }
                case "name", "app_protocol" -> problems.ignored(at + "." + k, "informational");
                default -> problems.unsupported(at + "." + k, "unknown port setting");
            }
        }
        if (m.get("target") == null) {
            problems.error(at + ".target", "is required");
            return List.of();
        }
        return ComposeSyntax.expand(str(m.get("target")), m.get("published") == null ? null : str(m.get("published")),
                m.get("host_ip") == null ? null : str(m.get("host_ip")),
                m.get("protocol") == null ? "tcp" : str(m.get("protocol")).toLowerCase(), text);
    }
}
