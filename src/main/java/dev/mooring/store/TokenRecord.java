package dev.mooring.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One API token: never the secret itself, only its SHA-256. Revoked tokens stay, for the audit log. */
@Entity
@Table(name = "tokens")
public class TokenRecord {
    @Id
    @Column(length = 32)
    public String id;
    @Column(nullable = false, length = 63)
    public String name;
    /** Hex SHA-256 of the token. */
    @Column(name = "token_hash", nullable = false, length = 64)
    public String tokenHash;
    /** JSON object: namespace (or {@code *}) to role. */
    @Column(nullable = false, length = 4000)
    public String roles;
    /** {@code api} (created through the API), {@code config} (mooring.admin-token) or {@code generated} (first start). */
    @Column(nullable = false, length = 16)
    public String origin;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "created_by", nullable = false, length = 63)
    public String createdBy;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "revoked_at")
    public Instant revokedAt;
}
