package dev.mooring.source.git;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The HMAC-SHA256 signature Git hosts put on webhook requests: GitHub's
 * {@code X-Hub-Signature-256: sha256=<hex>} and Gitea's {@code X-Gitea-Signature: <hex>}, both over
 * the raw request body with the shared secret. Compared in constant time.
 */
public final class WebhookSignature {
    private WebhookSignature() {
    }

    /** The hex HMAC-SHA256 of the body. */
    public static String sign(byte[] secret, byte[] body) {
        return HexFormat.of().formatHex(hmac(secret, body));
    }

    /** True when the header ({@code sha256=<hex>} or bare hex) is the body's signature with the secret. */
    public static boolean valid(byte[] secret, byte[] body, String header) {
        if (header == null || secret == null || secret.length == 0) {
            return false;
        }
        String hex = header.trim();
        if (hex.regionMatches(true, 0, "sha256=", 0, 7)) {
            hex = hex.substring(7);
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex.toLowerCase());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, body), given);
    }

    private static byte[] hmac(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body == null ? new byte[0] : body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
