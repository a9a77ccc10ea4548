package dev.mooring.control;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/**
 * Chooses and starts the leader election ({@code mooring.leader-election.mode}):
 * <ul>
 *   <li>{@code none}: this instance leads at once (one instance per store);</li>
 *   <li>{@code database}: instances on one PostgreSQL elect one through the leader_lease table;</li>
 *   <li>{@code kubernetes}: replicas in a cluster elect one through a coordination.k8s.io Lease;</li>
 *   <li>{@code auto} (default): {@code database} on PostgreSQL, {@code none} on the embedded H2
 *       (which one process holds anyway).</li>
 * </ul>
 * Timing as in client-go: the leader renews every {@code retry-period} and gives up leading when
 * it could not renew for {@code renew-deadline}; the others take over once the lease has not been
 * renewed for {@code lease-duration}. A leader that stops cleanly releases the lease.
 */
@ApplicationScoped
public class LeaderElection {
    @Inject
    Leadership leadership;
    @Inject
    Instance<LeaderElector> electors;

    @ConfigProperty(name = "mooring.leader-election.mode", defaultValue = "auto")
    String mode;
    @ConfigProperty(name = "mooring.store.kind", defaultValue = "h2")
    String storeKind;
    @ConfigProperty(name = "mooring.instance", defaultValue = "mooring")
    String instance;
    @ConfigProperty(name = "mooring.leader-election.lease-name", defaultValue = "mooring")
    String leaseName;
    @ConfigProperty(name = "mooring.leader-election.lease-duration", defaultValue = "15s")
    Duration leaseDuration;
    @ConfigProperty(name = "mooring.leader-election.renew-deadline", defaultValue = "10s")
    Duration renewDeadline;
    @ConfigProperty(name = "mooring.leader-election.retry-period", defaultValue = "2s")
    Duration retryPeriod;

    private LeaderElector active;

    /** What every elector needs; {@code instance} keys the election, so installations never compete. */
    public record Settings(String instance, String leaseName, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    }

    public synchronized void start() {
        String chosen = "auto".equals(mode) ? ("postgresql".equals(storeKind) ? "database" : "none") : mode;
        leadership.mode(chosen);
        if ("none".equals(chosen)) {
            leadership.acquired();
            return;
        }
        if (!(leaseDuration.compareTo(renewDeadline) > 0 && renewDeadline.compareTo(retryPeriod) > 0)) {
            throw new IllegalArgumentException("mooring.leader-election: lease-duration (" + leaseDuration + ") must exceed renew-deadline ("
                    + renewDeadline + "), which must exceed retry-period (" + retryPeriod + ")");
        }
        for (LeaderElector e : electors) {
            if (e.mode().equals(chosen)) {
                active = e;
                e.start(leadership, new Settings(instance, leaseName, leaseDuration, renewDeadline, retryPeriod));
                return;
            }
        }
        throw new IllegalArgumentException("mooring.leader-election.mode: \"" + mode + "\" is not one of auto, none, database, kubernetes");
    }

    void stop(@Observes ShutdownEvent ev) {
        LeaderElector e;
        synchronized (this) {
            e = active;
            active = null;
        }
        if (e != null) {
            e.stop();
        }
    }
}
