package dev.mooring.store;

import dev.mooring.store.SecretCipher.DecryptionException;
import dev.mooring.store.SecretCipher.Sealed;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AES-256-GCM of Secret values: round trip, tamper detection, wrong and unknown keys, key IDs. */
class SecretCipherTest {
    static final byte[] K1 = key(1);
    static final byte[] K2 = key(2);
    static final byte[] VALUE = {'p', 'w', (byte) 0xff, 0, '\n'};
    static final byte[] AAD = SecretCipher.associatedData("uid-1", "password");

    static byte[] key(int seed) {
        byte[] k = new byte[32];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed * 31 + i);
        }
        return k;
    }

    @Test
    void sealedValuesOpenToTheSameBytes() {
        SecretCipher c = new SecretCipher(K1, List.of());
        Sealed s = c.seal(VALUE, AAD);

        assertThat(s.keyId()).isEqualTo(SecretCipher.keyId(K1)).matches("[0-9a-f]{8}");
        assertThat(s.nonce()).hasSize(12);
        assertThat(s.ciphertext()).hasSize(VALUE.length + 16); // the GCM tag
        assertThat(c.open(s, AAD)).isEqualTo(VALUE);
        assertThat(c.open(c.seal(new byte[0], AAD), AAD)).isEmpty();
    }

    @Test
    void everySealingHasItsOwnNonceAndCiphertext() {
        SecretCipher c = new SecretCipher(K1, List.of());
        Set<String> nonces = new HashSet<>();
        Set<String> ciphertexts = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Sealed s = c.seal(VALUE, AAD);
            nonces.add(Base64.getEncoder().encodeToString(s.nonce()));
            ciphertexts.add(Base64.getEncoder().encodeToString(s.ciphertext()));
        }
        assertThat(nonces).hasSize(100);
        assertThat(ciphertexts).hasSize(100);
    }

    @Test
    void anyChangeToCiphertextNonceOrPlaceIsDetected() {
        SecretCipher c = new SecretCipher(K1, List.of());
        Sealed s = c.seal(VALUE, AAD);
        for (int i = 0; i < s.ciphertext().length; i++) {
            byte[] ct = s.ciphertext().clone();
            ct[i] ^= 1;
            Sealed tampered = new Sealed(s.keyId(), s.nonce(), ct);
            assertThatThrownBy(() -> c.open(tampered, AAD)).as("bit flipped in byte %d", i)
                    .isInstanceOf(DecryptionException.class).hasMessageContaining("authentication failed");
        }
        byte[] nonce = s.nonce().clone();
        nonce[0] ^= 1;
        assertThatThrownBy(() -> c.open(new Sealed(s.keyId(), nonce, s.ciphertext()), AAD)).isInstanceOf(DecryptionException.class);
        byte[] truncated = java.util.Arrays.copyOf(s.ciphertext(), s.ciphertext().length - 1);
        assertThatThrownBy(() -> c.open(new Sealed(s.keyId(), s.nonce(), truncated), AAD)).isInstanceOf(DecryptionException.class);
        // the same ciphertext moved to another Secret or another key of the same Secret
        assertThatThrownBy(() -> c.open(s, SecretCipher.associatedData("uid-2", "password"))).isInstanceOf(DecryptionException.class);
        assertThatThrownBy(() -> c.open(s, SecretCipher.associatedData("uid-1", "token"))).isInstanceOf(DecryptionException.class);
    }

    @Test
    void aWrongKeyUnderTheSameIdFailsAndAnUnknownKeyIdIsNamed() {
        Sealed s = new SecretCipher(K1, List.of()).seal(VALUE, AAD);
        SecretCipher other = new SecretCipher(K2, List.of());

        assertThatThrownBy(() -> other.open(s, AAD)).isInstanceOf(DecryptionException.class)
                .hasMessageContaining(SecretCipher.keyId(K1)).hasMessageContaining("not configured");
        // a ciphertext relabelled with the other key's ID still does not open
        Sealed relabelled = new Sealed(other.currentKeyId(), s.nonce(), s.ciphertext());
        assertThatThrownBy(() -> other.open(relabelled, AAD)).isInstanceOf(DecryptionException.class)
                .hasMessageContaining("authentication failed");
    }

    @Test
    void previousKeysOpenOldValuesAndNewOnesAreSealedUnderTheCurrentKey() {
        Sealed old = new SecretCipher(K1, List.of()).seal(VALUE, AAD);
        SecretCipher rotated = new SecretCipher(K2, List.of(K1));

        assertThat(rotated.currentKeyId()).isEqualTo(SecretCipher.keyId(K2));
        assertThat(rotated.keyIds()).containsExactly(SecretCipher.keyId(K2), SecretCipher.keyId(K1));
        assertThat(rotated.open(old, AAD)).isEqualTo(VALUE);
        Sealed fresh = rotated.seal(rotated.open(old, AAD), AAD);
        assertThat(fresh.keyId()).isEqualTo(SecretCipher.keyId(K2));
        // after rotation the old key alone opens nothing new
        assertThatThrownBy(() -> new SecretCipher(K1, List.of()).open(fresh, AAD)).isInstanceOf(DecryptionException.class);
        assertThat(new SecretCipher(K2, List.of()).open(fresh, AAD)).isEqualTo(VALUE);
    }

    @Test
    void keysMustBe32BytesOfBase64AndErrorsNeverQuoteTheKey() {
        String short16 = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> SecretCipher.parseKey(short16, "mooring.secrets.key"))
                .hasMessageContaining("mooring.secrets.key").hasMessageContaining("32 bytes").hasMessageNotContaining(short16);
        assertThatThrownBy(() -> SecretCipher.parseKey("not base64 at all!", "mooring.secrets.key"))
                .hasMessageContaining("not base64").hasMessageNotContaining("at all");
        assertThatThrownBy(() -> new SecretCipher(new byte[31], List.of())).hasMessageContaining("32 bytes");
        assertThat(SecretCipher.parseKey("  " + Base64.getEncoder().encodeToString(K1) + "\n", "x")).isEqualTo(K1);
        assertThat(SecretCipher.generateKey()).hasSize(32).isNotEqualTo(SecretCipher.generateKey());
    }

    @Test
    void digestsAreSha256InHexAndSealedValuesPrintWithoutBytes() {
        assertThat(SecretCipher.digest("abc".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(new SecretCipher(K1, List.of()).seal(VALUE, AAD).toString()).startsWith("Sealed[keyId=").doesNotContain("[B@");
    }
}
