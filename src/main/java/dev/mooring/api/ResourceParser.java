package dev.mooring.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mooring.api.ApiException.FieldError;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a request body (JSON object or list, or multi-document YAML read by {@link YamlReader})
 * into validated resources, strictly: a number field takes an unquoted number, an unknown field
 * is an error. Syntax errors and the reader's limits are 400; anything that parses but is wrong
 * (unknown field, wrong type, bad value, an oversized value) is 422 naming the field; nothing is
 * stored unless every document is valid.
 */
public final class ResourceParser {
    /** The longest string value accepted anywhere in a resource (64 KiB of characters). */
    public static final int MAX_STRING = dev.mooring.api.Limits.MAX_STRING;
    /** The most entries of one list or map (env, ports, labels, ...). */
    public static final int MAX_ENTRIES = dev.mooring.api.Limits.MAX_ENTRIES;
    /** The most resources in one request. */
    public static final int MAX_DOCUMENTS = 1000;

    private ResourceParser() {
    }

    public static boolean isYaml(String contentType) {
        return contentType != null && contentType.toLowerCase().contains("yaml");
    }

    /** Every resource in the body; {@code defaultNamespace} fills a missing metadata.namespace. */
    public static List<MooringResource<?, ?>> parse(String body, boolean yaml, String defaultNamespace) {
        List<Object> docs = documents(body, yaml);
        List<MooringResource<?, ?>> out = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < docs.size(); i++) {
            Object doc = docs.get(i);
            String where = docs.size() > 1 ? "document " + (i + 1) : null;
            try {
                MooringResource<?, ?> r = one(doc, defaultNamespace);
                String id = r.getKind() + " " + r.namespace() + "/" + r.name();
                List<FieldError> invalid = Validation.validate(r);
                for (FieldError e : invalid) {
                    errors.add(docs.size() > 1 ? e.of(id) : e);
                }
                if (invalid.isEmpty() && !seen.add(id)) {
                    errors.add(new FieldError("metadata.name", id + " appears twice in one request", where));
                }
                out.add(r);
            } catch (ApiException e) {
                for (FieldError fe : e.errors) {
                    errors.add(where == null ? fe : fe.of(where));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        if (out.isEmpty()) {
            throw ApiException.badRequest("the request holds no resource");
        }
        return out;
    }

    /** The body's resources as trees: YAML through {@link YamlReader}, a JSON array or a {@code kind: List} flattened, as kubectl does. */
    private static List<Object> documents(String body, boolean yaml) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("the request body is empty; send a resource as JSON or YAML");
        }
        List<Object> flat = new ArrayList<>();
        for (Object d : yaml ? YamlReader.read(body) : java.util.Collections.singletonList(json(body))) {
            if (d instanceof List<?> list) {
                flat.addAll(list);
            } else if (d instanceof Map<?, ?> m && "List".equals(m.get("kind")) && m.containsKey("items")) {
                if (!(m.get("items") instanceof List<?> items)) {
                    throw ApiException.invalid(List.of(new FieldError("items", "a List holds its resources in items, a list")));
                }
                flat.addAll(items);
            } else {
                flat.add(d);
            }
        }
        if (flat.size() > MAX_DOCUMENTS) {
            throw ApiException.badRequest("the request holds " + flat.size() + " resources; at most " + MAX_DOCUMENTS + " are accepted at once");
        }
        return flat;
    }

    private static Object json(String body) {
        try {
            return ResourceCodec.JSON.readValue(body, Object.class);
        } catch (StreamConstraintsException e) {
            throw ApiException.badRequest("the document is nested too deeply: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON: " + YamlReader.withoutInput(e.getOriginalMessage())
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
    }

    private static MooringResource<?, ?> one(Object tree, String defaultNamespace) {
        if (!(tree instanceof Map<?, ?>)) {
            throw ApiException.invalid(List.of(new FieldError("", "a resource must be an object with apiVersion, kind, metadata and spec")));
        }
        List<FieldError> tooLarge = ValueLimits.oversized(tree);
        if (!tooLarge.isEmpty()) {
            throw ApiException.invalid(tooLarge);
        }
        ObjectNode doc = ResourceCodec.JSON.valueToTree(tree);
        Kind kind = kind(doc);
        return convert(input(doc, kind, defaultNamespace), kind);
    }

    /** The served kind the document names; a 422 naming apiVersion and kind when it names none. */
    private static Kind kind(JsonNode doc) {
        String apiVersion = doc.path("apiVersion").asText(null);
        String kindName = doc.path("kind").asText(null);
        List<FieldError> errors = new ArrayList<>();
        if (!MooringResource.API_VERSION.equals(apiVersion)) {
            errors.add(new FieldError("apiVersion", apiVersion == null ? "is required: " + MooringResource.API_VERSION
                    : "\"" + apiVersion + "\" is not served; use " + MooringResource.API_VERSION));
        }
        Kind kind = kindName == null ? null : Kind.byName(kindName).orElse(null);
        if (kind == null) {
            errors.add(new FieldError("kind", kindName == null ? "is required" : "\"" + kindName + "\" is not a kind; use one of "
                    + String.join(", ", java.util.Arrays.stream(Kind.values()).map(Enum::name).toList())));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return kind;
    }

    /** The document without what the client may not set, in the default namespace when it names none. */
    private static ObjectNode input(ObjectNode copy, Kind kind, String defaultNamespace) {
        copy.remove("status"); // status is the loop's to write, never the client's
        if (kind == Kind.Secret && copy.has("spec")) {
            throw ApiException.invalid(List.of(new FieldError("spec", "a Secret has no spec; give its values in data (base64) or stringData")));
        }
        JsonNode meta = copy.get("metadata");
        if (meta != null && meta.isObject()) {
            ObjectNode m = (ObjectNode) meta;
            // Server-set fields are ignored on input, as Kubernetes does; resourceVersion is kept for PUT.
            m.remove(List.of("uid", "generation", "creationTimestamp", "deletionTimestamp", "managedFields"));
            if (!m.hasNonNull("namespace") && defaultNamespace != null) {
                m.put("namespace", defaultNamespace);
            }
        } else if (meta == null) {
            throw ApiException.invalid(List.of(new FieldError("metadata", "is required, with at least a name")));
        }
        return copy;
    }

    /** The resource of the kind's type; Jackson's complaints as a 422 naming the field (never quoting a Secret's input). */
    private static MooringResource<?, ?> convert(ObjectNode input, Kind kind) {
        try {
            return ResourceCodec.convert(input, kind.type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.invalid(List.of(new FieldError(path(e), "unknown field")));
        } catch (InvalidFormatException e) {
            String expected = typeName(e.getTargetType());
            throw ApiException.invalid(List.of(new FieldError(path(e), (kind == Kind.Secret ? "" : quoted(e.getValue()) + " ")
                    + (expected.equals("an object") ? "is not a valid " + e.getTargetType().getSimpleName().toLowerCase()
                    : "is not " + expected + (expected.equals("an integer") ? " (a whole number, unquoted)" : "")))));
        } catch (MismatchedInputException e) {
            String expected = e.getTargetType() == null ? "another type" : typeName(e.getTargetType());
            throw ApiException.invalid(List.of(new FieldError(path(e), "has the wrong type; expected " + expected)));
        } catch (DatabindException e) {
            // Jackson's own text may quote the input: never for a Secret, whose input is a value
            throw ApiException.invalid(List.of(new FieldError(path((JsonMappingException) e),
                    kind == Kind.Secret ? "is not valid here" : e.getOriginalMessage())));
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest(kind == Kind.Secret ? "the Secret does not parse" : e.getOriginalMessage());
        }
    }

    private static String quoted(Object value) {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }

    private static String typeName(Class<?> t) {
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return "an integer";
        }
        if (t == Double.class || t == double.class) {
            return "a number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(t)) {
            return "a list";
        }
        if (java.util.Map.class.isAssignableFrom(t)) {
            return "a map";
        }
        return "an object";
    }

    /** {@code spec.ports[0].containerPort} from Jackson's reference path. */
    public static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            }
        }
        return sb.toString();
    }
}
