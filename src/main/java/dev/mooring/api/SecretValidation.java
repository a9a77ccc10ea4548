package dev.mooring.api;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The checks of a {@link Secret}: its keys, base64 data and total size. An error never quotes a
 * value, even a malformed one: it is a secret.
 */
final class SecretValidation {
    private SecretValidation() {
    }

    static void validate(Secret s, FieldChecks c) {
        Set<String> keys = new HashSet<>();
        long total = data(s, keys, c) + stringData(s, keys, c);
        if (total > Validation.MAX_SECRET_BYTES) {
            c.error("data", "the values total " + total + " bytes; a Secret holds at most " + Validation.MAX_SECRET_BYTES + " bytes (1 MiB)");
        }
    }

    /** Checks {@code data}, adds its keys to {@code keys}, and returns the decoded bytes. */
    private static long data(Secret s, Set<String> keys, FieldChecks c) {
        long total = 0;
        if (s.data == null) {
            return total;
        }
        for (var e : s.data.entrySet()) {
            String f = "data." + e.getKey();
            c.secretKey(f, e.getKey());
            keys.add(e.getKey());
            if (e.getValue() == null) {
                c.error(f, "has no value (an empty value is \"\")");
                continue;
            }
            try {
                total += Secret.decodeBase64(e.getValue()).length;
            } catch (IllegalArgumentException ex) {
                c.error(f, "is not valid base64 (standard alphabet, like the output of base64; use stringData for plain text)");
            }
        }
        return total;
    }

    /** Checks {@code stringData} (a key may not be in data too) and returns its UTF-8 bytes. */
    private static long stringData(Secret s, Set<String> keys, FieldChecks c) {
        long total = 0;
        if (s.stringData == null) {
            return total;
        }
        for (var e : s.stringData.entrySet()) {
            String f = "stringData." + e.getKey();
            c.secretKey(f, e.getKey());
            if (!keys.add(e.getKey())) {
                c.error(f, "is also in data; give each key once");
            }
            if (e.getValue() == null) {
                c.error(f, "has no value (an empty value is \"\")");
                continue;
            }
            total += e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return total;
    }
}
