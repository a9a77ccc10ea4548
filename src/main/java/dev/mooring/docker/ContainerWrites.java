package dev.mooring.docker;

import java.io.ByteArrayInputStream;
import java.util.Arrays;

/**
 * Changes to an engine's containers: create (with Secret material and every network), start,
 * stop, rename, remove. Starting one already running, or stopping or removing one already gone,
 * is the wanted outcome and no failure.
 */
final class ContainerWrites {
    private final EngineClient engine;
    private final Images images;

    ContainerWrites(EngineClient engine, Images images) {
        this.engine = engine;
        this.images = images;
    }

    /**
     * Creates (does not start) a container with its Secret values: environment variables at
     * creation, files uploaded into it before anything can start it. A container whose files
     * cannot be written is removed again, so none ever runs without them. An image the engine
     * does not have is pulled once.
     */
    String create(ContainerSpec spec, SecretMaterial secrets) {
        String id;
        try {
            id = createOnly(spec, secrets);
        } catch (EngineException e) {
            if (!e.notFound() || !e.getMessage().toLowerCase().contains("image")) {
                throw e;
            }
            images.pull(spec.image());
            id = createOnly(spec, secrets);
        }
        if (!secrets.files().isEmpty()) {
            uploadOrRemove(id, secrets);
        }
        connectOtherNetworks(id, spec);
        return id;
    }

    private String createOnly(ContainerSpec spec, SecretMaterial secrets) {
        return engine.call("container.create", () -> ContainerMapping.createCommand(engine.client, spec,
                engine.mine(spec.labels()), secrets.env()).exec().getId());
    }

    /** Writes the Secret files into the container; on failure, removes the container. The archive is wiped after use. */
    private void uploadOrRemove(String id, SecretMaterial secrets) {
        try {
            byte[] tar = SecretArchive.of(secrets.files());
            try {
                engine.call("container.archive", () -> engine.client.copyArchiveToContainerCmd(id).withRemotePath("/")
                        .withNoOverwriteDirNonDir(true).withTarInputStream(new ByteArrayInputStream(tar)).exec());
            } finally {
                Arrays.fill(tar, (byte) 0);
            }
        } catch (RuntimeException e) {
            try {
                remove(id);
            } catch (RuntimeException removal) {
                e.addSuppressed(removal);
            }
            throw e;
        }
    }

    /** The engine creates a container in one network; the others, with their aliases, are connected after. */
    private void connectOtherNetworks(String id, ContainerSpec spec) {
        for (int i = 1; i < spec.networks().size(); i++) {
            ContainerSpec.NetworkAttach n = spec.networks().get(i);
            engine.call("network.connect", () -> engine.client.connectToNetworkCmd().withNetworkId(n.network()).withContainerId(id)
                    .withContainerNetwork(ContainerMapping.endpoint(n)).exec());
        }
    }

    void start(String id) {
        try {
            engine.call("container.start", () -> engine.client.startContainerCmd(id).exec());
        } catch (EngineException e) {
            if (e.httpStatus != 304) {
                throw e;
            }
        }
    }

    void stop(String id, Integer timeoutSeconds) {
        try {
            engine.call("container.stop", () -> {
                var cmd = engine.client.stopContainerCmd(id);
                if (timeoutSeconds != null) {
                    cmd.withTimeout(timeoutSeconds);
                }
                return cmd.exec();
            });
        } catch (EngineException e) {
            if (e.httpStatus != 304 && !e.notFound()) {
                throw e;
            }
        }
    }

    /** Removes a container (forcibly, keeping its volumes). */
    void remove(String id) {
        EngineClient.ignoringAbsent(() -> engine.call("container.remove",
                () -> engine.client.removeContainerCmd(id).withForce(true).withRemoveVolumes(false).exec()));
    }

    void rename(String id, String newName) {
        engine.call("container.rename", () -> engine.client.renameContainerCmd(id).withName(newName).exec());
    }
}
