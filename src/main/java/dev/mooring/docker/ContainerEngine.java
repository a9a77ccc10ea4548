package dev.mooring.docker;

/**
 * What the App path asks of an engine: what it reads ({@link EngineView}: containers listed by
 * labels, the image a reference names) and the container calls a plan is made of. The seam
 * between {@code reconcile} and {@code docker}, so that reconciler logic can be tested over an
 * in-memory fake; {@link DockerEngine} is the real one.
 */
public interface ContainerEngine extends EngineView {
    String createContainer(ContainerSpec spec);

    String createContainer(ContainerSpec spec, SecretMaterial secrets);

    void startContainer(String id);

    void stopContainer(String id, Integer timeoutSeconds);

    void removeContainer(String id);

    void renameContainer(String id, String newName);
}
