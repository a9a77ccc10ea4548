package dev.mooring.reconcile;

import dev.mooring.docker.ObservedContainer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides, without I/O, which container operations bring an App's observed containers to the
 * desired state:
 * <ul>
 *   <li>a missing replica is created (and started unless the App is Stopped);</li>
 *   <li>a replica whose config hash differs is replaced: create under a temporary name, stop and
 *       remove the old one, rename the new one, start it (compose's recreate);</li>
 *   <li>a replica that matches is kept: started if it stopped, never restarted needlessly;</li>
 *   <li>duplicates of a replica (left by a crash mid-replace) go, keeping the best one;</li>
 *   <li>surplus replicas go, highest number first.</li>
 * </ul>
 */
public final class AppPlanner {
    private AppPlanner() {
    }

    public static Plan plan(DesiredApp desired, List<ObservedContainer> observed) {
        List<Operation> ops = new ArrayList<>();
        Map<Integer, List<ObservedContainer>> byReplica = new TreeMap<>();
        for (ObservedContainer c : observed) {
            byReplica.computeIfAbsent(c.replica(), r -> new ArrayList<>()).add(c);
        }
        Integer stop = desired.stopTimeoutSeconds();

        // Surplus and unnumbered replicas first, highest number first: they free names and ports.
        List<Integer> surplus = byReplica.keySet().stream().filter(r -> r < 1 || r > desired.replicas())
                .sorted(Comparator.reverseOrder()).toList();
        for (int r : surplus) {
            String why = r < 1 ? "no valid replica number" : desired.replicas() == 0 && desired.template() == null
                    ? "owner is gone" : "scale down to " + desired.replicas() + " replicas";
            for (ObservedContainer c : byReplica.get(r)) {
                remove(ops, c, stop, why);
            }
        }

        for (int r = 1; r <= desired.replicas(); r++) {
            String name = DockerNames.container(desired.namespace(), desired.name(), r);
            List<ObservedContainer> candidates = new ArrayList<>(byReplica.getOrDefault(r, List.of()));
            if (candidates.isEmpty()) {
                ops.add(new Operation.CreateContainer(desired.container(name, r), "missing replica " + r));
                if (desired.running()) {
                    ops.add(new Operation.StartContainer(name, name, "new replica " + r));
                }
                continue;
            }
            candidates.sort(best(desired, name));
            ObservedContainer keeper = candidates.get(0);
            for (ObservedContainer extra : candidates.subList(1, candidates.size())) {
                remove(ops, extra, stop, "duplicate of replica " + r);
            }
            String stale = staleness(desired, keeper);
            if (stale != null) {
                String next = DockerNames.next(desired.namespace(), desired.name(), r);
                String current = keeper.name();
                if (current.equals(next)) {
                    // A replacement left under the temporary name (its pass died before the rename)
                    // that is stale itself: creating the new one under that name would conflict on
                    // every pass, so give the leftover the canonical name first.
                    ops.add(new Operation.RenameContainer(keeper.id(), next, name, "frees the temporary name " + next));
                    current = name;
                }
                ops.add(new Operation.CreateContainer(desired.container(next, r), "replaces " + current + ": " + stale));
                ops.add(new Operation.StopContainer(keeper.id(), current, stop, "replaced: " + stale));
                ops.add(new Operation.RemoveContainer(keeper.id(), current, "replaced: " + stale));
                ops.add(new Operation.RenameContainer(next, next, name, "takes the place of the replaced container"));
                if (desired.running()) {
                    ops.add(new Operation.StartContainer(name, name, "replacement of replica " + r));
                }
                continue;
            }
            if (!keeper.name().equals(name)) {
                ops.add(new Operation.RenameContainer(keeper.id(), keeper.name(), name, "replica " + r + " has a temporary name"));
            }
            if (desired.running() && !keeper.isRunning()) {
                ops.add(new Operation.StartContainer(keeper.id(), name, "container is " + keeper.state() + ", should run"));
            } else if (!desired.running() && keeper.isRunning()) {
                ops.add(new Operation.StopContainer(keeper.id(), name, stop, "desiredState is Stopped"));
            }
        }
        return new Plan(ops);
    }

    /** Why the container cannot stay as it is, or null when it matches the desired template. */
    static String staleness(DesiredApp desired, ObservedContainer c) {
        if (!desired.configHash().equals(c.configHash())) {
            return "config hash changed (" + ConfigHash.shortForm(c.configHash()) + " -> " + ConfigHash.shortForm(desired.configHash()) + ")";
        }
        if ("dead".equals(c.state())) {
            return "container is dead";
        }
        for (String network : desired.networkNames()) {
            if (!c.networks().contains(network)) {
                return "not attached to network " + network;
            }
        }
        return null;
    }

    /** Order of preference among containers of one replica: up to date, running, canonical name, newest. */
    private static Comparator<ObservedContainer> best(DesiredApp desired, String canonical) {
        return Comparator.<ObservedContainer>comparingInt(c -> staleness(desired, c) == null ? 0 : 1)
                .thenComparingInt(c -> c.isRunning() ? 0 : 1)
                .thenComparingInt(c -> c.name().equals(canonical) ? 0 : 1)
                .thenComparing(Comparator.comparingLong(ObservedContainer::createdEpochSeconds).reversed())
                .thenComparing(ObservedContainer::id);
    }

    private static void remove(List<Operation> ops, ObservedContainer c, Integer stop, String why) {
        if (c.isRunning()) {
            ops.add(new Operation.StopContainer(c.id(), c.name(), stop, why));
        }
        ops.add(new Operation.RemoveContainer(c.id(), c.name(), why));
    }
}
