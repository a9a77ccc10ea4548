package dev.mooring.api;

import dev.mooring.api.ApiException.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The problems found so far in one resource, and the checks every kind uses (DNS labels, label
 * keys, enumerations, durations). One instance per {@link Validation#validate} call, handed to
 * each kind's validation in turn, so the errors keep the order in which the fields are checked.
 */
final class FieldChecks {
    /** A Kubernetes label or annotation key: an optional DNS prefix and '/', then a name. */
    static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    /** An environment variable or build argument name: no '=', not starting with a space. */
    static final Pattern ENV_NAME = Pattern.compile("[^=\\s][^=]*");

    private final List<FieldError> errors = new ArrayList<>();

    List<FieldError> errors() {
        return errors;
    }

    void error(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    void addAll(List<FieldError> more) {
        errors.addAll(more);
    }

    void dnsLabel(String field, String value, boolean required) {
        if (value == null || value.isEmpty()) {
            if (required) {
                error(field, "is required");
            }
            return;
        }
        if (value.length() > 63 || !Validation.DNS1123_LABEL.matcher(value).matches()) {
            error(field, "\"" + value + "\" is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)");
        }
    }

    /** Label keys everywhere; the 63-character value limit only under metadata, as in Kubernetes. */
    void labels(String field, Map<String, String> labels) {
        if (labels == null) {
            return;
        }
        labels.forEach((k, v) -> {
            if (k == null || !LABEL_KEY.matcher(k).matches() || k.length() > 253) {
                error(field + "." + k, "is not a valid label key (letters, digits, '-', '_', '.', optional DNS prefix and '/')");
            }
            if (v != null && v.length() > 63 && field.startsWith("metadata")) {
                error(field + "." + k, "value must be at most 63 characters");
            }
        });
    }

    void oneOf(String field, String value, Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            error(field, "\"" + value + "\" is not one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
    }

    void duration(String field, String value) {
        if (value != null) {
            parse(field, () -> Quantities.duration(value));
        }
    }

    /** Runs a parser; its IllegalArgumentException's message becomes the field's error. */
    void parse(String field, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            error(field, e.getMessage());
        }
    }

    /** A key of a Secret, wherever one is named (the Secret's data, an App's secret references). */
    void secretKey(String field, String key) {
        if (key == null || key.isEmpty() || key.length() > 253 || !Validation.SECRET_KEY.matcher(key).matches()
                || key.equals(".") || key.equals("..") || key.startsWith("..")) {
            error(field, "is not a valid key: letters, digits, '-', '_' and '.', at most 253 characters, not '.' or '..'");
        }
    }

    /** A driver name of a Network or Volume. */
    void driver(String driver) {
        if (driver != null && !driver.matches("[a-zA-Z0-9][a-zA-Z0-9_./:-]*")) {
            error("spec.driver", "\"" + driver + "\" is not a driver name");
        }
    }
}
