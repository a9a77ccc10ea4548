package dev.mooring.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One line of the audit log: who did what to which resource, from where, and how it ended. */
@Entity
@Table(name = "audit")
public class AuditRecord {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;
    @Column(name = "user_name", nullable = false, length = 63)
    public String userName;
    @Column(name = "token_id", length = 32)
    public String tokenId;
    @Column(nullable = false, length = 32)
    public String verb;
    @Column(length = 32)
    public String kind;
    @Column(length = 63)
    public String namespace;
    @Column(length = 253)
    public String name;
    @Column(name = "rv_before", length = 32)
    public String resourceVersionBefore;
    @Column(name = "rv_after", length = 32)
    public String resourceVersionAfter;
    @Column(name = "source_address", length = 64)
    public String sourceAddress;
    /** {@code allowed}, {@code denied} (401/403), {@code rejected} (another 4xx) or {@code failed} (5xx). */
    @Column(nullable = false, length = 16)
    public String outcome;
    @Column(nullable = false)
    public int status;
    @Column(length = 1000)
    public String detail;
    /** How many requests the line stands for: 1, or more for the counted lines of requests without a valid token. */
    @Column(nullable = false)
    public long requests = 1;
}
