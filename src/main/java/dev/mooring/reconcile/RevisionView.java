package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.ResourceCodec;
import dev.mooring.store.RevisionStore.Revision;
import dev.mooring.store.Revisions;

import java.util.Optional;

/**
 * The App's revisions as the target sees them. The loop's view records the revision of a new
 * configuration; a plan's view only looks it up (a configuration never seen is revision 0), so the
 * plan runs the loop's own target code without writing.
 */
interface RevisionView {
    /** The number of the revision of {@code desired} running {@code imageId}; {@code cause} says why it is new. */
    int revision(App app, DesiredApp desired, String image, String imageId, String cause);

    /** The newest revision that completed a rollout, other than {@code except}. */
    Optional<Revision> lastGood(App app, int except);

    /** The loop's view: a new configuration is recorded as a revision (phase Progressing). */
    static RevisionView recording(Revisions revisions) {
        return new RevisionView() {
            public int revision(App app, DesiredApp desired, String image, String imageId, String cause) {
                Integer limit = app.getSpec().revisionHistoryLimit;
                return revisions.ensure(app.getMetadata().getUid(), app.namespace(), app.name(), desired.configHash(), image,
                        imageId, ResourceCodec.toJson(app.getSpec()), ConfigHash.canonicalJson(desired.template()), cause,
                        limit == null ? 10 : limit).number();
            }

            public Optional<Revision> lastGood(App app, int except) {
                return revisions.lastGood(app.getMetadata().getUid(), except);
            }
        };
    }

    /** A plan's view: looks up, records nothing; an App not stored yet has no revisions. */
    static RevisionView lookingUp(Revisions revisions) {
        return new RevisionView() {
            public int revision(App app, DesiredApp desired, String image, String imageId, String cause) {
                String uid = app.getMetadata().getUid();
                return uid == null ? 0 : revisions.number(uid, desired.configHash(), imageId).orElse(0);
            }

            public Optional<Revision> lastGood(App app, int except) {
                String uid = app.getMetadata().getUid();
                return uid == null ? Optional.empty() : revisions.lastGood(uid, except);
            }
        };
    }
}
