package dev.mooring.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * The field-level difference between two container templates, as the canonical JSON their config
 * hashes are taken of ({@link ConfigHash#canonicalJson}). So every field that can force a new
 * container shows up, and nothing else. Pure.
 * <p>
 * Paths follow the template's fields: {@code image}, {@code command}, {@code ports[0].hostPort},
 * {@code mounts[1].source}, {@code labels.team}, {@code healthcheck.retries}, {@code memoryBytes}.
 * Environment variables are keyed by name ({@code env.FOO}), whether their value is plain or from
 * a Secret. A Secret's value never shows (the template holds only digests in the first place), nor
 * its digest: {@code env.DB_PASSWORD: "secret db/password (value before)" -> "secret db/password (value now)"}.
 */
public final class ConfigDiff {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigDiff() {
    }

    /** What differs from {@code liveJson} to {@code desiredJson}, in path order. */
    public static List<ResourcePlan.FieldChange> diff(String liveJson, String desiredJson) {
        List<ResourcePlan.FieldChange> out = new ArrayList<>();
        walk("", readable(parse(liveJson)), readable(parse(desiredJson)), out);
        return out;
    }

    /** Any two JSON-shaped values (records, maps): used for networks and volumes. */
    public static List<ResourcePlan.FieldChange> diff(Object live, Object desired) {
        List<ResourcePlan.FieldChange> out = new ArrayList<>();
        walk("", JSON.valueToTree(live), JSON.valueToTree(desired), out);
        return out;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("a recorded container template does not parse", e);
        }
    }

    /** The environment as one object by name: plain values as they are, Secret values as their digests. */
    private static JsonNode readable(JsonNode template) {
        if (!(template instanceof ObjectNode o)) {
            return template;
        }
        ObjectNode copy = o.deepCopy();
        ObjectNode env = JsonNodeFactory.instance.objectNode();
        JsonNode plain = copy.remove("env");
        if (plain != null && plain.isArray()) {
            for (JsonNode e : plain) {
                String s = e.asText();
                int eq = s.indexOf('=');
                env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
            }
        }
        JsonNode secret = copy.remove("secretEnv");
        if (secret != null && secret.isArray()) {
            for (JsonNode e : secret) {
                env.put(e.path("name").asText(), "secret " + e.path("secret").asText() + "/" + e.path("key").asText()
                        + " " + e.path("digest").asText());
            }
        }
        if (plain != null || secret != null) {
            copy.set("env", env);
        }
        return copy;
    }

    private static void walk(String path, JsonNode live, JsonNode desired, List<ResourcePlan.FieldChange> out) {
        live = live == null || live.isMissingNode() ? null : live;
        desired = desired == null || desired.isMissingNode() ? null : desired;
        if (live != null && live.isNull()) {
            live = null;
        }
        if (desired != null && desired.isNull()) {
            desired = null;
        }
        if (live == null && desired == null) {
            return;
        }
        if (live != null && desired != null && live.isObject() && desired.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            live.fieldNames().forEachRemaining(keys::add);
            desired.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                walk(path.isEmpty() ? k : path + "." + k, live.get(k), desired.get(k), out);
            }
            return;
        }
        if (live != null && desired != null && live.isArray() && desired.isArray() && containers(live) && containers(desired)) {
            // lists of objects (ports, mounts, networks, devices): element by element, field by field
            for (int i = 0; i < Math.max(live.size(), desired.size()); i++) {
                walk(path + "[" + i + "]", live.get(i), desired.get(i), out);
            }
            return;
        }
        if (live == null || !live.equals(desired)) {
            // scalars, and lists of scalars (command, entrypoint, capAdd) as a whole
            out.add(new ResourcePlan.FieldChange(path, conceal(plain(live), "value before"), conceal(plain(desired), "value now")));
        }
    }

    /**
     * A Secret's digest says which value it is to anyone who can guess the value (and Secrets are
     * for admins only, plans for viewers too), so a plan shows that a value changed, never which:
     * {@code secret db/password (value before)} -> {@code secret db/password (value now)}.
     */
    private static Object conceal(Object value, String which) {
        if (value instanceof String s && DIGEST.matcher(s).find()) {
            return DIGEST.matcher(s).replaceAll("(" + which + ")");
        }
        return value;
    }

    private static final java.util.regex.Pattern DIGEST = java.util.regex.Pattern.compile("sha256:[0-9a-f]{64}");

    private static boolean containers(JsonNode array) {
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            if (!it.next().isContainerNode()) {
                return false;
            }
        }
        return true;
    }

    private static Object plain(JsonNode n) {
        return n == null ? null : JSON.convertValue(n, Object.class);
    }

    /** A value as JSON text: {@code "1"}, {@code 8080}, {@code ["sleep","10"]}, {@code null}. */
    static String show(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
