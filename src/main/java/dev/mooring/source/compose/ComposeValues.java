package dev.mooring.source.compose;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Compose values as the types Mooring wants, with messages that say what was expected. */
final class ComposeValues {
    private ComposeValues() {
    }

    static String str(Object v) {
        if (v == null) {
            throw new IllegalArgumentException("is empty");
        }
        if (v instanceof Map || v instanceof List) {
            throw new IllegalArgumentException("must be a single value, not " + (v instanceof Map ? "a mapping" : "a list"));
        }
        return String.valueOf(v);
    }

    static List<String> strings(Object v) {
        return v instanceof List<?> l ? l.stream().map(ComposeValues::str).toList() : List.of(str(v));
    }

    /** A whole number; a string of digits is one too (what {@code ${N:-3}} interpolates to), 1.5 is not. */
    static Integer integer(Object v) {
        if (v instanceof Double || v instanceof Float || v instanceof java.math.BigDecimal) {
            throw new IllegalArgumentException(v + " is not a whole number");
        }
        try {
            return v instanceof Number n ? Integer.valueOf(Math.toIntExact(n.longValue())) : Integer.valueOf(str(v).strip());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(v + " is too large");
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + v + "\" is not a whole number");
        }
    }

    static Boolean bool(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (str(v).toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("\"" + v + "\" is not true or false");
        };
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object v, String at) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), val));
            return out;
        }
        throw new IllegalArgumentException("must be a mapping");
    }

    static List<?> list(Object v, String at) {
        if (v instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException("must be a list");
    }

    /** {@code [A=b, C]} or {@code {A: b, C: null}}; a missing value is null. */
    static Map<String, String> keyValuesNullable(Object v, String at) {
        Map<String, String> out = new LinkedHashMap<>();
        if (v instanceof List<?> l) {
            for (Object item : l) {
                String s = str(item);
                int eq = s.indexOf('=');
                out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        } else {
            map(v, at).forEach((k, val) -> out.put(k, val == null ? null : str(val)));
        }
        return out;
    }

    /** Like {@link #keyValuesNullable}, a missing value as "", in key order (labels, driver options). */
    static Map<String, String> keyValues(Object v, String at) {
        Map<String, String> out = new TreeMap<>();
        keyValuesNullable(v, at).forEach((k, val) -> out.put(k, val == null ? "" : val));
        return out;
    }

    /**
     * The name of an external network, volume or secret, or null when it is not external:
     * {@code external: true} (named by {@code name}, else by its key: {@code "its key"}), or the
     * legacy form {@code external: {name: foo}}.
     */
    static String external(Object external, Object name) {
        if (external instanceof Map<?, ?> legacy) {
            for (Object k : legacy.keySet()) {
                if (!"name".equals(k)) {
                    throw new IllegalArgumentException("the legacy form is external: {name: ...}; " + k + " is not one of its settings");
                }
            }
            return legacy.get("name") == null ? "(its key)" : str(legacy.get("name"));
        }
        if (!Boolean.TRUE.equals(bool(external))) {
            return null;
        }
        return name == null ? "(its key)" : str(name);
    }
}
