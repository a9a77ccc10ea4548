package dev.mooring.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import jakarta.persistence.Version;

import java.time.Instant;

/**
 * One stored resource. Spec, status and the user-editable metadata are JSON documents; the
 * identity columns are real columns so that lists and lookups are indexed. The JPA version is
 * the resource's {@code metadata.resourceVersion}, so a concurrent write loses with a 409.
 */
@Entity
@Table(name = "resources", uniqueConstraints = @UniqueConstraint(columnNames = {"kind", "namespace", "name"}))
public class ResourceRecord {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(nullable = false, length = 32)
    public String kind;
    @Column(nullable = false, length = 63)
    public String namespace;
    @Column(nullable = false, length = 63)
    public String name;
    @Column(nullable = false, length = 36)
    public String uid;
    @Version
    @Column(name = "resource_version", nullable = false)
    public long resourceVersion;
    @Column(nullable = false)
    public long generation;
    @Column(name = "creation_timestamp", nullable = false)
    public Instant creationTimestamp;
    @Column(name = "deletion_timestamp")
    public Instant deletionTimestamp;
    /** Who owns the desired state: {@code rest}, {@code crd} or {@code git:<namespace>/<name>}. */
    @Column(nullable = false, length = 320)
    public String source;
    /** JSON object: labels, annotations, finalizers. */
    @Column(nullable = false)
    public String meta;
    @Column(nullable = false)
    public String spec;
    @Column(length = 1_000_000)
    public String status;
}
