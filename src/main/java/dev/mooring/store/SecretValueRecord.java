package dev.mooring.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One encrypted value of a Secret: AES-256-GCM under the key {@link #keyId}, with its nonce.
 * The row goes with its Secret's resources row (foreign key, on delete cascade).
 */
@Entity
@Table(name = "secret_values")
public class SecretValueRecord {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "resource_id", nullable = false)
    public long resourceId;
    @Column(name = "data_key", nullable = false, length = 253)
    public String dataKey;
    @Column(name = "key_id", nullable = false, length = 16)
    public String keyId;
    /** Base64 of the 12-byte nonce. */
    @Column(nullable = false, length = 24)
    public String nonce;
    /** Base64 of ciphertext and tag (TEXT: the length is for schema validation only). */
    @Column(nullable = false, length = 1_000_000)
    public String ciphertext;
}
