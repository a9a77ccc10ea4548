package dev.mooring.api;

import dev.mooring.api.ApiException.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The oversized values of one document, whatever its syntax (JSON, YAML) or source (REST,
 * compose, Git), each named by its path: a string over {@link Limits#MAX_STRING} characters, a
 * list or map over {@link Limits#MAX_ENTRIES} entries, a key over {@link Limits#MAX_STRING}.
 * Named, so the 422 says which field to shorten; the reader has already bounded the document as
 * a whole (its size, nesting and aliases), so this walk is short.
 */
public final class ValueLimits {
    /** The most errors named at once: enough to see the pattern, short enough to read. */
    private static final int MAX_ERRORS = 20;

    private ValueLimits() {
    }

    /** Each oversized value of a tree of maps, lists and scalars; empty when there is none. */
    public static List<FieldError> oversized(Object document) {
        List<FieldError> errors = new ArrayList<>();
        walk(document, "", errors);
        return errors;
    }

    private static void walk(Object node, String path, List<FieldError> errors) {
        if (errors.size() >= MAX_ERRORS) {
            return;
        }
        if (node instanceof String s && s.length() > Limits.MAX_STRING) {
            errors.add(new FieldError(path, "is " + s.length() + " characters long; at most " + Limits.MAX_STRING + " are accepted"));
        } else if (node instanceof List<?> list) {
            if (tooMany(list.size(), path, errors)) {
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", errors);
            }
        } else if (node instanceof Map<?, ?> map) {
            if (tooMany(map.size(), path, errors)) {
                return;
            }
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                String shown = key.length() > 253 ? key.substring(0, 250) + "..." : key;
                String child = path.isEmpty() ? shown : path + "." + shown;
                if (key.length() > Limits.MAX_STRING) {
                    errors.add(new FieldError(child, "is a key of " + key.length() + " characters"));
                } else {
                    walk(e.getValue(), child, errors);
                }
            }
        }
    }

    private static boolean tooMany(int size, String path, List<FieldError> errors) {
        if (size <= Limits.MAX_ENTRIES) {
            return false;
        }
        errors.add(new FieldError(path, "has " + size + " entries; at most " + Limits.MAX_ENTRIES + " are accepted"));
        return true;
    }
}
