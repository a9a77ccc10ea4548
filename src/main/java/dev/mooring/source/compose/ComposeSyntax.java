package dev.mooring.source.compose;

import dev.mooring.api.ApiException;
import dev.mooring.api.AppSpec;
import dev.mooring.api.ValueLimits;
import dev.mooring.api.YamlReader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compose's syntax, parsed into Mooring's: the file itself, short forms and units (ports, volume strings, sizes, durations, command lines, env files). */
final class ComposeSyntax {
    private static final Pattern SIZE = Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)b?");
    private static final Pattern DURATION = Pattern.compile("((\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h))+");
    private static final Pattern PORT_RANGE = Pattern.compile("(\\d+)(?:-(\\d+))?");

    private ComposeSyntax() {
    }

    /**
     * The compose file as every source reads YAML ({@link YamlReader}: YAML 1.2 as Compose reads
     * it, the same limits as the REST API), one mapping, each oversized value named (a 422).
     * Compose's merge tags {@code !reset} and {@code !override} are kept for {@link ComposeMerge}.
     *
     * @throws ApiException a 400 for a file that is not YAML, passes a limit or is not one mapping
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> document(byte[] composeYaml) {
        List<Object> documents = YamlReader.readCompose(new String(composeYaml, StandardCharsets.UTF_8));
        if (documents.size() > 1) {
            throw ApiException.badRequest("a compose file is one YAML document; this one holds " + documents.size());
        }
        if (documents.isEmpty() || !(documents.get(0) instanceof Map<?, ?> top)) {
            throw ApiException.badRequest("the compose file must be a YAML mapping with a services section");
        }
        List<ApiException.FieldError> tooLarge = ValueLimits.oversized(top);
        if (!tooLarge.isEmpty()) {
            throw ApiException.invalid(tooLarge);
        }
        return (Map<String, Object>) top;
    }

    /** A compose byte value ({@code 512m}, {@code 1gb}, {@code 2048}: binary units) as a Mooring size ({@code 512Mi}). */
    static String size(Object value) {
        String text = String.valueOf(value).strip();
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a byte value like 512m or 1g");
        }
        String unit = m.group(2).toLowerCase();
        return m.group(1) + switch (unit) {
            case "k" -> "Ki";
            case "m" -> "Mi";
            case "g" -> "Gi";
            case "t" -> "Ti";
            default -> "";
        };
    }

    /** A compose duration ({@code 1m30s}, {@code 10s}); a bare number is seconds. */
    static String duration(Object value) {
        String text = String.valueOf(value).strip();
        if (text.matches("\\d+")) {
            return text + "s";
        }
        if (!DURATION.matcher(text).matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration like 10s or 1m30s");
        }
        return text;
    }

    /** A command or entrypoint: a list as it is, a string split like a shell would (quotes, backslashes). */
    static List<String> command(Object value) {
        if (value instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        String s = String.valueOf(value);
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < s.length() && "\"\\$`".indexOf(s.charAt(i + 1)) >= 0) {
                    cur.append(s.charAt(++i));
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < s.length()) {
                cur.append(s.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unclosed quote in \"" + s + "\"");
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }

    /** The lines of an env file: {@code KEY=value}, {@code export KEY=value}, quotes, comments; {@code KEY} alone is skipped. */
    static Map<String, String> envFile(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String raw : text.split("\\r?\\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                boolean dq = value.startsWith("\"");
                value = value.substring(1, value.length() - 1);
                if (dq) {
                    value = value.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
                }
            } else {
                int hash = value.indexOf(" #");
                if (hash >= 0) {
                    value = value.substring(0, hash).strip();
                }
            }
            out.put(key, value);
        }
        return out;
    }

    /**
     * The short port syntax: {@code 80}, {@code 8080:80}, {@code 127.0.0.1:8080:80},
     * {@code 127.0.0.1::80}, {@code [::1]:8080:80}, ranges {@code 8000-8001:80-81}, with an optional
     * {@code /udp}. A range expands to one port per number.
     */
    static List<AppSpec.PortSpec> shortPort(String text) {
        String s = text.strip();
        String protocol = "tcp";
        int slash = s.lastIndexOf('/');
        if (slash >= 0) {
            protocol = s.substring(slash + 1).toLowerCase();
            s = s.substring(0, slash);
        }
        String hostIp = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("\"" + text + "\" is not a port mapping");
            }
            hostIp = s.substring(1, close);
            s = s.substring(close + 2);
        }
        String[] parts = s.split(":", -1);
        String published;
        String target;
        switch (parts.length) {
            case 1 -> {
                published = null;
                target = parts[0];
            }
            case 2 -> {
                published = parts[0];
                target = parts[1];
            }
            case 3 -> {
                if (hostIp != null) {
                    throw new IllegalArgumentException("\"" + text + "\" is not a port mapping");
                }
                hostIp = parts[0];
                published = parts[1];
                target = parts[2];
            }
            default -> throw new IllegalArgumentException("\"" + text + "\" is not a port mapping (IPv6 host addresses go in brackets: [::1]:8080:80)");
        }
        return expand(target, published == null || published.isEmpty() ? null : published, hostIp == null || hostIp.isEmpty() ? null : hostIp, protocol, text);
    }

    /** One port per number of the target (and published) ranges; the ranges must be equally long. */
    static List<AppSpec.PortSpec> expand(String target, String published, String hostIp, String protocol, String text) {
        int[] t = range(target, text);
        int[] p = published == null ? null : range(published, text);
        int count = t[1] - t[0] + 1;
        if (p != null && p[1] - p[0] + 1 != count && !(count == 1 && p[0] != p[1])) {
            throw new IllegalArgumentException("\"" + text + "\": the published range and the container range differ in length");
        }
        if (p != null && count == 1 && p[0] != p[1]) {
            throw new IllegalArgumentException("\"" + text + "\": a range of host ports for one container port (Docker picks one) is not supported; name one host port");
        }
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new IllegalArgumentException("\"" + text + "\": protocol " + protocol + " is not supported (tcp or udp)");
        }
        List<AppSpec.PortSpec> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AppSpec.PortSpec ps = new AppSpec.PortSpec();
            ps.containerPort = t[0] + i;
            ps.hostPort = p == null ? null : p[0] + i;
            ps.hostIP = hostIp;
            ps.protocol = protocol.equals("tcp") ? null : protocol;
            out.add(ps);
        }
        return out;
    }

    private static int[] range(String text, String whole) {
        Matcher m = PORT_RANGE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + whole + "\" is not a port mapping: \"" + text + "\" is not a port or range");
        }
        int a = Integer.parseInt(m.group(1));
        int b = m.group(2) == null ? a : Integer.parseInt(m.group(2));
        if (a < 1 || b > 65535 || b < a) {
            throw new IllegalArgumentException("\"" + whole + "\": ports must be between 1 and 65535");
        }
        return new int[]{a, b};
    }
}
