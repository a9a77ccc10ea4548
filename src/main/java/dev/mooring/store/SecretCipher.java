package dev.mooring.store;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Encrypts Secret values at rest with AES-256-GCM: a fresh random 96-bit nonce per value, a
 * 128-bit tag, and associated data naming the value's place (Secret uid and key), so that a
 * ciphertext moved to another Secret or key in the database no longer opens. Each ciphertext
 * carries the ID of the key that sealed it; the cipher seals under its current key and opens
 * under the current or any previous key, which is what key rotation needs.
 * <p>
 * Pure (no configuration, no I/O), so tests can build one with exactly the keys they want.
 * Messages of its exceptions name key IDs, never key bytes or plaintext.
 */
public final class SecretCipher {
    public static final int KEY_BYTES = 32;
    public static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final String currentKeyId;
    /** Key ID to key; the current key first. */
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** A value as stored: the key that sealed it, the nonce, and ciphertext with its GCM tag. */
    public record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {
        @Override
        public String toString() {
            return "Sealed[keyId=" + keyId + ", " + ciphertext.length + " bytes]";
        }
    }

    /** A ciphertext that does not open: unknown key, wrong key, or tampered with. Never carries plaintext. */
    public static class DecryptionException extends RuntimeException {
        public DecryptionException(String message) {
            super(message);
        }
    }

    /**
     * @param current  the key new values are sealed under (32 bytes)
     * @param previous keys that may still open older values (after a key change, until rotation)
     */
    public SecretCipher(byte[] current, List<byte[]> previous) {
        requireKeyLength(current, "the current key");
        currentKeyId = keyId(current);
        keys.put(currentKeyId, new SecretKeySpec(current.clone(), "AES"));
        for (int i = 0; i < previous.size(); i++) {
            byte[] k = previous.get(i);
            requireKeyLength(k, "previous key " + (i + 1));
            keys.putIfAbsent(keyId(k), new SecretKeySpec(k.clone(), "AES"));
        }
    }

    /** The ID of the key new values are sealed under. */
    public String currentKeyId() {
        return currentKeyId;
    }

    /** Every key ID this cipher can open, the current one first. */
    public Set<String> keyIds() {
        return Collections.unmodifiableSet(keys.keySet());
    }

    public boolean canOpen(String keyId) {
        return keys.containsKey(keyId);
    }

    /** Seals under the current key with a fresh random nonce. */
    public Sealed seal(byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance(TRANSFORMATION);
            c.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(associatedData);
            return new Sealed(currentKeyId, nonce, c.doFinal(plaintext));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The plaintext; throws {@link DecryptionException} for an unknown key, a wrong key or any tampering. */
    public byte[] open(Sealed sealed, byte[] associatedData) {
        SecretKeySpec key = keys.get(sealed.keyId());
        if (key == null) {
            throw new DecryptionException("sealed under key " + sealed.keyId() + ", which is not configured (known: "
                    + String.join(", ", keys.keySet()) + ")");
        }
        if (sealed.nonce() == null || sealed.nonce().length != NONCE_BYTES) {
            throw new DecryptionException("nonce is not " + NONCE_BYTES + " bytes");
        }
        try {
            Cipher c = Cipher.getInstance(TRANSFORMATION);
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            c.updateAAD(associatedData);
            return c.doFinal(sealed.ciphertext());
        } catch (AEADBadTagException e) {
            throw new DecryptionException("authentication failed under key " + sealed.keyId()
                    + ": the ciphertext was altered, moved, or sealed under another key with the same ID");
        } catch (GeneralSecurityException e) {
            throw new DecryptionException("cannot open the value under key " + sealed.keyId() + ": " + e.getClass().getSimpleName());
        }
    }

    /** A key's ID: the first 8 hex digits of its SHA-256. Names the key without revealing it. */
    public static String keyId(byte[] key) {
        return HexFormat.of().formatHex(sha256(key)).substring(0, 8);
    }

    /** A fresh random key. */
    public static byte[] generateKey() {
        byte[] k = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /**
     * A key from its base64 text (surrounding white space ignored). The message of a failure
     * names {@code where} it came from, never the text itself.
     */
    public static byte[] parseKey(String base64, String where) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not base64; it must hold a base64-encoded " + KEY_BYTES
                    + "-byte key (like the output of: head -c 32 /dev/urandom | base64)");
        }
        requireKeyLength(key, where);
        return key;
    }

    /** {@code sha256:<hex>} of the bytes: how Secret values are shown and compared without revealing them. */
    public static String digest(byte[] value) {
        return "sha256:" + HexFormat.of().formatHex(sha256(value));
    }

    /** Associated data binding a value to its place: the Secret's uid and the key within it. */
    public static byte[] associatedData(String secretUid, String dataKey) {
        return ("mooring.dev/Secret/" + secretUid + "/" + dataKey).getBytes(StandardCharsets.UTF_8);
    }

    private static void requireKeyLength(byte[] key, String where) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException(where + " must be " + KEY_BYTES + " bytes (AES-256), was "
                    + (key == null ? 0 : key.length) + " bytes");
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
