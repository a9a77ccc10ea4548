package dev.mooring.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import dev.mooring.api.Labels;
import dev.mooring.api.ResourceKey;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.Closeable;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One Docker engine, as the rest of Mooring sees it: a handful of calls in Mooring's own types.
 * Every call is counted by operation ({@code mooring.docker.api.calls}) and has a deadline
 * ({@link EngineCalls}): one that does not answer in time fails with {@link EngineTimeoutException}.
 * Streams (events, logs, builds) go through a second client without a response timeout.
 * <p>
 * This is the one facade of the package; each concern is a class of its own behind it, all
 * calling through one {@link EngineClient}: {@link ContainerReads} and {@link ContainerWrites}
 * (with {@link ContainerMapping} between Mooring's types and docker-java's), {@link Images},
 * {@link ImageBuilder}, {@link ContainerLogs}, {@link Networks}, {@link Volumes} and
 * {@link EngineEvents}. What observes the engine (lists and inspects) is kept apart from what
 * changes it, so that the watched view of the engine ({@link WatchedContainers}) answers the
 * reads once {@link EngineEventWatcher} follows the engine.
 * <p>
 * <b>A read never shows a view older than Mooring's own last write.</b> Each container write below
 * updates the view before it returns: a look at that container (one list call, taken after the
 * write answered, see {@link ContainerView}) after a create, start, stop or rename, the container
 * dropped after a removal. A write that fails without an answer makes the view stale, so the next
 * read fails as an engine that does not answer rather than showing what the write may have changed.
 */
public class DockerEngine implements ContainerEngine {
    private final EngineClient engine;
    private final ContainerReads containerReads;
    private final WatchedContainers watched;
    private final ContainerWrites containerWrites;
    private final Images images;
    private final ImageBuilder builder;
    private final ContainerLogs logs;
    private final Networks networks;
    private final Volumes volumes;
    private final EngineEvents events;

    public DockerEngine(String name, String host, String instance, DockerClient client, DockerClient streams, MeterRegistry meters) {
        this(name, host, instance, client, streams, meters, Duration.ofSeconds(60), Duration.ofMinutes(10));
    }

    /** An engine whose calls get {@code callTimeout}, pulls and pushes {@code pullTimeout}. */
    public DockerEngine(String name, String host, String instance, DockerClient client, DockerClient streams, MeterRegistry meters,
                        Duration callTimeout, Duration pullTimeout) {
        this.engine = new EngineClient(name, host, instance, client, streams, meters, callTimeout, pullTimeout);
        this.containerReads = new ContainerReads(engine);
        this.watched = new WatchedContainers(name, containerReads, System::nanoTime);
        this.images = new Images(engine);
        this.containerWrites = new ContainerWrites(engine, images);
        this.builder = new ImageBuilder(engine);
        this.logs = new ContainerLogs(engine);
        this.networks = new Networks(engine);
        this.volumes = new Volumes(engine);
        this.events = new EngineEvents(engine);
    }

    public String name() {
        return engine.name;
    }

    public String host() {
        return engine.host;
    }

    // ---- containers --------------------------------------------------------------------

    /**
     * All containers (running or not) of this Mooring instance carrying every given label, as the
     * watched view holds them (the engine's answer while nothing follows it).
     * @throws EngineException with no HTTP status when the view is stale (the engine does not answer)
     */
    public List<ObservedContainer> listContainers(Map<String, String> labels) {
        return watched.list(labels);
    }

    /**
     * The source of each of a container's mounts, in their order: the host path of a bind mount,
     * null for any other type (the engine resolves a bind's source again at every start).
     */
    public List<String> bindMountSources(String id) {
        return containerReads.bindMountSources(id);
    }

    /** Creates (does not start) a container and attaches it to all its networks; returns its id. */
    public String createContainer(ContainerSpec spec) {
        return createContainer(spec, SecretMaterial.NONE);
    }

    /**
     * Creates (does not start) a container with its Secret values: environment variables at
     * creation, files uploaded into it before anything can start it. A container whose files
     * cannot be written is removed again, so none ever runs without them.
     */
    public String createContainer(ContainerSpec spec, SecretMaterial secrets) {
        String id;
        try {
            id = containerWrites.create(spec, secrets);
        } catch (EngineException e) {
            watched.writeFailed(spec.name(), e); // a create that failed half-way (a network not connected) may have left it
            throw e;
        }
        watched.refresh(id);
        return id;
    }

    public void startContainer(String id) {
        written(id, () -> containerWrites.start(id));
    }

    public void stopContainer(String id, Integer timeoutSeconds) {
        written(id, () -> containerWrites.stop(id, timeoutSeconds));
    }

    public void removeContainer(String id) {
        try {
            containerWrites.remove(id);
        } catch (EngineException e) {
            watched.writeFailed(id, e);
            throw e;
        }
        watched.removed(id);
    }

    public void renameContainer(String id, String newName) {
        written(id, () -> containerWrites.rename(id, newName));
    }

    /** A write to one container, then the view updated from a look at it (or made stale), before returning. */
    private void written(String ref, Runnable write) {
        try {
            write.run();
        } catch (EngineException e) {
            watched.writeFailed(ref, e);
            throw e;
        }
        watched.refresh(ref);
    }

    /**
     * Streams a container's output to the consumer as docker logs gives it, until the stream ends
     * (or, with follow, until the returned handle is closed). Closing ends the engine connection
     * at once, even before the engine has answered.
     */
    public Closeable logs(String containerId, Integer tail, Integer sinceEpochSeconds, boolean follow, boolean timestamps,
                          Consumer<byte[]> out, Runnable onEnd) {
        return logs.stream(containerId, tail, sinceEpochSeconds, follow, timestamps, out, onEnd);
    }

    // ---- images ------------------------------------------------------------------------

    public void pull(String image) {
        images.pull(image);
    }

    /** The ID of the image a reference names on this engine, or null when the engine does not have it. */
    public String imageId(String reference) {
        return images.id(reference);
    }

    /**
     * The labels of the image a reference names on this engine (empty when it has none), or null
     * when the engine does not have it.
     */
    public Map<String, String> imageLabels(String reference) {
        return images.labels(reference);
    }

    /** What a build was asked to do, in engine terms. */
    public record BuildRequest(String dockerfile, Map<String, String> args, String target, Set<String> tags, Map<String, String> labels) {
    }

    /** A build that failed: the step it failed at (like {@code Step 3/4 : RUN false}) and the engine's error. */
    public static class BuildFailedException extends RuntimeException {
        private final String step;

        public BuildFailedException(String step, String message, Throwable cause) {
            super(message, cause);
            this.step = step;
        }

        /** The step that failed, or null when the build failed before any step ran. */
        public String step() {
            return step;
        }
    }

    /**
     * Builds an image from a context tar on this engine (never pulling base images) and tags it;
     * answers the image ID. Each line of the build's output goes to {@code log}.
     * @throws BuildFailedException when a step fails or the Dockerfile is invalid
     */
    public String buildImage(InputStream contextTar, BuildRequest request, Consumer<String> log) {
        return builder.build(contextTar, request, log);
    }

    /** Removes every image of this instance carrying all the given labels (with all their tags); answers how many. */
    public int removeImages(Map<String, String> labels) {
        return images.removeAll(labels);
    }

    /** Gives an image another name ({@code repository:tag}). */
    public void tagImage(String imageId, String reference) {
        images.tag(imageId, reference);
    }

    /** Pushes {@code repository:tag} to its registry, with credentials when given (null: anonymous). */
    public void pushImage(String reference, String username, String password) {
        images.push(reference, username, password);
    }

    // ---- networks ----------------------------------------------------------------------

    public List<ObservedNetwork> listNetworks(Map<String, String> labels) {
        return networks.list(labels);
    }

    /** The network with its attached containers, or null when there is none by that name. */
    public ObservedNetwork inspectNetwork(String nameOrId) {
        return networks.inspect(nameOrId);
    }

    public String createNetwork(NetworkCreate n) {
        return networks.create(n);
    }

    public void disconnect(String networkId, String containerId) {
        written(containerId, () -> networks.disconnect(networkId, containerId));
    }

    public void removeNetwork(String id) {
        networks.remove(id);
    }

    // ---- volumes -----------------------------------------------------------------------

    /** The volume by name, or null when there is none. */
    public ObservedVolume inspectVolume(String volumeName) {
        return volumes.inspect(volumeName);
    }

    public List<ObservedVolume> listVolumes(Map<String, String> labels) {
        return volumes.list(labels);
    }

    public ObservedVolume createVolume(VolumeCreate v) {
        return volumes.create(v);
    }

    public void removeVolume(String volumeName) {
        volumes.remove(volumeName);
    }

    // ---- engine ------------------------------------------------------------------------

    public void ping() {
        engine.call("ping", () -> engine.client.pingCmd().exec());
    }

    /** Subscribes to image events (tag, pull, load, ...): a tag may now name another image. */
    public Closeable watchImageEvents(long sinceEpochSeconds, ResultCallback<Event> callback) {
        return events.images(sinceEpochSeconds, callback);
    }

    /** Subscribes to events of Mooring's containers since the given unix time; the callback gets each one. */
    public Closeable watchEvents(long sinceEpochSeconds, ResultCallback<Event> callback) {
        return events.containers(sinceEpochSeconds, callback);
    }

    /** From now on the engine's event stream feeds its watched view, and reads answer from the view. */
    void follow() {
        watched.follow();
    }

    /** One full list of the engine's containers into the view; answers the owners whose containers changed. */
    Set<ResourceKey> relistContainers() {
        return watched.relist();
    }

    /** An event of one container: the view looks at it again; answers whether it changed. */
    boolean containerEvent(String id) {
        return watched.refresh(id);
    }

    /** Calls of this engine still running past their deadline (their callers have moved on). */
    public int overdueCalls() {
        return engine.overdue();
    }

    void close() {
        engine.close();
    }

    /** Owner keys of everything this engine carries with Mooring's labels (for resync and orphan sweeps). */
    public Set<Map<String, String>> ownerLabels() {
        Set<Map<String, String>> owners = new HashSet<>();
        for (ObservedContainer c : listContainers(Map.of(Labels.MANAGED, "true"))) {
            owners.add(owner(c.labels()));
        }
        for (ObservedNetwork n : listNetworks(Map.of(Labels.MANAGED, "true"))) {
            owners.add(owner(n.labels()));
        }
        return owners;
    }

    private static Map<String, String> owner(Map<String, String> labels) {
        Map<String, String> o = new HashMap<>();
        o.put(Labels.KIND, labels.get(Labels.KIND));
        o.put(Labels.NAMESPACE, labels.get(Labels.NAMESPACE));
        o.put(Labels.NAME, labels.get(Labels.NAME));
        return o;
    }
}
