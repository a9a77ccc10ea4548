package dev.mooring.reconcile;

import dev.mooring.docker.ContainerEngine;
import dev.mooring.docker.ContainerSpec;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.SecretMaterial;
import dev.mooring.store.SecretUnavailableException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Performs a plan's operations in order, one Docker call each. It makes no decisions. It is also
 * the one place where Secret values meet a plan: a container's Secret references are resolved
 * into their values right before it is created, and dropped right after.
 */
public final class PlanExecutor {
    /** Resolves a Secret reference into its value, provided the value still has the digest the plan names. */
    @FunctionalInterface
    public interface SecretValues {
        byte[] value(String secret, String key, String digest);
    }

    private static final SecretValues NO_SECRETS = (secret, key, digest) -> {
        throw new IllegalStateException("no Secret values here (asked for Secret " + secret + ")");
    };

    /**
     * Checks the host paths a container mounts right before the engine creates or starts it:
     * the engine follows symlinks in a bind mount's source at each start, so a check at admission
     * alone would let a link swapped in later through (issue 10). Throws to refuse.
     */
    public interface HostMounts {
        /** The container to create: its bind mounts' sources replaced by the paths to hand the engine. */
        ContainerSpec beforeCreate(ContainerSpec spec);

        /** Before an existing container is started (again). */
        void beforeStart(String containerRef);

        HostMounts NONE = new HostMounts() {
            public ContainerSpec beforeCreate(ContainerSpec spec) {
                return spec;
            }

            public void beforeStart(String containerRef) {
            }
        };
    }

    private PlanExecutor() {
    }

    /**
     * Runs every operation; stops at the first failure (the exception names the engine and the
     * call). {@code performed} hears of each operation that succeeded.
     */
    public static void execute(DockerEngine engine, Plan plan, Consumer<Operation> performed) {
        execute(engine, plan, NO_SECRETS, performed);
    }

    /** The same, resolving the Secret values of the containers it creates through {@code secrets}. */
    public static void execute(DockerEngine engine, Plan plan, SecretValues secrets, Consumer<Operation> performed) {
        execute(engine, plan, secrets, HostMounts.NONE, performed);
    }

    /**
     * The same, with every container's host paths checked through {@code mounts}: all of the
     * plan's new containers first, so that a refused one stops the plan before it has stopped or
     * removed anything, then each again right before its create and its start.
     */
    public static void execute(DockerEngine engine, Plan plan, SecretValues secrets, HostMounts mounts, Consumer<Operation> performed) {
        run(plan, mounts, op -> perform(engine, op, secrets, mounts), performed);
    }

    /**
     * The same for a plan of container operations only (an App's), on any {@link ContainerEngine}:
     * the seam the App path's logic is tested through.
     */
    public static void execute(ContainerEngine engine, Plan plan, SecretValues secrets, HostMounts mounts, Consumer<Operation> performed) {
        run(plan, mounts, op -> {
            if (!container(engine, op, secrets, mounts)) {
                throw new IllegalArgumentException("not a container operation: " + op.describe());
            }
        }, performed);
    }

    /** Every new container's host paths checked first, then each operation performed in order. */
    private static void run(Plan plan, HostMounts mounts, Consumer<Operation> perform, Consumer<Operation> performed) {
        for (Operation op : plan.operations()) {
            if (op instanceof Operation.CreateContainer c) {
                mounts.beforeCreate(c.spec());
            }
        }
        for (Operation op : plan.operations()) {
            perform.accept(op);
            performed.accept(op);
        }
    }

    private static void perform(DockerEngine engine, Operation op, SecretValues secrets, HostMounts mounts) {
        if (container(engine, op, secrets, mounts)) {
            return;
        }
        if (op instanceof Operation.CreateNetwork n) {
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

    /** Performs a container operation; false when {@code op} is not one. */
    private static boolean container(ContainerEngine engine, Operation op, SecretValues secrets, HostMounts mounts) {
        if (op instanceof Operation.CreateContainer c) {
            ContainerSpec spec = mounts.beforeCreate(c.spec());
            if (!spec.usesSecrets()) {
                engine.createContainer(spec);
                return true;
            }
            SecretMaterial material = resolve(spec, secrets);
            try {
                engine.createContainer(spec, material);
            } finally {
                material.wipe();
            }
        } else if (op instanceof Operation.StartContainer s) {
            mounts.beforeStart(s.ref());
            engine.startContainer(s.ref());
        } else if (op instanceof Operation.StopContainer s) {
            engine.stopContainer(s.ref(), s.timeoutSeconds());
        } else if (op instanceof Operation.RemoveContainer r) {
            engine.removeContainer(r.ref());
        } else if (op instanceof Operation.RenameContainer r) {
            engine.renameContainer(r.ref(), r.to());
        } else {
            return false;
        }
        return true;
    }

    static SecretMaterial resolve(ContainerSpec spec, SecretValues secrets) {
        List<String> env = new ArrayList<>();
        for (ContainerSpec.SecretEnv e : spec.secretEnv()) {
            byte[] value = secrets.value(e.secret(), e.key(), e.digest());
            env.add(e.name() + "=" + environmentText(value, e));
            java.util.Arrays.fill(value, (byte) 0);
        }
        List<SecretMaterial.FileContent> files = new ArrayList<>();
        try {
            for (ContainerSpec.SecretFile f : spec.secretFiles()) {
                files.add(new SecretMaterial.FileContent(f.path(), secrets.value(f.secret(), f.key(), f.digest()), f.mode(), f.uid(), f.gid()));
            }
        } catch (RuntimeException e) {
            new SecretMaterial(env, files).wipe();
            throw e;
        }
        return new SecretMaterial(env, files);
    }

    /** An environment variable holds text: UTF-8 without NUL. A value that is not is refused, naming where it is from. */
    private static String environmentText(byte[] value, ContainerSpec.SecretEnv e) {
        String why = null;
        String text = null;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
            if (text.indexOf('\0') >= 0) {
                why = "holds a NUL byte";
            }
        } catch (CharacterCodingException ex) {
            why = "is not UTF-8 text";
        }
        if (why != null) {
            throw new SecretUnavailableException("Secret " + e.secret() + " key " + e.key() + " " + why
                    + ", so it cannot be the environment variable " + e.name() + "; use it as a file (spec.secrets)");
        }
        return text;
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
