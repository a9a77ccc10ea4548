package dev.mooring.reconcile;

import dev.mooring.api.Kind;
import dev.mooring.api.Network;
import dev.mooring.api.NetworkStatus;
import dev.mooring.api.ResourceKey;
import dev.mooring.control.Result;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.EngineException;
import dev.mooring.docker.ObservedNetwork;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Optional;

/** Keeps a Network's Docker network in place; Apps that wait for it hear when it is ready. */
@ApplicationScoped
public class NetworkReconciler extends EngineObjectReconciler<Network, NetworkStatus> {
    private static final Logger LOG = Logger.getLogger(NetworkReconciler.class);

    @Override
    public Kind kind() {
        return Kind.Network;
    }

    @Override
    NetworkStatus newStatus() {
        return new NetworkStatus();
    }

    @Override
    public Result reconcile(ResourceKey key) {
        Optional<Network> found = store.find(Network.class, key.namespace(), key.name());
        if (found.isEmpty()) {
            removeOrphans(key);
            return Result.done();
        }
        Network net = found.get();
        if (net.isDeleting() && !engines.exists(net.engineName())) {
            // no such engine is configured: nothing Mooring created can be there, so nothing holds the deletion
            return release(key, net);
        }
        DockerEngine engine = engineOf(key, net);
        String dockerName = DockerNames.network(key.namespace(), key.name());
        ObservedNetwork observed = engine.inspectNetwork(dockerName);
        Plan plan;
        try {
            plan = NetworkPlanner.plan(key.namespace(), key.name(), net.isDeleting() ? null : NetworkPlanner.desired(net), observed);
        } catch (NetworkPlanner.NotOwnedException e) {
            return nameInUse(key, net, e);
        }
        if (net.isDeleting() && observed != null && !observed.containerIds().isEmpty()) {
            throw inUse(key, net, dockerName, observed);
        }
        execute(key, net, engine, plan);
        if (net.isDeleting()) {
            return release(key, net);
        }
        ObservedNetwork now = plan.isEmpty() ? observed : engine.inspectNetwork(dockerName);
        NetworkStatus s = statusOf(net);
        s.dockerName = dockerName;
        s.networkId = now == null ? null : now.id();
        recordConverged(key, net, s, now != null, "network " + dockerName, null, !plan.isEmpty());
        return Result.done();
    }

    /**
     * A deleted Network whose network still has containers waits for them: detaching containers
     * that Apps still want would only have them replaced and re-attached.
     */
    private IllegalStateException inUse(ResourceKey key, Network net, String dockerName, ObservedNetwork observed) {
        String msg = "network " + dockerName + " is in use by " + observed.containerIds().size()
                + " containers; delete or change the Apps that use it";
        fail(key, net, "InUse", msg);
        return new IllegalStateException(msg);
    }

    /** The Network is gone from the store: networks still labelled as its own, on any engine, are removed. */
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
