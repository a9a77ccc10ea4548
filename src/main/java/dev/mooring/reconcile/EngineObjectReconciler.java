package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.Condition;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceKey;
import dev.mooring.api.ResourceStatus;
import dev.mooring.control.Controller;
import dev.mooring.control.Reconciler;
import dev.mooring.control.Result;
import dev.mooring.control.TerminalException;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.DockerEngines;
import dev.mooring.docker.EngineException;
import dev.mooring.store.ResourceStore;
import jakarta.inject.Inject;

import java.time.Instant;

/**
 * The steps a reconciler of a resource that is one Docker object (a Network, a Volume) shares:
 * find its engine, run the plan with each operation as an event, say a failure in status, let a
 * deletion finish, and record the object as converged, waking the namespace's Apps that may wait
 * for it. Each subclass keeps its own observe → plan → execute → record sequence.
 *
 * @param <R> the resource kind
 * @param <S> its status
 */
abstract class EngineObjectReconciler<R extends MooringResource<?, S>, S extends ResourceStatus> implements Reconciler {
    @Inject
    ResourceStore store;
    @Inject
    DockerEngines engines;
    @Inject
    StatusWriter status;
    @Inject
    Controller controller;

    /** A fresh status, for a resource that has none yet. */
    abstract S newStatus();

    /** What an engine failure while running the plan says in status: the default is the engine's message. */
    Failure explain(ResourceKey key, EngineException e) {
        return new Failure("EngineError", e.getMessage());
    }

    /** A failure as status and event show it. */
    record Failure(String reason, String message) {
    }

    S statusOf(R resource) {
        return resource.getStatus() == null ? newStatus() : resource.getStatus();
    }

    /** The engine the resource lives on; a name no engine has fails it for good (until the resource changes). */
    DockerEngine engineOf(ResourceKey key, R resource) {
        try {
            return engines.engine(resource.engineName());
        } catch (DockerEngines.UnknownEngineException e) {
            fail(key, resource, "UnknownEngine", e.getMessage());
            throw new TerminalException(e.getMessage());
        }
    }

    /**
     * The name is taken on the engine by an object Mooring did not create: a deletion goes on (that
     * object is not Mooring's to remove); otherwise the resource fails until someone acts.
     */
    Result nameInUse(ResourceKey key, R resource, NetworkPlanner.NotOwnedException e) {
        fail(key, resource, "NameInUse", e.getMessage());
        if (resource.isDeleting()) {
            return release(key, resource);
        }
        throw new TerminalException(e.getMessage());
    }

    /** Runs the plan, each operation an event of the resource; an engine failure goes into status before it is thrown on. */
    void execute(ResourceKey key, R resource, DockerEngine engine, Plan plan) {
        try {
            PlanExecutor.execute(engine, plan, op -> status.event(key, resource, StatusWriter.NORMAL, PlanExecutor.reason(op), op.describe()));
        } catch (EngineException e) {
            Failure f = explain(key, e);
            fail(key, resource, f.reason(), f.message());
            throw e;
        }
    }

    /** Lets a deletion finish: nothing of Mooring's holds it on the engine any more. */
    Result release(ResourceKey key, R resource) {
        store.removeFinalizer(key, resource.getMetadata().getUid(), MooringResource.FINALIZER);
        return Result.done();
    }

    /**
     * Records the state after a plan ran: Ready when the object exists, Degraded with {@code drift}
     * (null: none). Apps of the namespace are woken when the plan changed something or the object
     * was not ready before: some may wait for it.
     *
     * @param s           the resource's status, its kind's own fields already set
     * @param description what exists, like {@code network shop-net}
     */
    void recordConverged(ResourceKey key, R resource, S s, boolean exists, String description, String drift, boolean changed) {
        boolean wasReady = s.isTrue(Condition.READY);
        s.observedGeneration = resource.getMetadata().getGeneration();
        Instant t = Instant.now();
        s.setCondition(Condition.READY, exists, exists ? "Created" : "Missing", exists ? description + " exists" : "", t);
        s.setCondition(Condition.PROGRESSING, false, "Converged", "", t);
        s.setCondition(Condition.DEGRADED, drift != null, drift != null ? "SpecNotApplicable" : "AsExpected", drift == null ? "" : drift, t);
        status.status(key, resource, s);
        if (changed || !wasReady) {
            store.list(App.class, key.namespace()).forEach(a -> controller.enqueue(new ResourceKey(Kind.App, key.namespace(), a.name())));
        }
    }

    /** The resource is not as wanted, for {@code reason}: in its status (not Ready, Degraded) and as a warning event. */
    void fail(ResourceKey key, R resource, String reason, String message) {
        S s = statusOf(resource);
        s.observedGeneration = resource.getMetadata().getGeneration();
        Instant t = Instant.now();
        s.setCondition(Condition.READY, false, reason, message, t);
        s.setCondition(Condition.DEGRADED, true, reason, message, t);
        status.status(key, resource, s);
        status.event(key, resource, StatusWriter.WARNING, reason, message);
    }
}
