package dev.mooring.reconcile;

import dev.mooring.api.Kind;
import dev.mooring.api.App;
import dev.mooring.api.Condition;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Network;
import dev.mooring.api.NetworkStatus;
import dev.mooring.control.Controller;
import dev.mooring.control.Reconciler;
import dev.mooring.api.ResourceKey;
import dev.mooring.control.Result;
import dev.mooring.control.TerminalException;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.DockerEngines;
import dev.mooring.docker.EngineException;
import dev.mooring.docker.NetworkCreate;
import dev.mooring.docker.ObservedNetwork;
import dev.mooring.store.ResourceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Optional;

/** Keeps a Network's Docker network in place; Apps that wait for it hear when it is ready. */
@ApplicationScoped
public class NetworkReconciler implements Reconciler {
    private static final Logger LOG = Logger.getLogger(NetworkReconciler.class);

    @Inject
    ResourceStore store;
    @Inject
    DockerEngines engines;
    @Inject
    StatusWriter status;
    @Inject
    Controller controller;

    @Override
    public Kind kind() {
        return Kind.Network;
    }

    @Override
    public Result reconcile(ResourceKey key) {
        Optional<Network> found = store.find(Network.class, key.namespace(), key.name());
        String dockerName = DockerNames.network(key.namespace(), key.name());
        if (found.isEmpty()) {
            removeOrphans(key);
            return Result.done();
        }
        Network net = found.get();
        if (net.isDeleting() && !engines.exists(net.engineName())) {
            // no such engine is configured: nothing Mooring created can be there, so nothing holds the deletion
            store.removeFinalizer(key, net.getMetadata().getUid(), MooringResource.FINALIZER);
            return Result.done();
        }
        DockerEngine engine;
        try {
            engine = engines.engine(net.engineName());
        } catch (DockerEngines.UnknownEngineException e) {
            fail(key, net, "UnknownEngine", e.getMessage());
            throw new TerminalException(e.getMessage());
        }
        ObservedNetwork observed = engine.inspectNetwork(dockerName);
        NetworkCreate desired = net.isDeleting() ? null : NetworkPlanner.desired(net);
        Plan plan;
        try {
            plan = NetworkPlanner.plan(key.namespace(), key.name(), desired, observed);
        } catch (NetworkPlanner.NotOwnedException e) {
            fail(key, net, "NameInUse", e.getMessage());
            if (net.isDeleting()) {
                store.removeFinalizer(key, net.getMetadata().getUid(), MooringResource.FINALIZER);
                return Result.done();
            }
            throw new TerminalException(e.getMessage());
        }
        if (net.isDeleting() && observed != null && !observed.containerIds().isEmpty()) {
            // Detaching containers that Apps still want would only have them replaced and re-attached.
            long managed = observed.containerIds().size();
            String msg = "network " + dockerName + " is in use by " + managed + " containers; delete or change the Apps that use it";
            fail(key, net, "InUse", msg);
            throw new IllegalStateException(msg);
        }
        try {
            PlanExecutor.execute(engine, plan, op -> status.event(key, net, StatusWriter.NORMAL, PlanExecutor.reason(op), op.describe()));
        } catch (EngineException e) {
            fail(key, net, "EngineError", e.getMessage());
            throw e;
        }
        if (net.isDeleting()) {
            store.removeFinalizer(key, net.getMetadata().getUid(), MooringResource.FINALIZER);
            return Result.done();
        }
        ObservedNetwork now = plan.isEmpty() ? observed : engine.inspectNetwork(dockerName);
        NetworkStatus s = net.getStatus() == null ? new NetworkStatus() : net.getStatus();
        boolean wasReady = s.isTrue(Condition.READY);
        s.observedGeneration = net.getMetadata().getGeneration();
        s.dockerName = dockerName;
        s.networkId = now == null ? null : now.id();
        Instant t = Instant.now();
        s.setCondition(Condition.READY, now != null, now != null ? "Created" : "Missing", now != null ? "network " + dockerName + " exists" : "", t);
        s.setCondition(Condition.PROGRESSING, false, "Converged", "", t);
        s.setCondition(Condition.DEGRADED, false, "AsExpected", "", t);
        status.status(key, net, s);
        if (!plan.isEmpty() || !wasReady) {
            wakeApps(key.namespace());
        }
        return Result.done();
    }

    private void wakeApps(String namespace) {
        store.list(App.class, namespace).forEach(a -> controller.enqueue(new ResourceKey(Kind.App, namespace, a.name())));
    }

    private void fail(ResourceKey key, Network net, String reason, String message) {
        NetworkStatus s = net.getStatus() == null ? new NetworkStatus() : net.getStatus();
        s.observedGeneration = net.getMetadata().getGeneration();
        Instant t = Instant.now();
        s.setCondition(Condition.READY, false, reason, message, t);
        s.setCondition(Condition.DEGRADED, true, reason, message, t);
        status.status(key, net, s);
        status.event(key, net, StatusWriter.WARNING, reason, message);
    }

    private void removeOrphans(ResourceKey key) {
        for (DockerEngine engine : engines.all()) {
            try {
                for (ObservedNetwork n : engine.listNetworks(NetworkPlanner.ownerLabels(key.namespace(), key.name()))) {
                    ObservedNetwork full = engine.inspectNetwork(n.id());
                    if (full == null) {
                        continue;
                    }
                    Plan plan = NetworkPlanner.plan(key.namespace(), key.name(), null, full);
                    LOG.infof("%s is gone; removing orphan network %s on engine %s", key, n.name(), engine.name());
                    PlanExecutor.execute(engine, plan, op -> LOG.infof("%s: %s", key, op.describe()));
                }
            } catch (EngineException e) {
                LOG.debugf("engine %s: orphan sweep of %s failed: %s", engine.name(), key, e.getMessage());
            }
        }
    }
}
