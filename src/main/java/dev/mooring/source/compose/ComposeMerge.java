package dev.mooring.source.compose;

import dev.mooring.api.YamlReader.MergeTag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Compose specification's merge rules, for {@code extends}, the files of one {@code include}
 * entry and an override file ({@code compose.override.yaml}): the later value wins for a scalar;
 * mappings merge key by key; sequences are appended, except
 * <ul>
 *   <li>{@code command}, {@code entrypoint} and {@code healthcheck.test}, which are replaced;</li>
 *   <li>{@code environment}, {@code labels}, {@code annotations}, {@code extra_hosts},
 *       {@code sysctls}, {@code args}, {@code depends_on}, {@code networks} in either form
 *       ({@code KEY=value} list or mapping), merged by key;</li>
 *   <li>{@code ports} (by address, host port, container port, protocol), {@code volumes} (by
 *       target), {@code secrets} and {@code configs} (by target): an entry with the key of an
 *       earlier one merges into it, the others are appended;</li>
 *   <li>a value tagged {@code !reset} removes what the base has, one tagged {@code !override}
 *       replaces it without merging.</li>
 * </ul>
 * Pure: trees of maps, lists and scalars in, new ones out.
 */
final class ComposeMerge {
    static final Set<String> REPLACED = Set.of("command", "entrypoint");
    static final Set<String> BY_KEY = Set.of("environment", "labels", "annotations", "extra_hosts", "sysctls", "args", "depends_on", "networks");
    static final Set<String> UNIQUE = Set.of("ports", "volumes", "secrets", "configs");

    private ComposeMerge() {
    }

    /** {@code override} merged onto {@code base} (two mappings: files, sections or services). */
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
        return mergeMaps(base, override, "");
    }

    private static Map<String, Object> mergeMaps(Map<String, Object> base, Map<String, Object> override, String parent) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        override.forEach((k, ov) -> {
            if (ov instanceof MergeTag t) {
                if (t.reset()) {
                    out.remove(k);
                } else {
                    out.put(k, t.value());
                }
            } else if (out.containsKey(k) && out.get(k) != null && ov != null) {
                out.put(k, value(k, parent, out.get(k), ov));
            } else {
                out.put(k, ov);
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object value(String key, String parent, Object base, Object override) {
        if (REPLACED.contains(key) || parent.equals("healthcheck") && key.equals("test")) {
            return override;
        }
        if (BY_KEY.contains(key) && (base instanceof List || override instanceof List) && (base instanceof Map || base instanceof List)
                && (override instanceof Map || override instanceof List)) {
            return mergeMaps(keyed(key, base), keyed(key, override), key);
        }
        if (base instanceof Map<?, ?> b && override instanceof Map<?, ?> o) {
            return mergeMaps((Map<String, Object>) b, (Map<String, Object>) o, key);
        }
        if (base instanceof List<?> b && override instanceof List<?> o) {
            return UNIQUE.contains(key) ? unique(key, b, o) : append(b, o);
        }
        return override;
    }

    private static List<Object> append(List<?> base, List<?> override) {
        List<Object> out = new ArrayList<>(base);
        for (Object o : override) {
            if (!(o instanceof MergeTag t && t.reset())) {
                out.add(o instanceof MergeTag t ? t.value() : o);
            }
        }
        return out;
    }

    /** Entries appended unless one of {@code base} has the same unique key: then merged into it, in its place. */
    @SuppressWarnings("unchecked")
    private static List<Object> unique(String key, List<?> base, List<?> override) {
        List<Object> out = new ArrayList<>(base);
        for (Object o : override) {
            String id = uniqueKey(key, o);
            int at = -1;
            for (int i = 0; i < out.size() && id != null; i++) {
                if (id.equals(uniqueKey(key, out.get(i)))) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                out.add(o);
            } else if (out.get(at) instanceof Map<?, ?> b && o instanceof Map<?, ?> m) {
                out.set(at, mergeMaps((Map<String, Object>) b, (Map<String, Object>) m, key));
            } else {
                out.set(at, o);
            }
        }
        return out;
    }

    /** What makes an entry of {@code ports}, {@code volumes}, {@code secrets} or {@code configs} unique; null if it cannot be told. */
    static String uniqueKey(String key, Object entry) {
        Map<?, ?> m = entry instanceof Map<?, ?> map ? map : null;
        String s = m == null ? String.valueOf(entry) : null;
        switch (key) {
            case "ports" -> {
                if (m != null) {
                    return m.get("host_ip") + "|" + m.get("published") + "|" + m.get("target") + "|" + (m.get("protocol") == null ? "tcp" : m.get("protocol"));
                }
                try {
                    var ports = ComposeSyntax.shortPort(s);
                    if (ports.size() == 1) {
                        var p = ports.get(0);
                        return p.hostIP + "|" + p.hostPort + "|" + p.containerPort + "|" + (p.protocol == null ? "tcp" : p.protocol);
                    }
                } catch (IllegalArgumentException e) {
                    // translated (and refused) later
                }
                return s;
            }
            case "volumes" -> {
                if (m != null) {
                    return String.valueOf(m.get("target"));
                }
                String[] parts = s.split(":");
                return parts.length >= 2 && parts[1].startsWith("/") ? parts[1] : parts[0];
            }
            default -> { // secrets, configs
                if (m != null) {
                    Object target = m.get("target");
                    return target != null ? String.valueOf(target) : String.valueOf(m.get("source"));
                }
                return s;
            }
        }
    }

    /** A {@code KEY=value} list (or a list of names, for depends_on and networks) as the mapping Compose merges by key. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> keyed(String key, Object value) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Object item : (List<?>) value) {
            String s = String.valueOf(item);
            switch (key) {
                case "depends_on" -> out.put(s, new LinkedHashMap<>(Map.of("condition", "service_started")));
                case "networks" -> out.put(s, null);
                default -> {
                    int eq = s.indexOf('=');
                    if (eq < 0 && key.equals("extra_hosts")) {
                        eq = s.indexOf(':');
                    }
                    if (eq < 0) {
                        out.put(s, null);
                    } else {
                        out.put(s.substring(0, eq), s.substring(eq + 1));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The tree without merge tags, once every merge is done: a value tagged {@code !reset} with
     * nothing to reset goes, one tagged {@code !override} is its value.
     */
    static Object untagged(Object node) {
        if (node instanceof MergeTag t) {
            return untagged(t.value());
        }
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (!(v instanceof MergeTag t && t.reset())) {
                    out.put(String.valueOf(k), untagged(v));
                }
            });
            return out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object v : l) {
                if (!(v instanceof MergeTag t && t.reset())) {
                    out.add(untagged(v));
                }
            }
            return out;
        }
        return node;
    }
}
