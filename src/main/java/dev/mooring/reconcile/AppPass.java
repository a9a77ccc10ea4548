package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.AppStatus;
import dev.mooring.api.Condition;
import dev.mooring.api.Secret;
import dev.mooring.control.Result;
import dev.mooring.docker.ContainerEngine;
import dev.mooring.docker.EngineException;
import dev.mooring.docker.EngineTimeoutException;
import dev.mooring.docker.ObservedContainer;
import dev.mooring.security.HostPathRefusedException;
import dev.mooring.store.DesiredState;
import dev.mooring.store.RevisionStore;
import dev.mooring.store.Revisions;
import dev.mooring.store.SecretUnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One reconcile pass of an App whose containers were just observed: target ({@link AppTarget}),
 * decide ({@link AppPlanner}, with the rollout's turns by {@link RolloutMachine}), execute, record.
 * It reaches the store and the engine only through the seams it is given, so its logic is tested
 * over in-memory fakes; {@link AppReconciler} gives it the real ones.
 */
final class AppPass {
    static final Duration DEPENDENCY_RECHECK = Duration.ofSeconds(5);
    static final Duration READINESS_RECHECK = Duration.ofSeconds(5);
    /** A failed build is looked at again this often (it is rebuilt only when its context changed or after mooring.builds.retry-after). */
    static final Duration BUILD_RECHECK = Duration.ofSeconds(10);
    /** Condition that is False while an {@code imagePullPolicy: Always} pull fails and the engine's own image runs. */
    static final String IMAGE_PULLED = "ImagePulled";
    static final String SUSPENDED = "Suspended";

    /** The image a reference names on the engine, pulled as the policy says (the loop's view). */
    interface Images {
        String resolve(String image, String pullPolicy);

        /** Why the last pull of an {@code imagePullPolicy: Always} image failed, or null. */
        String pullFailure(String image);
    }

    /** Builds the image of {@code spec.build} when its context changed (a pre-step, not a plan operation). */
    interface Builds {
        ImageBuilds.Outcome ensure(Map<String, Map<String, String>> secretDigests);
    }

    /** Performs a plan on the engine, telling {@code performed} of each operation done. */
    interface Executor {
        void execute(Plan plan, Consumer<Operation> performed);
    }

    /** Where the pass writes what it learned: the App's status and its events. */
    interface Recorder {
        void status(AppStatus status);

        void event(String type, String reason, String message);
    }

    private final App app;
    private final ContainerEngine engine;
    private final DesiredState store;
    private final Revisions revisions;
    private final Images images;
    private final Builds builds;
    private final Executor executor;
    private final Recorder recorder;
    private final Clock clock;

    AppPass(App app, ContainerEngine engine, DesiredState store, Revisions revisions, Images images, Builds builds,
            Executor executor, Recorder recorder, Clock clock) {
        this.app = app;
        this.engine = engine;
        this.store = store;
        this.revisions = revisions;
        this.images = images;
        this.builds = builds;
        this.executor = executor;
        this.recorder = recorder;
        this.clock = clock;
    }

    /** What the target and the planner decided, as far as the rest of the pass needs it. */
    private record Decided(AppTarget target, AppPlanner.Decision decision, AppStatus.Rollout rollout, String waitingForApps) {
    }

    /** The pass over the containers observed: waits, build, target, decide, execute, record. */
    Result run(List<ObservedContainer> observed) {
        Instant now = clock.instant();
        AppSpec spec = app.getSpec();
        if (Boolean.TRUE.equals(spec.suspend)) {
            return suspended(observed, now);
        }
        Map<String, Map<String, String>> digests = new HashMap<>();
        AppWaits waits = AppWaits.of(app, store, secretsOf(store, app), digests);
        if (waits.blocking() != null) {
            return waiting(observed, waits.blocking(), now);
        }
        ImageBuilds.Outcome built = spec.build == null ? null : builds.ensure(digests);
        if (built != null && built.failed()) {
            return buildFailed(observed, built, now);
        }
        Decided d = decide(target(digests, built), observed, waits.apps(), now);
        boolean acted = !d.decision().plan().isEmpty();
        if (acted) {
            RolloutMachine.started(d.rollout(), d.target().target().revision(), d.target().rollingBack(), d.decision())
                    .ifPresent(this::record);
            execute(d.decision().plan());
            // the engine's view holds each write of the plan before the write returned, so this read shows them all
            observed = engine.listContainers(DesiredApp.ownerLabels(app.namespace(), app.name()));
        }
        d.decision().backoffs().forEach(b -> recorder.event(StatusWriter.WARNING, "BackOff", "back-off restarting " + b));
        return record(d, observed, acted, now);
    }

    /** The Secrets of the App's namespace, as the desired state has them. */
    static Function<String, Optional<Secret>> secretsOf(DesiredState store, App app) {
        return name -> store.find(Secret.class, app.namespace(), name);
    }

    private AppTarget target(Map<String, Map<String, String>> digests, ImageBuilds.Outcome built) {
        AppSpec spec = app.getSpec();
        String image = built == null ? spec.image : built.image();
        String imageId;
        try {
            // a built image is on the engine (just checked or built): never pull it
            imageId = images.resolve(image, spec.build != null ? "Never" : spec.imagePullPolicy);
        } catch (EngineException e) {
            fail("ImageUnavailable", e.getMessage());
            throw e;
        }
        AppStatus previous = app.getStatus() == null ? new AppStatus() : app.getStatus();
        return AppTarget.of(app, previous, digests, image, built == null ? null : built.status(), imageId,
                RevisionView.recording(revisions), secretsOf(store, app));
    }

    /** The planner's decision; a rollout that fails here turns by the rollout machine ({@link AppDecision}), which this pass records. */
    private Decided decide(AppTarget t, List<ObservedContainer> observed, String waitingForApps, Instant now) {
        RolloutState state = t.state(observed, now, waitingForApps == null);
        AppDecision d = AppDecision.of(app, t, state, RevisionView.recording(revisions), secretsOf(store, app));
        AppStatus.Rollout rollout = t.rollout();
        if (d.failure() != null) {
            revisions.setPhase(app.getMetadata().getUid(), t.revision(), RevisionStore.FAILED);
            record(d.failure().event());
            rollout = d.failure().rollout();
        }
        return new Decided(d.target(), d.decision(), rollout, waitingForApps);
    }

    /** Status after the pass: replicas, containers, the rollout's phase and conditions; then when to look again. */
    private Result record(Decided d, List<ObservedContainer> observed, boolean acted, Instant now) {
        AppTarget t = d.target();
        DesiredApp target = t.target();
        Map<String, Instant> readySince = t.readySince(observed, now);
        AppStatus s = AppStatuses.of(app, target, observed, acted, clock.instant());
        String pullFailure = app.getSpec().build == null ? images.pullFailure(t.image()) : null;
        if (pullFailure != null) {
            s.setCondition(IMAGE_PULLED, false, "PullFailed", pullFailure, now);
        } else {
            s.conditions.removeIf(c -> c.type.equals(IMAGE_PULLED));
        }
        if (t.built() != null) {
            s.build = t.built();
        }
        AppStatuses.fillContainers(s, observed, target, readySince, d.decision().crashes());
        s.conditions.removeIf(c -> c.type.equals(SUSPENDED));
        s.updateRevision = target.revision();
        boolean allReady = s.isTrue(Condition.READY);
        RolloutMachine.Settled settled = RolloutMachine.settle(d.rollout(), d.decision(), new RolloutMachine.Pass(
                target.revision(), app.getMetadata().getGeneration(), t.failedHere(), t.rollingBack(), allReady, d.waitingForApps()));
        if (settled.completed()) {
            revisions.setPhase(app.getMetadata().getUid(), target.revision(), RevisionStore.COMPLETE);
            s.currentRevision = target.revision();
        }
        settled.events().forEach(this::record);
        s.rollout = settled.rollout();
        settled.conditions().forEach(c -> s.setCondition(c.type(), c.status(), c.reason(), c.message(), now));
        recorder.status(s);
        // a one-shot job that exited 0 and is started by nothing again has nothing left to wait for
        boolean completed = s.condition(Condition.READY).map(c -> "Completed".equals(c.reason)).orElse(false);
        return next(d, allReady || completed);
    }

    private Result next(Decided d, boolean atRest) {
        Duration next = d.decision().requeueAfter();
        if (d.waitingForApps() != null && d.decision().waitingForDependencies() > 0) {
            next = min(next, DEPENDENCY_RECHECK);
        }
        DesiredApp desired = d.target().desired();
        if (!atRest && desired.running() && desired.replicas() > 0) {
            next = min(next, READINESS_RECHECK);
        }
        return next == null ? Result.done() : Result.requeueAfter(next);
    }

    private Result suspended(List<ObservedContainer> observed, Instant now) {
        AppStatus s = AppStatuses.base(app);
        AppStatuses.fillContainers(s, observed);
        s.setCondition(SUSPENDED, true, "Suspended", "spec.suspend is true: Mooring leaves this App alone", now);
        s.setCondition(Condition.PROGRESSING, false, "Suspended", "spec.suspend is true: Mooring leaves this App alone", now);
        recorder.status(s);
        return Result.done();
    }

    private Result waiting(List<ObservedContainer> observed, String waitingFor, Instant now) {
        AppStatus s = AppStatuses.base(app);
        s.setCondition(Condition.READY, false, "WaitingForDependencies", "waiting for " + waitingFor, now);
        s.setCondition(Condition.PROGRESSING, true, "WaitingForDependencies", "waiting for " + waitingFor, now);
        s.setCondition(Condition.DEGRADED, false, "AsExpected", "", now);
        s.conditions.removeIf(c -> c.type.equals(SUSPENDED));
        AppStatuses.fillContainers(s, observed);
        recorder.status(s);
        recorder.event(StatusWriter.NORMAL, "WaitingForDependencies", "waiting for " + waitingFor);
        return Result.requeueAfter(DEPENDENCY_RECHECK);
    }

    /**
     * The build failed: nothing is planned, so the containers of the running revision keep
     * serving; status says which step failed and why.
     */
    private Result buildFailed(List<ObservedContainer> observed, ImageBuilds.Outcome b, Instant now) {
        AppStatus s = AppStatuses.base(app);
        s.build = b.status();
        AppStatuses.fillContainers(s, observed);
        String message = "building the image failed at " + b.failure() + "; " + (observed.isEmpty() ? "nothing runs yet"
                : "the running containers stay as they are") + " (GET .../apps/" + app.name() + "/buildlog)";
        s.setCondition(Condition.DEGRADED, true, "BuildFailed", message, now);
        s.setCondition(Condition.PROGRESSING, false, "BuildFailed", message, now);
        if (observed.stream().noneMatch(ObservedContainer::isRunning)) {
            s.setCondition(Condition.READY, false, "BuildFailed", message, now);
        }
        s.conditions.removeIf(c -> c.type.equals(SUSPENDED));
        recorder.status(s);
        return Result.requeueAfter(BUILD_RECHECK);
    }

    /** The App cannot run as asked: not Ready, Degraded for {@code reason}, and an event says why. */
    void fail(String reason, String message) {
        AppStatus s = AppStatuses.base(app);
        Instant now = clock.instant();
        s.setCondition(Condition.READY, false, reason, message, now);
        s.setCondition(Condition.DEGRADED, true, reason, message, now);
        recorder.status(s);
        recorder.event(StatusWriter.WARNING, reason, message);
    }

    /**
     * Performs the plan, recording an event per operation done; a failed call leaves the App
     * Degraded with the engine's reason (PortConflict, NameConflict, ...) and is thrown on, to be retried.
     */
    void execute(Plan plan) {
        try {
            executor.execute(plan, op -> recorder.event(StatusWriter.NORMAL, PlanExecutor.reason(op), op.describe()));
        } catch (EngineException | SecretUnavailableException | HostPathRefusedException e) {
            String known = e instanceof EngineException ee ? ee.reason : null; // PortConflict, NameConflict
            String reason = e instanceof EngineTimeoutException ? "EngineTimeout" : known != null ? known
                    : e instanceof EngineException ? "EngineError" : e instanceof SecretUnavailableException ? "SecretUnavailable" : "HostPathRefused";
            AppStatus s = app.getStatus() == null ? new AppStatus() : app.getStatus();
            Instant now = clock.instant();
            s.setCondition(Condition.DEGRADED, true, reason, e.getMessage(), now);
            s.setCondition(Condition.READY, false, reason, e.getMessage(), now);
            recorder.status(s);
            recorder.event(StatusWriter.WARNING, known != null || reason.equals("HostPathRefused") ? reason : "Failed", e.getMessage());
            throw e;
        }
    }

    private void record(RolloutMachine.Event e) {
        recorder.event(e.type(), e.reason(), e.message());
    }

    private static Duration min(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) <= 0 ? a : b;
    }
}
