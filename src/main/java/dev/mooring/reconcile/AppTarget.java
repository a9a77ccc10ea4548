package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.AppStatus;
import dev.mooring.api.ResourceCodec;
import dev.mooring.api.Secret;
import dev.mooring.docker.ObservedContainer;
import dev.mooring.reconcile.RolloutState.CrashState;
import dev.mooring.store.RevisionStore.Revision;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the App's containers should be now: the configuration and image to run, the revision that
 * is, and, when that revision failed its rollout for this generation and the App rolls back, the
 * revision it returns to instead. One function computes it for the loop and for a plan
 * ({@link #of}); they differ only in the views they pass (a plan's revisions only look up, its
 * image is the one the engine has), so a plan cannot reach another target than the loop.
 *
 * @param desired    the App's spec in engine terms, pinned to the revision of the spec
 * @param target     what the replicas are brought to: {@code desired}, or the rollback's revision
 * @param image      what the spec runs: {@code spec.image}, or the image built from {@code spec.build}
 * @param imageId    the image the tag names on the engine; null when it has none
 * @param revision   the revision of {@code desired}; 0 when a plan finds none recorded
 * @param failedHere {@code revision} failed its rollout for this generation (not retried until the spec changes)
 * @param rollbackTo the revision returned to, or null
 * @param previous   the status of the last pass
 * @param built      the status of the build of {@code spec.build} this pass used, or null
 */
record AppTarget(DesiredApp desired, DesiredApp target, String image, String imageId, int revision, boolean failedHere,
                 Revision rollbackTo, AppStatus previous, AppStatus.Build built) {

    /**
     * @param previous  the status of the last pass (a dry run's App may carry none: the stored one)
     * @param digests   the digests of the Secrets the App uses (see {@link AppWaits#of})
     * @param image     what the spec runs (the build's outcome for an App with {@code spec.build})
     * @param built     the build's status, or null
     * @param imageId   what {@code image} names on the engine, or null
     * @param secretsOf the Secrets of the App's namespace by name, for the spec of a revision returned to
     */
    static AppTarget of(App app, AppStatus previous, Map<String, Map<String, String>> digests, String image,
                        AppStatus.Build built, String imageId, RevisionView revisions,
                        Function<String, Optional<Secret>> secretsOf) {
        DesiredApp desired = DesiredApp.of(app, digests, image);
        int number = revisions.revision(app, desired, image, imageId, cause(app, previous, desired, built));
        AppStatus.Rollout rollout = rollout(previous);
        boolean failedHere = number > 0 && Objects.equals(rollout.failedRevision, number)
                && Objects.equals(rollout.failedGeneration, app.getMetadata().getGeneration());
        AppTarget t = new AppTarget(desired, desired.withImage(imageId, number, imageId), image, imageId, number, failedHere,
                null, previous, built);
        if (failedHere && "rollback".equals(desired.update().failureAction())) {
            Optional<Revision> good = revisions.lastGood(app, number);
            if (good.isPresent()) {
                return t.rollingBackTo(app, good.get(), secretsOf);
            }
        }
        return t;
    }

    /** The same, returning to {@code rev}: its spec (with the current values of its Secrets), pinned to the image it ran. */
    AppTarget rollingBackTo(App app, Revision rev, Function<String, Optional<Secret>> secretsOf) {
        App copy = new App();
        copy.setMetadata(app.getMetadata());
        copy.setSpec(ResourceCodec.fromJson(rev.spec(), AppSpec.class));
        Map<String, Map<String, String>> digests = new HashMap<>();
        String missing = SecretUse.waitingFor(secretsOf, copy.getSpec(), digests);
        if (missing != null) {
            throw new IllegalStateException("cannot return to revision " + rev.number() + ": waiting for " + missing);
        }
        // a built revision runs the image of its build (its spec names only the context)
        String runs = copy.getSpec().build != null ? rev.image() : copy.getSpec().image;
        DesiredApp back = DesiredApp.of(copy, digests, runs).withImage(rev.imageId(), rev.number(), imageId);
        return new AppTarget(desired, back, image, imageId, revision, failedHere, rev, previous, built);
    }

    /** The rollout status of the last pass (an empty one when there is none). */
    AppStatus.Rollout rollout() {
        return rollout(previous);
    }

    private static AppStatus.Rollout rollout(AppStatus previous) {
        return previous.rollout == null ? new AppStatus.Rollout() : previous.rollout;
    }

    boolean rollingBack() {
        return rollbackTo != null;
    }

    /**
     * The state the planner starts the pass from: the containers observed, when each was first seen
     * ready and each replica's back-off (kept in the last status), whether a rollout of the target
     * is under way.
     * @param mayCreate the Apps this one depends on allow missing replicas to be created
     */
    RolloutState state(List<ObservedContainer> observed, Instant now, boolean mayCreate) {
        RolloutPhase phase = RolloutPhase.of(rollout().phase);
        boolean inProgress = Objects.equals(rollout().revision, target.revision()) && phase != null && phase.underWay();
        return new RolloutState(observed, now, readySince(observed, now), crashes(), inProgress, mayCreate);
    }

    /** The state of a pass over {@code state}'s containers, with a rollout of this target under way (a rollback just decided). */
    RolloutState underWay(RolloutState state) {
        return state(state.containers(), state.now(), state.mayCreate()).underWay();
    }

    /** Container id → when it was first seen ready (as the last status says, else now), for the ready ones. */
    Map<String, Instant> readySince(List<ObservedContainer> observed, Instant now) {
        Map<String, Instant> before = new HashMap<>();
        if (previous.containers != null) {
            for (AppStatus.ContainerStatus c : previous.containers) {
                if (c.id != null && c.readySince != null) {
                    before.put(c.id, Instant.parse(c.readySince));
                }
            }
        }
        Map<String, Instant> out = new HashMap<>();
        for (ObservedContainer c : observed) {
            if (c.isReady(target.lifecycle().minReadySeconds())) {
                out.put(c.id(), before.getOrDefault(AppStatuses.shortId(c.id()), now));
            }
        }
        return out;
    }

    private Map<Integer, CrashState> crashes() {
        Map<Integer, CrashState> out = new HashMap<>();
        if (previous.containers != null) {
            for (AppStatus.ContainerStatus c : previous.containers) {
                if (c.replica != null && c.restarts != null && c.restarts > 0) {
                    out.put(c.replica, new CrashState(c.restarts, c.nextRestartAt == null ? null : Instant.parse(c.nextRestartAt),
                            c.lastRestartAt == null ? null : Instant.parse(c.lastRestartAt)));
                }
            }
        }
        return out;
    }

    /** Why a revision of this configuration would be new: the annotation, else what changed since the last pass. */
    private static String cause(App app, AppStatus previous, DesiredApp desired, AppStatus.Build built) {
        Map<String, String> annotations = app.getMetadata().getAnnotations();
        if (annotations != null && annotations.get(AppReconciler.CHANGE_CAUSE) != null) {
            return annotations.get(AppReconciler.CHANGE_CAUSE);
        }
        Long generation = app.getMetadata().getGeneration();
        boolean sameGeneration = previous.configHash != null && Objects.equals(previous.observedGeneration, generation);
        if (built != null && previous.build != null && previous.build.digest != null && !previous.build.digest.equals(built.digest)
                && sameGeneration) {
            return "build context changed (" + desired.template().image() + ")";
        }
        if (previous.configHash != null && previous.configHash.equals(desired.configHash())) {
            return "image " + desired.template().image() + " now names another image";
        }
        if (sameGeneration && !SecretUse.names(app.getSpec()).isEmpty()) {
            return "a Secret it uses changed (" + String.join(", ", SecretUse.names(app.getSpec())) + ")";
        }
        return previous.configHash == null ? "created (generation " + generation + ")" : "spec changed (generation " + generation + ")";
    }
}
