package dev.mooring.reconcile;

import dev.mooring.docker.ObservedContainer;

import java.util.ArrayList;
import java.util.List;

/** The operations {@link AppPlanner} emits for one replica: create, replace, swap a start-first pair, rename, remove. */
final class ReplicaOps {
    private ReplicaOps() {
    }

    /** The new replica of a start-first pair takes the old one's place: the old goes, the new takes its name. */
    static void swap(List<Operation> ops, ObservedContainer keeper, List<ObservedContainer> stale, String name, int r,
                     DesiredApp desired, Integer stop) {
        for (ObservedContainer old : stale) {
            remove(ops, old, stop, "replaced by " + keeper.name() + ": " + AppPlanner.staleness(desired, old));
        }
        rename(ops, keeper, name, r);
    }

    /** A replica running an older configuration is replaced: stop-first, or start-first beside the old one. */
    static void replace(List<Operation> ops, DesiredApp desired, AppPlanner.Pending p) {
        Integer stop = desired.stopTimeoutSeconds();
        String next = DockerNames.next(desired.namespace(), desired.name(), p.replica());
        if (desired.update().startFirst() && desired.running() && !p.old().name().equals(next)) {
            ops.add(new Operation.CreateContainer(desired.container(next, p.replica()), "replaces " + p.old().name() + ": " + p.why()));
            ops.add(new Operation.StartContainer(next, next, "start-first: runs beside " + p.old().name() + " until ready"));
            return;
        }
        if (p.old().isRunning()) {
            ops.add(new Operation.StopContainer(p.old().id(), p.old().name(), stopGrace(p.old(), stop), "replaced: " + p.why()));
        }
        ops.add(new Operation.RemoveContainer(p.old().id(), p.old().name(), "replaced: " + p.why()));
        create(ops, desired, p.name(), p.replica(), "replaces " + p.old().name() + ": " + p.why(), "replacement of replica " + p.replica());
    }

    /**
     * A container with Secret files that was created but never started may have been left between
     * its creation and the upload of its files (Mooring stopped in between): it is removed and made
     * again rather than started, so no process ever starts without its files.
     */
    static List<ObservedContainer> dropUnstarted(List<Operation> ops, List<ObservedContainer> candidates, Integer stop) {
        List<ObservedContainer> kept = new ArrayList<>();
        for (ObservedContainer c : candidates) {
            if ("created".equals(c.state())) {
                remove(ops, c, stop, "created but never started; its secret files may be missing");
            } else {
                kept.add(c);
            }
        }
        return kept;
    }

    static void create(List<Operation> ops, DesiredApp desired, String name, int r, String why, String startWhy) {
        ops.add(new Operation.CreateContainer(desired.container(name, r), why));
        if (desired.running()) {
            ops.add(new Operation.StartContainer(name, name, startWhy));
        }
    }

    static void rename(List<Operation> ops, ObservedContainer c, String name, int r) {
        if (!c.name().equals(name)) {
            ops.add(new Operation.RenameContainer(c.id(), c.name(), name, "replica " + r + " has a temporary name"));
        }
    }

    static void remove(List<Operation> ops, ObservedContainer c, Integer stop, String why) {
        if (c.isRunning()) {
            ops.add(new Operation.StopContainer(c.id(), c.name(), stopGrace(c, stop), why));
        }
        ops.add(new Operation.RemoveContainer(c.id(), c.name(), why));
    }

    /** The container's own stop grace (its label, from the spec it was made from), else the desired one. */
    static Integer stopGrace(ObservedContainer c, Integer desired) {
        String label = c.label(dev.mooring.api.Labels.STOP_GRACE);
        if (label != null) {
            try {
                return Integer.valueOf(label);
            } catch (NumberFormatException ignored) {
                // not ours to interpret: fall back
            }
        }
        return desired;
    }
}
