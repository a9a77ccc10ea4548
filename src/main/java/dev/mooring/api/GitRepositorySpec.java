package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Duration;

/** Where the manifests are ({@code url}, {@code branch} or {@code tag}, {@code path}) and how Mooring follows them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public class GitRepositorySpec {
    /** The branch followed when neither {@code branch} nor {@code tag} is given. */
    public static final String DEFAULT_BRANCH = "main";
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

    /** {@code https://host/org/repo.git}, {@code http://...}, {@code ssh://git@host/org/repo.git}, {@code git@host:org/repo.git}, {@code file:///srv/repo.git} or a plain path. */
    public String url;
    /** The branch to follow; default {@code main}. Exclusive with {@code tag}. */
    public String branch;
    /** A tag to pin; exclusive with {@code branch}. */
    public String tag;
    /** The directory of the repository holding the manifests; default the root. */
    public String path;
    /** How often to look for a new commit; default {@code 1m}. A webhook syncs at once. */
    public String interval;
    /**
     * A Secret of the namespace with the credentials: {@code username} and {@code password} (or
     * {@code token} alone) for http(s); {@code identity} (a private key) and optionally
     * {@code known_hosts} for ssh.
     */
    public LocalObjectReference secretRef;
    /** Delete the resources this repository applied when they leave it; default false (they are kept, and listed in status). */
    public Boolean prune;
    /**
     * The share of this repository's resources one sync may prune without a person confirming it;
     * default {@code mooring.git.prune-confirm-ratio} (0.5).
     */
    public Double pruneConfirmRatio;
    /** Push notifications: where the HMAC secret is. */
    public Webhook webhook;
    /**
     * Plan, do not apply: each interval (and webhook) still fetches, checks and plans the new
     * commit ({@code status.nextSync}), but the store keeps {@code status.lastSyncedCommit}.
     * Setting it back to false, or {@code POST .../sync?commit=}, applies the planned commit.
     */
    public Boolean suspend;

    @JsonIgnore
    public String ref() {
        return tag != null ? "refs/tags/" + tag : "refs/heads/" + branchOrDefault();
    }

    @JsonIgnore
    public String branchOrDefault() {
        return branch == null ? DEFAULT_BRANCH : branch;
    }

    @JsonIgnore
    public boolean pruneEnabled() {
        return Boolean.TRUE.equals(prune);
    }

    @JsonIgnore
    public boolean suspended() {
        return Boolean.TRUE.equals(suspend);
    }

    @JsonIgnore
    public Duration intervalOrDefault() {
        return interval == null ? DEFAULT_INTERVAL : Quantities.duration(interval);
    }

    /** The manifest directory relative to the repository root, without leading or trailing slashes; "" for the root. */
    @JsonIgnore
    public String pathOrRoot() {
        if (path == null) {
            return "";
        }
        String p = path.replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        p = p.replaceAll("^/+|/+$", "");
        return p.equals(".") ? "" : p;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class LocalObjectReference {
        public String name;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Webhook {
        /** The Secret and key holding the HMAC secret the Git host signs its requests with. */
        public SecretKeyRef secretRef;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SecretKeyRef {
        public String name;
        /** Default {@code secret}. */
        public String key;

        @JsonIgnore
        public String keyOrDefault() {
            return key == null ? "secret" : key;
        }
    }
}
