package dev.mooring.control;

import dev.mooring.store.LeaseStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Leader election through the database, for instances outside Kubernetes that share one
 * PostgreSQL: the lease row {@code controller/<mooring.instance>} in {@link LeaseStore}.
 * <p>
 * Like client-go's elector it never compares clocks of different machines: a candidate notes
 * when, on its own monotonic clock, it last saw the lease's version move, and takes the lease
 * over (compare-and-set on that version) once it has not moved for the lease duration. The
 * leader renews every retry period and stops leading as soon as a renewal is refused (someone
 * took over) or it has not managed one for the renew deadline, which is shorter than the lease
 * duration, so it has stopped before anyone may take over. Failover after a crash therefore takes
 * between lease-duration and lease-duration + 2 × retry-period.
 */
@ApplicationScoped
public class DatabaseLeaderElector implements LeaderElector {
    private static final Logger LOG = Logger.getLogger(DatabaseLeaderElector.class);

    @Inject
    LeaseStore leases;

    private final String identity = newIdentity();
    private ScheduledExecutorService timer;
    private Leadership leadership;
    private LeaderElection.Settings settings;
    private String name;
    // Only the timer thread touches these.
    private long observedVersion = -1;
    private long observedAt;
    private long lastRenewal;

    @Override
    public String mode() {
        return "database";
    }

    @Override
    public synchronized void start(Leadership leadership, LeaderElection.Settings settings) {
        this.leadership = leadership;
        this.settings = settings;
        this.name = "controller/" + settings.instance();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mooring-leader-election");
            t.setDaemon(true);
            return t;
        });
        LOG.infof("leader election (database): lease %s, identity %s, lease %s, renew deadline %s, retry %s",
                name, identity, settings.leaseDuration(), settings.renewDeadline(), settings.retryPeriod());
        timer.scheduleWithFixedDelay(this::tick, 0, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (leadership.isLeader()) {
            leadership.lost();
            try {
                leases.release(name, identity);
                LOG.infof("leader election (database): released lease %s", name);
            } catch (RuntimeException e) {
                LOG.warnf("leader election (database): could not release lease %s: %s", name, e.toString());
            }
        }
        timer = null;
    }

    public String identity() {
        return identity;
    }

    void tick() {
        long now = System.nanoTime();
        try {
            if (leadership.isLeader()) {
                if (leases.renew(name, identity)) {
                    lastRenewal = now;
                } else {
                    LOG.warnf("leader election (database): lease %s was taken over", name);
                    leadership.lost();
                }
                return;
            }
            Optional<LeaseStore.Lease> lease = leases.read(name);
            if (lease.isEmpty()) {
                leases.create(name, identity);
                won(now, "created");
                return;
            }
            LeaseStore.Lease l = lease.get();
            if (l.version() != observedVersion) {
                observedVersion = l.version();
                observedAt = now;
            }
            boolean free = l.holder() == null || l.holder().equals(identity);
            boolean expired = Duration.ofNanos(now - observedAt).compareTo(settings.leaseDuration()) >= 0;
            if ((free || expired) && leases.takeOver(name, identity, l.version())) {
                won(now, free ? "free" : "expired, held by " + l.holder());
            }
        } catch (RuntimeException e) {
            // A store that does not answer: keep leading only while the lease cannot have run out.
            LOG.debugf("leader election (database): %s", e.toString());
            if (leadership.isLeader() && Duration.ofNanos(now - lastRenewal).compareTo(settings.renewDeadline()) >= 0) {
                LOG.warnf("leader election (database): could not renew lease %s for %s: %s", name, settings.renewDeadline(), e.toString());
                leadership.lost();
            }
        }
    }

    private void won(long now, String how) {
        lastRenewal = now;
        LOG.infof("leader election (database): acquired lease %s (%s)", name, how);
        leadership.acquired();
    }

    private static String newIdentity() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
