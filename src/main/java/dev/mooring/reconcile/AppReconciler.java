package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppStatus;
import dev.mooring.api.Condition;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceKey;
import dev.mooring.control.Controller;
import dev.mooring.control.Reconciler;
import dev.mooring.control.Result;
import dev.mooring.control.TerminalException;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.DockerEngines;
import dev.mooring.docker.EngineException;
import dev.mooring.docker.ImageResolver;
import dev.mooring.docker.ImagesChanged;
import dev.mooring.docker.ObservedContainer;
import dev.mooring.security.Admission;
import dev.mooring.store.BuildLogStore;
import dev.mooring.store.ResourceStore;
import dev.mooring.store.RevisionStore;
import dev.mooring.store.SecretStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Keeps an App's containers as its spec says: observe (the engine's watched view, which lists
 * nothing: {@link DockerEngine#listContainers}), then one {@link AppPass}
 * (target, decide, execute, record) over the real store and engine. Rollouts span many passes;
 * where one stands is kept in {@code status.rollout} ({@link RolloutMachine}). A failed rollout
 * with {@code failureAction: rollback} returns to the last revision that completed and stays there
 * until the spec changes; status says {@code Degraded/RolloutFailed}. Deletion and orphans are
 * handled here: they plan the removal of every container.
 */
@ApplicationScoped
public class AppReconciler implements Reconciler {
    private static final Logger LOG = Logger.getLogger(AppReconciler.class);
    /** An annotation that says why a spec changed; it becomes the cause of the revision. */
    public static final String CHANGE_CAUSE = "mooring.dev/change-cause";
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
    BuildLogStore buildLogs;
    @Inject
    Admission admission;

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
            forget(key, app);
            return Result.done();
        }
        DockerEngine engine = engineOf(key, app);
        List<ObservedContainer> observed;
        try {
            // a stale view (its engine does not answer) fails here as the engine's own list would: no status, EngineUnavailable
            observed = engine.listContainers(DesiredApp.ownerLabels(key.namespace(), key.name()));
        } catch (EngineException e) {
            if (e.httpStatus != 0) {
                throw e;
            }
            return engineUnavailable(key, app, e);
        }
        AppPass pass = pass(key, app, engine);
        if (app.isDeleting()) {
            delete(key, app, engine, pass, observed);
            return Result.done();
        }
        return pass.run(observed);
    }

    /** A pass over the real seams: this store, this engine, the image resolver, the builder, the status writer. */
    private AppPass pass(ResourceKey key, App app, DockerEngine engine) {
        AppPass.Images resolver = new AppPass.Images() {
            public String resolve(String image, String pullPolicy) {
                return images.resolve(engine, image, pullPolicy,
                        pullFailed -> status.event(key, app, StatusWriter.WARNING, "PullFailed", pullFailed));
            }

            public String pullFailure(String image) {
                return images.pullFailure(engine, image);
            }
        };
        AppPass.Recorder recorder = new AppPass.Recorder() {
            public void status(AppStatus s) {
                status.status(key, app, s);
            }

            public void event(String type, String reason, String message) {
                status.event(key, app, type, reason, message);
            }
        };
        return new AppPass(app, engine, store, revisions, resolver, digests -> builds.ensure(key, app, engine, digests),
                (plan, performed) -> execute(key, engine, plan, performed), recorder, Clock.systemUTC());
    }

    /** The executor decrypts a value only when it creates a container that needs it; host paths are checked right before use. */
    private void execute(ResourceKey key, DockerEngine engine, Plan plan, Consumer<Operation> performed) {
        LOG.debugf("%s: plan\n%s", key, plan);
        PlanExecutor.SecretValues values = (secret, k, digest) -> secrets.value(key.namespace(), secret, k, digest);
        PlanExecutor.execute(engine, plan, values, new BindMountCheck(admission, engine, key.namespace()), performed);
    }

    /** Deleting: every container goes, then the revisions, the build log and built images; then the finalizer. */
    private void delete(ResourceKey key, App app, DockerEngine engine, AppPass pass, List<ObservedContainer> observed) {
        pass.execute(AppPlanner.plan(DesiredApp.gone(key.namespace(), key.name()), observed));
        if (app.getSpec() != null && app.getSpec().build != null) {
            builds.removeImages(key, engine);
        }
        forget(key, app);
    }

    private void forget(ResourceKey key, App app) {
        revisions.deleteAll(app.getMetadata().getUid());
        buildLogs.delete(key.namespace(), key.name());
        store.removeFinalizer(key, app.getMetadata().getUid(), MooringResource.FINALIZER);
    }

    private DockerEngine engineOf(ResourceKey key, App app) {
        try {
            return engines.engine(app.engineName());
        } catch (DockerEngines.UnknownEngineException e) {
            AppStatus s = AppStatuses.base(app);
            Instant now = Instant.now();
            s.setCondition(Condition.READY, false, "UnknownEngine", e.getMessage(), now);
            s.setCondition(Condition.DEGRADED, true, "UnknownEngine", e.getMessage(), now);
            status.status(key, app, s);
            status.event(key, app, StatusWriter.WARNING, "UnknownEngine", e.getMessage());
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
