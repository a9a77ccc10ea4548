package dev.mooring.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A Kubernetes-style event about one resource; repeats of the same event raise its count. */
@Entity
@Table(name = "events")
public class EventRecord {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(nullable = false, length = 32)
    public String kind;
    @Column(nullable = false, length = 63)
    public String namespace;
    @Column(nullable = false, length = 63)
    public String name;
    @Column(name = "object_uid", nullable = false, length = 36)
    public String objectUid;
    /** {@code Normal} or {@code Warning}. */
    @Column(nullable = false, length = 16)
    public String type;
    @Column(nullable = false, length = 64)
    public String reason;
    @Column(nullable = false, length = 4000)
    public String message;
    @Column(nullable = false)
    public int count;
    @Column(name = "first_timestamp", nullable = false)
    public Instant firstTimestamp;
    @Column(name = "last_timestamp", nullable = false)
    public Instant lastTimestamp;
}
