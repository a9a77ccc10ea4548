package dev.mooring.docker;

import java.util.List;
import java.util.Map;

/**
 * What the App path asks of an engine: its containers listed by labels, the image a reference
 * names, and the container calls a plan is made of. The seam between {@code reconcile} and
 * {@code docker}, so that reconciler logic can be tested over an in-memory fake;
 * {@link DockerEngine} is the real one.
 */
public interface ContainerEngine {
    String name();

    List<ObservedContainer> listContainers(Map<String, String> labels);

    /** The ID of the image a reference names on this engine, or null when it has none. Never pulls. */
    String imageId(String reference);

    String createContainer(ContainerSpec spec);

    String createContainer(ContainerSpec spec, SecretMaterial secrets);

    void startContainer(String id);

    void stopContainer(String id, Integer timeoutSeconds);

    void removeContainer(String id);

    void renameContainer(String id, String newName);
}
