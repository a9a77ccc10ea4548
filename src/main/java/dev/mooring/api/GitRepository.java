package dev.mooring.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A Git repository whose manifests and compose files are the desired state of its namespace:
 * each sync applies what one commit of {@code spec.branch} (or {@code spec.tag}) holds under
 * {@code spec.path}, in one transaction, as resources owned by this repository.
 */
@Group(MooringResource.GROUP)
@Version(MooringResource.VERSION)
@ShortNames("mgit")
@Categories("mooring")
@AdditionalPrinterColumn(name = "URL", jsonPath = ".spec.url", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Commit", jsonPath = ".status.lastSyncedCommit", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", priority = 0)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class GitRepository extends MooringResource<GitRepositorySpec, GitRepositoryStatus> {
    /** Annotation the confirm endpoint sets: the commit whose prune a person has approved. */
    public static final String PRUNE_CONFIRMED = "mooring.dev/prune-confirmed-commit";
    /** Annotation the sync endpoint sets: the planned commit a person lets a suspended repository apply. */
    /**
     * Annotation a webhook sets when it reaches an instance that is not the leader: the time of the
     * push, so the leader syncs at its next look (resync) instead of at the next interval.
     */
    public static final String SYNC_REQUESTED = "mooring.dev/sync-requested-at";
    public static final String SYNC_APPROVED = "mooring.dev/sync-approved-commit";

    /** A repository lives in the store, not on an engine. */
    @Override
    public String engineName() {
        return Engines.LOCAL;
    }
}
