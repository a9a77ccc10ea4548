package dev.mooring.control;

/**
 * One way of electing the leader among Mooring instances that share a store: through the
 * database ({@link DatabaseLeaderElector}) or a Kubernetes Lease
 * ({@code dev.mooring.source.crd.KubernetesLeaderElector}). It calls
 * {@link Leadership#acquired()} and {@link Leadership#lost()}.
 */
public interface LeaderElector {
    /** The value of {@code mooring.leader-election.mode} that selects it. */
    String mode();

    void start(Leadership leadership, LeaderElection.Settings settings);

    /** Stops campaigning and releases the lease if held (on shutdown). */
    void stop();
}
