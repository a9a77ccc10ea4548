package dev.mooring.reconcile;

import dev.mooring.docker.DockerEngine;

import java.util.function.Consumer;

/** Performs a plan's operations in order, one Docker call each. It makes no decisions. */
public final class PlanExecutor {
    private PlanExecutor() {
    }

    /**
     * Runs every operation; stops at the first failure (the exception names the engine and the
     * call). {@code performed} hears of each operation that succeeded.
     */
    public static void execute(DockerEngine engine, Plan plan, Consumer<Operation> performed) {
        for (Operation op : plan.operations()) {
            perform(engine, op);
            performed.accept(op);
        }
    }

    private static void perform(DockerEngine engine, Operation op) {
        if (op instanceof Operation.CreateContainer c) {
            engine.createContainer(c.spec());
        } else if (op instanceof Operation.StartContainer s) {
            engine.startContainer(s.ref());
        } else if (op instanceof Operation.StopContainer s) {
            engine.stopContainer(s.ref(), s.timeoutSeconds());
        } else if (op instanceof Operation.RemoveContainer r) {
            engine.removeContainer(r.ref());
        } else if (op instanceof Operation.RenameContainer r) {
            engine.renameContainer(r.ref(), r.to());
        } else if (op instanceof Operation.CreateNetwork n) {
            engine.createNetwork(n.network());
        } else if (op instanceof Operation.DisconnectNetwork d) {
            engine.disconnect(d.networkRef(), d.containerId());
        } else if (op instanceof Operation.RemoveNetwork n) {
            engine.removeNetwork(n.ref());
        } else if (op instanceof Operation.CreateVolume v) {
            engine.createVolume(v.volume());
        } else if (op instanceof Operation.RemoveVolume v) {
            engine.removeVolume(v.name());
        } else {
            throw new IllegalArgumentException("unknown operation " + op);
        }
    }

    /** The event reason for an operation that was performed. */
    public static String reason(Operation op) {
        String type = op.getClass().getSimpleName();
        if (type.startsWith("Create")) {
            return "Created";
        }
        if (type.startsWith("Start")) {
            return "Started";
        }
        if (type.startsWith("Stop")) {
            return "Stopped";
        }
        if (type.startsWith("Remove")) {
            return "Removed";
        }
        if (type.startsWith("Rename")) {
            return "Renamed";
        }
        return "Disconnected";
    }
}
