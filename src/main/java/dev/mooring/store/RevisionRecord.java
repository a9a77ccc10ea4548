package dev.mooring.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A configuration an App rolled out: what {@code rollback} can return to. */
@Entity
@Table(name = "revisions")
public class RevisionRecord {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "app_uid", nullable = false, length = 36)
    public String appUid;
    @Column(nullable = false, length = 63)
    public String namespace;
    @Column(nullable = false, length = 63)
    public String name;
    @Column(nullable = false)
    public int number;
    @Column(name = "config_hash", nullable = false, length = 64)
    public String configHash;
    @Column(nullable = false, length = 4096)
    public String image;
    @Column(name = "image_id", length = 200)
    public String imageId;
    @Column(nullable = false)
    public String spec;
    /** The canonical JSON of the container template (what the config hash is of); null for revisions before V9. */
    @Column(name = "container_template")
    public String template;
    @Column(nullable = false, length = 1000)
    public String cause;
    @Column(nullable = false, length = 32)
    public String phase;
    @Column(nullable = false)
    public Instant created;
}
