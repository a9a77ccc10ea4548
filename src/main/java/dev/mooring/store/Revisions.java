package dev.mooring.store;

import dev.mooring.store.RevisionStore.Revision;

import java.util.Optional;

/**
 * An App's revisions as the App path uses them: recorded per configuration and image, looked up,
 * marked complete or failed. The seam between {@code reconcile} and the store, so that the
 * rollout logic can be tested over an in-memory fake; {@link RevisionStore} is the real one.
 */
public interface Revisions {
    /** The revision of this configuration and image, recorded now (phase Progressing) when it is new. */
    Revision ensure(String appUid, String namespace, String name, String configHash, String image, String imageId,
                    String specJson, String templateJson, String cause, int historyLimit);

    /** The number of the revision of this configuration and image, if it was recorded. Read-only. */
    Optional<Integer> number(String appUid, String configHash, String imageId);

    /** The newest revision that completed a rollout, other than {@code except}. */
    Optional<Revision> lastGood(String appUid, int except);

    /** The canonical JSON of the container template recorded for a config hash, if any. Read-only. */
    Optional<String> template(String appUid, String configHash);

    void setPhase(String appUid, int number, String phase);
}
