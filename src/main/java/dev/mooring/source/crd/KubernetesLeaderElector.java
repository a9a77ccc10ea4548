package dev.mooring.source.crd;

import dev.mooring.control.LeaderElection;
import dev.mooring.control.LeaderElector;
import dev.mooring.control.Leadership;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Leader election among replicas in a cluster: fabric8's LeaderElector on a
 * {@code coordination.k8s.io/v1} Lease named {@code mooring.leader-election.lease-name} in the
 * pod's namespace ({@code mooring.leader-election.namespace}, else the namespace the client is
 * configured for). Identity: the pod name (HOSTNAME) and a random suffix. After losing the lease
 * it campaigns again; on shutdown it releases the lease so a successor starts at once.
 */
@ApplicationScoped
public class KubernetesLeaderElector implements LeaderElector {
    private static final Logger LOG = Logger.getLogger(KubernetesLeaderElector.class);

    @Inject
    Instance<KubernetesClient> clients;
    @ConfigProperty(name = "mooring.leader-election.namespace")
    Optional<String> namespace;

    private volatile boolean stopping;
    private volatile CompletableFuture<?> running;

    @Override
    public String mode() {
        return "kubernetes";
    }

    @Override
    public void start(Leadership leadership, LeaderElection.Settings s) {
        KubernetesClient client = clients.get();
        String ns = namespace.filter(n -> !n.isBlank()).orElseGet(() -> Optional.ofNullable(client.getNamespace()).orElse("default"));
        String identity = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("mooring") + "-" + UUID.randomUUID().toString().substring(0, 8);
        var config = new LeaderElectionConfigBuilder()
                .withName("mooring")
                .withLock(new LeaseLock(ns, s.leaseName(), identity))
                .withLeaseDuration(s.leaseDuration())
                .withRenewDeadline(s.renewDeadline())
                .withRetryPeriod(s.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(leadership::acquired, leadership::lost,
                        leader -> LOG.infof("leader election (kubernetes): the leader is %s", leader)))
                .build();
        LOG.infof("leader election (kubernetes): Lease %s/%s, identity %s, lease %s, renew deadline %s, retry %s",
                ns, s.leaseName(), identity, s.leaseDuration(), s.renewDeadline(), s.retryPeriod());
        campaign(client, config);
    }

    private void campaign(KubernetesClient client, io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig config) {
        if (stopping) {
            return;
        }
        CompletableFuture<?> f = client.leaderElector().withConfig(config).build().start();
        running = f;
        // Leadership lost (or the elector failed): campaign again, as a follower.
        f.whenComplete((v, e) -> {
            if (e != null && !stopping) {
                LOG.warnf("leader election (kubernetes): %s", e.toString());
            }
            campaign(client, config);
        });
    }

    @Override
    public void stop() {
        stopping = true;
        CompletableFuture<?> f = running;
        if (f != null) {
            f.cancel(true);
        }
    }
}
