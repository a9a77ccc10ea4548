package dev.mooring.source.compose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compose's variable interpolation: {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}},
 * {@code ${VAR-default}}, {@code ${VAR:+alt}}, {@code ${VAR+alt}}, {@code ${VAR:?error}},
 * {@code ${VAR?error}} and {@code $$} for a literal {@code $}. Values come only from the project's
 * {@code .env} file: Mooring's own environment is not the user's shell, and must not leak into
 * resources. An unset variable without a default becomes empty, with a warning, as in Compose.
 */
final class Interpolation {
    private final Map<String, String> vars;
    private final Problems problems;

    Interpolation(Map<String, String> vars, Problems problems) {
        this.vars = vars;
        this.problems = problems;
    }

    /** Every string in the tree (values, not keys), interpolated; maps and lists are copied. */
    Object apply(Object node, String path) {
        if (node instanceof String s) {
            return interpolate(s, path);
        }
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(k).startsWith("x-") ? v : apply(v, join(path, String.valueOf(k)))));
            return out;
        }
        if (node instanceof dev.mooring.api.YamlReader.MergeTag t) {
            return new dev.mooring.api.YamlReader.MergeTag(t.tag(), apply(t.value(), path));
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                out.add(apply(l.get(i), path + "[" + i + "]"));
            }
            return out;
        }
        return node;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    String interpolate(String s, String path) {
        if (s.indexOf('$') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '$' || i + 1 >= s.length()) {
                out.append(c);
                i++;
                continue;
            }
            char n = s.charAt(i + 1);
            if (n == '$') {
                out.append('$');
                i += 2;
            } else if (n == '{') {
                int end = closing(s, i + 2);
                if (end < 0) {
                    problems.error(path, "\"" + s + "\" has an unclosed ${ (write $$ for a literal $)");
                    return s;
                }
                out.append(braced(s.substring(i + 2, end), path));
                i = end + 1;
            } else if (Character.isLetter(n) || n == '_') {
                int j = i + 1;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                out.append(lookup(s.substring(i + 1, j), path));
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The index of the brace closing the expression that starts at {@code from} (nested ${...} allowed). */
    private static int closing(String s, int from) {
        int depth = 1;
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '{') {
                depth++;
            } else if (s.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private String braced(String expr, String path) {
        int k = 0;
        while (k < expr.length() && (Character.isLetterOrDigit(expr.charAt(k)) || expr.charAt(k) == '_')) {
            k++;
        }
        String name = expr.substring(0, k);
        if (name.isEmpty()) {
            problems.error(path, "${" + expr + "} is not a variable reference");
            return "";
        }
        String rest = expr.substring(k);
        String value = vars.get(name);
        boolean colon = rest.startsWith(":");
        String op = colon ? rest.substring(0, Math.min(2, rest.length())) : rest.isEmpty() ? "" : rest.substring(0, 1);
        String arg = rest.substring(op.length());
        boolean unset = colon ? value == null || value.isEmpty() : value == null;
        return switch (op) {
            case "" -> lookup(name, path);
            case ":-", "-" -> unset ? interpolate(arg, path) : value;
            case ":+", "+" -> unset ? "" : interpolate(arg, path);
            case ":?", "?" -> {
                if (unset) {
                    problems.error(path, "variable " + name + " is required: " + (arg.isEmpty() ? "not set in .env" : interpolate(arg, path)));
                    yield "";
                }
                yield value;
            }
            default -> {
                problems.error(path, "${" + expr + "}: Mooring supports ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:+alt}, ${VAR:?error}");
                yield "";
            }
        };
    }

    private String lookup(String name, String path) {
        String v = vars.get(name);
        if (v == null) {
            problems.warn(path, "variable " + name + " is not set in the project's .env; using an empty string");
            return "";
        }
        return v;
    }
}
