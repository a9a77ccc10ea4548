package dev.mooring.reconcile;

import dev.mooring.api.Kind;
import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.AppStatus;
import dev.mooring.api.Condition;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Network;
import dev.mooring.api.ResourceCodec;
import dev.mooring.api.Volume;
import dev.mooring.control.Controller;
import dev.mooring.control.Reconciler;
import dev.mooring.api.ResourceKey;
import dev.mooring.control.Result;
import dev.mooring.control.TerminalException;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.DockerEngines;
import dev.mooring.docker.EngineException;
import dev.mooring.docker.EngineTimeoutException;
import dev.mooring.docker.ImageResolver;
import dev.mooring.docker.ImagesChanged;
import dev.mooring.docker.ObservedContainer;
import dev.mooring.reconcile.RolloutState.CrashState;
import dev.mooring.store.ResourceStore;
import dev.mooring.store.RevisionStore;
import dev.mooring.store.RevisionStore.Revision;
import dev.mooring.store.SecretStore;
import dev.mooring.store.SecretUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps an App's containers as its spec says: observe (one list call), resolve the image and
 * the revision, plan ({@link AppPlanner}), execute ({@link PlanExecutor}), then write status
 * and events. Rollouts span many passes; where one stands is kept in {@code status.rollout}.
 * A failed rollout with {@code failureAction: rollback} returns to the last revision that
 * completed and stays there until the spec changes; status says {@code Degraded/RolloutFailed}.
 */
@ApplicationScoped
public class AppReconciler implements Reconciler {
    private static final Logger LOG = Logger.getLogger(AppReconciler.class);
    public static final String CHANGE_CAUSE = "mooring.dev/change-cause";
    static final Duration DEPENDENCY_RECHECK = Duration.ofSeconds(5);
    static final Duration READINESS_RECHECK = Duration.ofSeconds(5);
    /** A failed build is looked at again this often (it is rebuilt only when its context changed or after mooring.builds.retry-after). */
    static final Duration BUILD_RECHECK = Duration.ofSeconds(10);
    /** Condition that is False while an {@code imagePullPolicy: Always} pull fails and the engine's own image runs. */
    static final String IMAGE_PULLED = "ImagePulled";
    /** An App whose engine does not answer is looked at again this often (and whenever its engine's event stream comes back). */
    static final Duration ENGINE_RECHECK = Duration.ofSeconds(5);
    static final String ENGINE_UNAVAILABLE = "EngineUnavailable";

    @Inject
    ResourceStore store;
    @Inject
    RevisionStore revisions;
    @Inject
    DockerEngines engines;
    @Inject
    ImageResolver images;
    @Inject
    StatusWriter status;
    @Inject
    Controller controller;
    @Inject
    SecretStore secrets;
    @Inject
    ImageBuilds builds;
    @Inject
    dev.mooring.store.BuildLogStore buildLogs;
    @Inject
    dev.mooring.security.Admission admission;

    @Override
    public Kind kind() {
        return Kind.App;
    }

    /** A tag may have moved: every App looks again (the resolver's cache was cleared). */
    void onImages(@Observes ImagesChanged changed) {
        LOG.debugf("images changed on engine %s: every App looks again", changed.engine());
        store.list(App.class, null).forEach(a -> controller.enqueue(new ResourceKey(Kind.App, a.namespace(), a.name())));
    }

    @Override
    public Result reconcile(ResourceKey key) {
        Optional<App> found = store.find(App.class, key.namespace(), key.name());
        if (found.isEmpty()) {
            removeOrphans(key);
            return Result.done();
        }
        App app = found.get();
        if (app.isDeleting() && !engines.exists(app.engineName())) {
            // no such engine is configured: nothing Mooring created can be there, so nothing holds the deletion
            LOG.infof("%s: engine %s is not configured; nothing to remove there, deletion completes", key, app.engineName());
            revisions.deleteAll(app.getMetadata().getUid());
            buildLogs.delete(key.namespace(), key.name());
            store.removeFinalizer(key, app.getMetadata().getUid(), MooringResource.FINALIZER);
            return Result.done();
        }
        DockerEngine engine = engineOf(key, app);
        List<ObservedContainer> observed;
        try {
            observed = engine.listContainers(DesiredApp.ownerLabels(key.namespace(), key.name()));
        } catch (EngineException e) {
            if (e.httpStatus != 0) {
                throw e;
            }
            return engineUnavailable(key, app, e);
        }
        Instant now = Instant.now();

        if (app.isDeleting()) {
            execute(key, app, engine, AppPlanner.plan(DesiredApp.gone(key.namespace(), key.name()), observed));
            revisions.deleteAll(app.getMetadata().getUid());
            buildLogs.delete(key.namespace(), key.name());
            if (app.getSpec() != null && app.getSpec().build != null) {
                builds.removeImages(key, engine);
            }
            store.removeFinalizer(key, app.getMetadata().getUid(), MooringResource.FINALIZER);
            return Result.done();
        }
        AppSpec spec = app.getSpec();
        if (Boolean.TRUE.equals(spec.suspend)) {
            AppStatus s = baseStatus(app);
            fillContainers(s, observed, null, Map.of(), Map.of(), 1);
            s.setCondition("Suspended", true, "Suspended", "spec.suspend is true: Mooring leaves this App alone", now);
            s.setCondition(Condition.PROGRESSING, false, "Suspended", "spec.suspend is true: Mooring leaves this App alone", now);
            status.status(key, app, s);
            return Result.done();
        }

        Map<String, Map<String, String>> secretDigests = new HashMap<>();
        String waitingFor = joinWaiting(resourceDependencies(app), SecretUse.waitingFor(store, key.namespace(), spec, secretDigests));
        if (waitingFor != null) {
            AppStatus s = baseStatus(app);
            s.setCondition(Condition.READY, false, "WaitingForDependencies", "waiting for " + waitingFor, now);
            s.setCondition(Condition.PROGRESSING, true, "WaitingForDependencies", "waiting for " + waitingFor, now);
            s.setCondition(Condition.DEGRADED, false, "AsExpected", "", now);
            s.conditions.removeIf(c -> c.type.equals("Suspended"));
            fillContainers(s, observed, null, Map.of(), Map.of(), 1);
            status.status(key, app, s);
            status.event(key, app, StatusWriter.NORMAL, "WaitingForDependencies", "waiting for " + waitingFor);
            return Result.requeueAfter(DEPENDENCY_RECHECK);
        }
        String waitingForApps = appDependencies(app);

        String image = spec.image;
        AppStatus.Build built = null;
        if (spec.build != null) {
            // a pre-step, not a plan operation: the planner gets the built image's digest tag
            ImageBuilds.Outcome b = builds.ensure(key, app, engine, secretDigests);
            if (b.failed()) {
                buildFailed(key, app, observed, b, now);
                return Result.requeueAfter(BUILD_RECHECK);
            }
            image = b.image();
            built = b.status();
        }
        DesiredApp desired = DesiredApp.of(app, secretDigests, image);
        String tagImage;
        try {
            // a built image is on the engine (just checked or built): never pull it
            tagImage = images.resolve(engine, image, spec.build != null ? "Never" : spec.imagePullPolicy,
                    pullFailed -> status.event(key, app, StatusWriter.WARNING, "PullFailed", pullFailed));
        } catch (EngineException e) {
            fail(key, app, "ImageUnavailable", e.getMessage());
            throw e;
        }
        String uid = app.getMetadata().getUid();
        AppStatus previous = app.getStatus() == null ? new AppStatus() : app.getStatus();
        AppStatus.Rollout rollout = previous.rollout == null ? new AppStatus.Rollout() : previous.rollout;
        Revision rev = revisions.ensure(uid, key.namespace(), key.name(), desired.configHash(), image, tagImage,
                ResourceCodec.toJson(spec), ConfigHash.canonicalJson(desired.template()), cause(app, previous, desired, built), spec.revisionHistoryLimit == null ? 10 : spec.revisionHistoryLimit);
        DesiredApp target = desired.withImage(tagImage, rev.number(), tagImage);

        boolean failedHere = Objects.equals(rollout.failedRevision, rev.number())
                && Objects.equals(rollout.failedGeneration, app.getMetadata().getGeneration());
        Revision rollbackTo = null;
        if (failedHere && "rollback".equals(desired.update().failureAction())) {
            rollbackTo = revisions.lastGood(uid, rev.number()).orElse(null);
            if (rollbackTo != null) {
                target = targetOf(app, rollbackTo, tagImage);
            }
        }

        Map<String, Instant> readySince = readySince(previous, observed, target.lifecycle().minReadySeconds(), now);
        Map<Integer, CrashState> crashes = crashes(previous);
        boolean inProgress = Objects.equals(rollout.revision, target.revision())
                && ("Progressing".equals(rollout.phase) || "RollingBack".equals(rollout.phase));
        RolloutState state = new RolloutState(observed, now, readySince, crashes, inProgress, waitingForApps == null);
        AppPlanner.Decision decision = AppPlanner.decide(target, state);

        if (decision.rolloutFailed() && !failedHere) {
            String failures = String.join("; ", decision.rolloutFailures());
            revisions.setPhase(uid, rev.number(), RevisionStore.FAILED);
            rollout.failedRevision = rev.number();
            rollout.failedGeneration = app.getMetadata().getGeneration();
            rollout.failedImageId = tagImage;
            String action = desired.update().failureAction();
            rollbackTo = "rollback".equals(action) ? revisions.lastGood(uid, rev.number()).orElse(null) : null;
            if (rollbackTo != null) {
                rollout.message = "revision " + rev.number() + " failed (" + failures + "); rolled back to revision " + rollbackTo.number();
                status.event(key, app, StatusWriter.WARNING, "RolloutFailed", "revision " + rev.number() + " failed: " + failures
                        + "; rolling back to revision " + rollbackTo.number());
                target = targetOf(app, rollbackTo, tagImage);
                readySince = readySince(previous, observed, target.lifecycle().minReadySeconds(), now);
                decision = AppPlanner.decide(target, new RolloutState(observed, now, readySince, crashes, true, waitingForApps == null));
            } else {
                rollout.message = "revision " + rev.number() + " failed (" + failures + ")"
                        + ("rollback".equals(action) ? "; no earlier revision completed, nothing to roll back to" : "")
                        + "; rollout paused until the spec changes";
                status.event(key, app, StatusWriter.WARNING, "RolloutFailed", rollout.message);
            }
        }

        if (!decision.plan().isEmpty()) {
            if (!Objects.equals(rollout.revision, target.revision()) && decision.pendingReplicas() > 0) {
                status.event(key, app, StatusWriter.NORMAL, rollbackTo != null ? "RollingBack" : "RolloutStarted",
                        (rollbackTo != null ? "rolling back to revision " : "rolling out revision ") + target.revision()
                                + " (" + decision.pendingReplicas() + " replicas to replace)");
            }
            execute(key, app, engine, decision.plan());
            observed = engine.listContainers(DesiredApp.ownerLabels(key.namespace(), key.name()));
            readySince = readySince(previous, observed, target.lifecycle().minReadySeconds(), now);
        }
        decision.backoffs().forEach(b -> status.event(key, app, StatusWriter.WARNING, "BackOff", "back-off restarting " + b));

        AppStatus s = statusOf(app, target, observed, !decision.plan().isEmpty());
        String pullFailure = spec.build == null ? images.pullFailure(engine, image) : null;
        if (pullFailure != null) {
            s.setCondition(IMAGE_PULLED, false, "PullFailed", pullFailure, now);
        } else {
            s.conditions.removeIf(c -> c.type.equals(IMAGE_PULLED));
        }
        if (built != null) {
            s.build = built;
        }
        fillContainers(s, observed, target, readySince, decision.crashes(), target.lifecycle().minReadySeconds());
        s.conditions.removeIf(c -> c.type.equals("Suspended"));
        s.updateRevision = target.revision();
        s.rollout = rollout;
        boolean rolledBack = rollbackTo != null;
        boolean allReady = s.isTrue(Condition.READY);
        if (decision.rolloutComplete() && allReady) {
            revisions.setPhase(uid, target.revision(), RevisionStore.COMPLETE);
            if (!"Complete".equals(rollout.phase) && !"RolledBack".equals(rollout.phase) && rollout.revision != null) {
                status.event(key, app, StatusWriter.NORMAL, rolledBack ? "RolledBack" : "RolloutComplete",
                        (rolledBack ? "rolled back to revision " : "revision ") + target.revision() + (rolledBack ? "" : " runs on every replica"));
            }
            rollout.phase = rolledBack ? "RolledBack" : "Complete";
            s.currentRevision = target.revision();
        } else if (decision.rolloutFailed()) {
            rollout.phase = "Paused";
        } else if (decision.pendingReplicas() > 0 || decision.inFlight() > 0) {
            rollout.phase = rolledBack ? "RollingBack" : "Progressing";
        }
        rollout.revision = target.revision();
        if (!failedHere && !Objects.equals(rollout.failedGeneration, app.getMetadata().getGeneration()) && rollout.failedRevision != null
                && !decision.rolloutFailed()) {
            // the spec changed since the failure: it is history, not the current state
            rollout.failedRevision = null;
            rollout.failedGeneration = null;
            rollout.failedImageId = null;
            rollout.message = null;
        }

        if (Objects.equals(rollout.failedGeneration, app.getMetadata().getGeneration()) && rollout.failedRevision != null) {
            s.setCondition(Condition.DEGRADED, true, "RolloutFailed", rollout.message, now);
            s.setCondition(Condition.PROGRESSING, !decision.rolloutComplete(), "RolloutFailed", rollout.message, now);
        } else if (!decision.backoffs().isEmpty()) {
            String msg = String.join("; ", decision.backoffs());
            s.setCondition(Condition.DEGRADED, true, "CrashLoopBackOff", msg, now);
            s.setCondition(Condition.READY, false, "CrashLoopBackOff", msg, now);
        } else if (waitingForApps != null && decision.waitingForDependencies() > 0) {
            s.setCondition(Condition.READY, false, "WaitingForDependencies", "waiting for " + waitingForApps, now);
            s.setCondition(Condition.PROGRESSING, true, "WaitingForDependencies", "waiting for " + waitingForApps, now);
        } else if (decision.pendingReplicas() > 0 || decision.inFlight() > 0) {
            s.setCondition(Condition.PROGRESSING, true, "RollingOut", (rolledBack ? "rolling back to revision " : "rolling out revision ")
                    + target.revision() + ": " + decision.pendingReplicas() + " replicas to replace, " + decision.inFlight() + " being watched", now);
        }
        status.status(key, app, s);

        Duration next = decision.requeueAfter();
        if (waitingForApps != null && decision.waitingForDependencies() > 0) {
            next = min(next, DEPENDENCY_RECHECK);
        }
        if (!allReady && desired.running() && desired.replicas() > 0) {
            next = min(next, READINESS_RECHECK);
        }
        return next == null ? Result.done() : Result.requeueAfter(next);
    }

    /** The target of a rollback: the revision's spec (with the current values of its Secrets), pinned to the image it ran. */
    DesiredApp targetOf(App app, Revision rev, String tagImage) {
        App copy = new App();
        copy.setMetadata(app.getMetadata());
        copy.setSpec(ResourceCodec.fromJson(rev.spec(), AppSpec.class));
        Map<String, Map<String, String>> digests = new HashMap<>();
        String missing = SecretUse.waitingFor(store, app.namespace(), copy.getSpec(), digests);
        if (missing != null) {
            throw new IllegalStateException("cannot return to revision " + rev.number() + ": waiting for " + missing);
        }
        // a built revision runs the image of its build (its spec names only the context)
        String image = copy.getSpec().build != null ? rev.image() : copy.getSpec().image;
        return DesiredApp.of(copy, digests, image).withImage(rev.imageId(), rev.number(), tagImage);
    }

    /**
     * The build failed: nothing is planned, so the containers of the running revision keep
     * serving; status says which step failed and why.
     */
    private void buildFailed(ResourceKey key, App app, List<ObservedContainer> observed, ImageBuilds.Outcome b, Instant now) {
        AppStatus s = baseStatus(app);
        s.build = b.status();
        fillContainers(s, observed, null, Map.of(), Map.of(), 1);
        String message = "building the image failed at " + b.failure() + "; " + (observed.isEmpty() ? "nothing runs yet"
                : "the running containers stay as they are") + " (GET .../apps/" + key.name() + "/buildlog)";
        s.setCondition(Condition.DEGRADED, true, "BuildFailed", message, now);
        s.setCondition(Condition.PROGRESSING, false, "BuildFailed", message, now);
        if (observed.stream().noneMatch(ObservedContainer::isRunning)) {
            s.setCondition(Condition.READY, false, "BuildFailed", message, now);
        }
        s.conditions.removeIf(c -> c.type.equals("Suspended"));
        status.status(key, app, s);
    }

    private static String cause(App app, AppStatus previous, DesiredApp desired, AppStatus.Build built) {
        Map<String, String> annotations = app.getMetadata().getAnnotations();
        if (annotations != null && annotations.get(CHANGE_CAUSE) != null) {
            return annotations.get(CHANGE_CAUSE);
        }
        if (built != null && previous.build != null && previous.build.digest != null && !previous.build.digest.equals(built.digest)
                && previous.configHash != null && Objects.equals(previous.observedGeneration, app.getMetadata().getGeneration())) {
            return "build context changed (" + desired.template().image() + ")";
        }
        if (previous.configHash != null && previous.configHash.equals(desired.configHash())) {
            return "image " + desired.template().image() + " now names another image";
        }
        if (previous.configHash != null && Objects.equals(previous.observedGeneration, app.getMetadata().getGeneration())
                && !SecretUse.names(app.getSpec()).isEmpty()) {
            return "a Secret it uses changed (" + String.join(", ", SecretUse.names(app.getSpec())) + ")";
        }
        return previous.configHash == null ? "created (generation " + app.getMetadata().getGeneration() + ")"
                : "spec changed (generation " + app.getMetadata().getGeneration() + ")";
    }

    static Map<String, Instant> readySince(AppStatus previous, List<ObservedContainer> observed, int minReady, Instant now) {
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
            if (c.isReady(minReady)) {
                out.put(c.id(), before.getOrDefault(shortId(c.id()), now));
            }
        }
        return out;
    }

    static Map<Integer, CrashState> crashes(AppStatus previous) {
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

    private DockerEngine engineOf(ResourceKey key, App app) {
        try {
            return engines.engine(app.engineName());
        } catch (DockerEngines.UnknownEngineException e) {
            fail(key, app, "UnknownEngine", e.getMessage());
            throw new TerminalException(e.getMessage());
        }
    }

    /**
     * The engine does not answer: what runs there is unknown, so status says {@code Unknown} (the
     * containers listed are the last ones seen) and nothing is planned from a view Mooring does not
     * have. The App is looked at again calmly, not with an error backoff per pass (issue 10).
     */
    private Result engineUnavailable(ResourceKey key, App app, EngineException e) {
        AppStatus s = app.getStatus() == null ? new AppStatus() : app.getStatus();
        Instant now = Instant.now();
        // a list past its deadline (EngineTimeoutException) tells as little of the engine as a refused connection
        String reason = ENGINE_UNAVAILABLE;
        String message = "engine " + app.engineName() + " does not answer (" + e.getMessage() + "); the containers listed are the last ones seen";
        boolean first = s.condition(Condition.READY).map(c -> !Condition.UNKNOWN.equals(c.status)).orElse(true);
        s.setCondition(Condition.READY, Condition.UNKNOWN, reason, message, now);
        s.setCondition(Condition.PROGRESSING, Condition.UNKNOWN, reason, message, now);
        status.status(key, app, s);
        if (first) {
            status.event(key, app, StatusWriter.WARNING, reason, message);
        }
        return Result.requeueAfter(ENGINE_RECHECK);
    }

    private void fail(ResourceKey key, App app, String reason, String message) {
        AppStatus s = baseStatus(app);
        Instant now = Instant.now();
        s.setCondition(Condition.READY, false, reason, message, now);
        s.setCondition(Condition.DEGRADED, true, reason, message, now);
        status.status(key, app, s);
        status.event(key, app, StatusWriter.WARNING, reason, message);
    }

    private void execute(ResourceKey key, App app, DockerEngine engine, Plan plan) {
        LOG.debugf("%s: plan\n%s", key, plan);
        // the executor decrypts a value only when it creates a container that needs it
        PlanExecutor.SecretValues values = (secret, k, digest) -> secrets.value(key.namespace(), secret, k, digest);
        try {
            PlanExecutor.execute(engine, plan, values, new BindMountCheck(admission, engine, key.namespace()),
                    op -> status.event(key, app, StatusWriter.NORMAL, PlanExecutor.reason(op), op.describe()));
        } catch (EngineException | SecretUnavailableException | dev.mooring.security.HostPathRefusedException e) {
            String known = e instanceof EngineException ee ? ee.reason : null; // PortConflict, NameConflict
            String reason = e instanceof EngineTimeoutException ? "EngineTimeout" : known != null ? known
                    : e instanceof EngineException ? "EngineError" : e instanceof SecretUnavailableException ? "SecretUnavailable" : "HostPathRefused";
            AppStatus s = app.getStatus() == null ? new AppStatus() : app.getStatus();
            Instant now = Instant.now();
            s.setCondition(Condition.DEGRADED, true, reason, e.getMessage(), now);
            s.setCondition(Condition.READY, false, reason, e.getMessage(), now);
            status.status(key, app, s);
            status.event(key, app, StatusWriter.WARNING, known != null || reason.equals("HostPathRefused") ? reason : "Failed", e.getMessage());
            throw e;
        }
    }

    /** What the App still waits for among its Networks and Volumes, or null. */
    String resourceDependencies(App app) {
        AppSpec spec = app.getSpec();
        List<String> waiting = new ArrayList<>();
        if (spec.networks != null) {
            for (AppSpec.NetworkAttachment n : spec.networks) {
                store.find(Network.class, app.namespace(), n.name)
                        .map(net -> readiness("Network", net, app))
                        .or(() -> Optional.of("Network " + n.name + " (not found)"))
                        .filter(s -> !s.isEmpty()).ifPresent(waiting::add);
            }
        }
        if (spec.volumes != null) {
            for (AppSpec.VolumeMount m : spec.volumes) {
                if (m.volume == null) {
                    continue;
                }
                store.find(Volume.class, app.namespace(), m.volume)
                        .map(vol -> readiness("Volume", vol, app))
                        .or(() -> Optional.of("Volume " + m.volume + " (not found)"))
                        .filter(s -> !s.isEmpty()).ifPresent(waiting::add);
            }
        }
        return waiting.isEmpty() ? null : String.join(", ", waiting);
    }

    static String joinWaiting(String a, String b) {
        return a == null ? b : b == null ? a : a + ", " + b;
    }

    /** Which of the Apps in spec.dependsOn do not yet meet their condition, or null when all do. */
    String appDependencies(App app) {
        if (app.getSpec().dependsOn == null) {
            return null;
        }
        List<String> waiting = new ArrayList<>();
        for (AppSpec.Dependency d : app.getSpec().dependsOn) {
            String condition = d.condition == null ? "started" : d.condition;
            Optional<App> dep = store.find(App.class, app.namespace(), d.app);
            if (dep.isEmpty()) {
                waiting.add("App " + d.app + " (not found)");
                continue;
            }
            AppStatus s = dep.get().getStatus();
            int replicas = dep.get().getSpec().replicas == null ? 1 : dep.get().getSpec().replicas;
            List<AppStatus.ContainerStatus> cs = s == null || s.containers == null ? List.of() : s.containers;
            boolean met = switch (condition) {
                case "healthy" -> s != null && s.isTrue(Condition.READY)
                        && Objects.equals(s.observedGeneration, dep.get().getMetadata().getGeneration());
                case "completed" -> !cs.isEmpty() && cs.stream().allMatch(c -> "exited".equals(c.state) && Integer.valueOf(0).equals(c.exitCode));
                default -> cs.size() >= replicas && cs.stream().filter(c -> "running".equals(c.state)).count() >= replicas;
            };
            if (!met) {
                waiting.add("App " + d.app + " (" + condition + ")");
            }
        }
        return waiting.isEmpty() ? null : String.join(", ", waiting);
    }

    private static String readiness(String kind, MooringResource<?, ?> dep, App app) {
        String name = kind + " " + dep.name();
        if (dep.isDeleting()) {
            return name + " (being deleted)";
        }
        if (!dep.engineName().equals(app.engineName())) {
            return name + " (on engine " + dep.engineName() + ", the App is on " + app.engineName() + ")";
        }
        if (dep.getStatus() == null || !dep.getStatus().isTrue(Condition.READY)) {
            return name + " (not ready yet)";
        }
        return "";
    }

    private static AppStatus baseStatus(App app) {
        AppStatus s = app.getStatus() == null ? new AppStatus() : app.getStatus();
        s.observedGeneration = app.getMetadata().getGeneration();
        return s;
    }

    /** Replica counts and conditions from what the engine shows after this pass. */
    static AppStatus statusOf(App app, DesiredApp desired, List<ObservedContainer> observed, boolean acted) {
        AppStatus s = baseStatus(app);
        int minReady = desired.lifecycle().minReadySeconds();
        s.replicas = desired.replicas();
        s.configHash = desired.configHash();
        List<ObservedContainer> current = observed.stream()
                .filter(c -> c.replica() >= 1 && c.replica() <= desired.replicas())
                .filter(c -> AppPlanner.staleness(desired, c) == null).toList();
        s.updatedReplicas = current.size();
        long readyAny = observed.stream().filter(c -> c.replica() >= 1 && c.replica() <= desired.replicas())
                .filter(c -> c.isReady(minReady)).map(ObservedContainer::replica).distinct().count();
        s.readyReplicas = (int) readyAny;
        Instant now = Instant.now();
        if (!desired.running()) {
            long running = observed.stream().filter(ObservedContainer::isRunning).count();
            s.setCondition(Condition.READY, false, "Stopped", "desiredState is Stopped; " + observed.size() + " containers kept, " + running + " running", now);
            s.setCondition(Condition.PROGRESSING, running > 0, running > 0 ? "Stopping" : "Stopped", "", now);
        } else if (s.readyReplicas == desired.replicas() && observed.size() == desired.replicas()
                && current.size() == desired.replicas()) {
            s.setCondition(Condition.READY, true, "AllReplicasReady", s.readyReplicas + "/" + desired.replicas() + " replicas ready", now);
            s.setCondition(Condition.PROGRESSING, false, "Converged", "every replica runs the desired configuration", now);
        } else {
            String why = s.readyReplicas + "/" + desired.replicas() + " replicas ready, " + current.size() + " up to date";
            List<String> notReady = observed.stream().filter(c -> !c.isReady(minReady)).map(c -> c.name() + " " + c.state()
                    + ("none".equals(c.health()) ? "" : " (" + c.health() + ")")).toList();
            if (!notReady.isEmpty()) {
                why += "; not ready: " + String.join(", ", notReady);
            }
            boolean serving = s.readyReplicas == desired.replicas();
            s.setCondition(Condition.READY, serving, serving ? "AllReplicasReady" : "ReplicasNotReady", why, now);
            s.setCondition(Condition.PROGRESSING, true, acted ? "Reconciling" : "WaitingForReplicas", why, now);
        }
        s.setCondition(Condition.DEGRADED, false, "AsExpected", "", now);
        return s;
    }

    private static void fillContainers(AppStatus s, List<ObservedContainer> observed, DesiredApp target,
                                       Map<String, Instant> readySince, Map<Integer, CrashState> crashes, int minReady) {
        s.containers = new ArrayList<>();
        observed.stream().sorted(java.util.Comparator.comparingInt(ObservedContainer::replica).thenComparing(ObservedContainer::name))
                .forEach(c -> {
                    AppStatus.ContainerStatus cs = new AppStatus.ContainerStatus();
                    cs.name = c.name();
                    cs.id = shortId(c.id());
                    cs.replica = c.replica();
                    cs.state = c.state();
                    cs.health = c.health();
                    cs.exitCode = c.exitCode();
                    cs.imageId = c.imageId();
                    cs.ports = c.ports() == null || c.ports().isEmpty() ? null : c.ports();
                    cs.upToDate = target != null && AppPlanner.staleness(target, c) == null;
                    String rev = c.label(dev.mooring.api.Labels.REVISION);
                    cs.revision = rev == null ? null : Integer.valueOf(rev);
                    Instant since = readySince.get(c.id());
                    cs.readySince = since == null ? null : since.toString();
                    CrashState crash = crashes.get(c.replica());
                    if (crash != null) {
                        cs.restarts = crash.restarts();
                        cs.nextRestartAt = crash.nextRestartAt() == null ? null : crash.nextRestartAt().toString();
                        cs.lastRestartAt = crash.lastRestartAt() == null ? null : crash.lastRestartAt().toString();
                    }
                    s.containers.add(cs);
                });
    }

    private static String shortId(String id) {
        return id.substring(0, Math.min(12, id.length()));
    }

    private static Duration min(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) <= 0 ? a : b;
    }

    /** The owner is gone from the store: whatever carries its labels on any engine is an orphan. */
    private void removeOrphans(ResourceKey key) {
        for (DockerEngine engine : engines.all()) {
            List<ObservedContainer> orphans;
            try {
                orphans = engine.listContainers(DesiredApp.ownerLabels(key.namespace(), key.name()));
            } catch (EngineException e) {
                LOG.debugf("engine %s unreachable while looking for orphans of %s: %s", engine.name(), key, e.getMessage());
                continue;
            }
            if (!orphans.isEmpty()) {
                Plan plan = AppPlanner.plan(DesiredApp.gone(key.namespace(), key.name()), orphans);
                LOG.infof("%s is gone; removing %d orphan containers on engine %s", key, orphans.size(), engine.name());
                PlanExecutor.execute(engine, plan, op -> LOG.infof("%s: %s", key, op.describe()));
            }
        }
    }
}
