package dev.mooring.testing;

import io.restassured.RestAssured;
import io.restassured.response.Response;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Test helpers for Secrets: unique values, manifests, digests, and the check that a value went nowhere. */
public final class Secrets {
    private Secrets() {
    }

    /** A value no other test and no log line can hold by chance. */
    public static String uniqueValue(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "");
    }

    /** Bytes that are not UTF-8 (0xff, 0xfe), with a NUL inside and a trailing newline. */
    public static byte[] binaryValue(String marker) {
        byte[] text = marker.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[text.length + 5];
        out[0] = (byte) 0xff;
        System.arraycopy(text, 0, out, 1, text.length);
        out[text.length + 1] = 0;
        out[text.length + 2] = (byte) 0xfe;
        out[text.length + 3] = 'x';
        out[text.length + 4] = '\n';
        return out;
    }

    public static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    public static String base64(String s) {
        return base64(s.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String digest(byte[] b) {
        return "sha256:" + sha256Hex(b);
    }

    public static String digest(String s) {
        return digest(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A Secret manifest with plain-text values (stringData) and base64 ones (data). */
    public static String secret(String ns, String name, String stringData, String data) {
        return """
                apiVersion: mooring.dev/v1alpha1
                kind: Secret
                metadata: {name: %s, namespace: %s}
                %s%s""".formatted(name, ns, stringData == null ? "" : "stringData: " + stringData + "\n",
                data == null ? "" : "data: " + data + "\n");
    }

    /** The forms in which a value could leak: the text itself, and its base64. */
    public static List<String> forms(String value) {
        return List.of(value, base64(value));
    }

    public static List<String> forms(byte[] value, String marker) {
        return List.of(marker, base64(value));
    }

    /** Asserts that none of the texts is in the answer. */
    public static void assertAbsent(String what, String answer, List<String> texts) {
        for (String t : texts) {
            assertThat(answer).as("%s must not hold a secret value", what).doesNotContain(t);
        }
    }

    /** The test log, /q/metrics, and the given resources' events hold none of the texts. */
    public static void assertNowhere(List<String> texts, String... eventUrls) throws Exception {
        String log = Files.readString(Path.of("target/mooring-test.log"), StandardCharsets.ISO_8859_1);
        assertAbsent("target/mooring-test.log", log, texts);
        Response metrics = RestAssured.get("/q/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertAbsent("/q/metrics", metrics.asString(), texts);
        for (String url : eventUrls) {
            Response events = RestAssured.get(url);
            assertThat(events.statusCode()).as(url).isEqualTo(200);
            assertThat(events.jsonPath().getList("items")).as("events of %s", url).isNotEmpty();
            assertAbsent("events " + url, events.asString(), texts);
        }
    }
}
