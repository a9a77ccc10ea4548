package dev.mooring.source.compose;

import dev.mooring.api.ApiException;
import dev.mooring.api.Limits;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST parser's limits applied to a compose file (issue 10: the import skipped them): the
 * document's size, its nesting depth, each string and each list or map, and what its aliases
 * expand to. Compose files use anchors and merge keys ({@code <<: *base}) as a matter of course,
 * so aliases are accepted, but SnakeYAML shares an alias's node and the translation copies it: a
 * "billion laughs" of ten aliases of ten would become 10^10 values. So the walk below counts
 * every value as the translation will see it, and stops at {@link #MAX_VALUES}.
 */
final class ComposeLimits {
    /** The most characters of a compose file, as the REST API's body limit (1 MiB). */
    static final int MAX_DOCUMENT_CHARS = 1024 * 1024;
    /** The most alias uses ({@code *name}) in one file. */
    static final int MAX_ALIASES = 100;
    /** The most values (scalars, lists, maps) the file expands to, aliases counted each time they are used. */
    static final int MAX_VALUES = 100_000;

    private final List<ApiException.FieldError> errors = new ArrayList<>();
    private final Map<Object, Boolean> onPath = new IdentityHashMap<>();
    private long values;

    private ComposeLimits() {
    }

    /** @throws ApiException a 400 for a file that expands too far or nests too deeply, a 422 naming each oversized value */
    static void check(Object document) {
        ComposeLimits c = new ComposeLimits();
        c.walk(document, "", 0);
        if (c.values > MAX_VALUES) {
            throw ApiException.badRequest("the compose file expands to more than " + MAX_VALUES
                    + " values (through its aliases); write it out or use fewer aliases");
        }
        if (!c.errors.isEmpty()) {
            throw ApiException.invalid(c.errors);
        }
    }

    private void walk(Object node, String path, int depth) {
        if (++values > MAX_VALUES || errors.size() >= 20) {
            return;
        }
        if (depth > Limits.MAX_NESTING_DEPTH) {
            throw ApiException.badRequest("the compose file is nested too deeply: more than " + Limits.MAX_NESTING_DEPTH + " levels at " + path);
        }
        if (node instanceof String s && s.length() > Limits.MAX_STRING) {
            errors.add(new ApiException.FieldError(path, "is " + s.length() + " characters long; at most " + Limits.MAX_STRING + " are accepted"));
        } else if (node instanceof Map<?, ?> || node instanceof List<?>) {
            int size = node instanceof Map<?, ?> m ? m.size() : ((List<?>) node).size();
            if (size > Limits.MAX_ENTRIES) {
                errors.add(new ApiException.FieldError(path, "has " + size + " entries; at most " + Limits.MAX_ENTRIES + " are accepted"));
                return;
            }
            if (onPath.put(node, Boolean.TRUE) != null) {
                throw ApiException.badRequest("the compose file refers to itself at " + path + " (a recursive alias)");
            }
            if (node instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    key = key.length() > 253 ? key.substring(0, 250) + "..." : key;
                    walk(e.getValue(), path.isEmpty() ? key : path + "." + key, depth + 1);
                }
            } else {
                List<?> l = (List<?>) node;
                for (int i = 0; i < l.size(); i++) {
                    walk(l.get(i), path + "[" + i + "]", depth + 1);
                }
            }
            onPath.remove(node);
        }
    }
}
