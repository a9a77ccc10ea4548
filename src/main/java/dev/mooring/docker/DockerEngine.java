package dev.mooring.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.TmpfsOptions;
import dev.mooring.api.Labels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Docker engine, as the rest of Mooring sees it: a handful of calls in Mooring's own types.
 * Every call is counted by operation ({@code mooring.docker.api.calls}) and has a deadline
 * ({@link EngineCalls}): one that does not answer in time fails with {@link EngineTimeoutException}.
 * Streams (events, logs, builds) go through a second client without a response timeout.
 */
public class DockerEngine implements ContainerEngine {
    private static final Pattern DOCKER_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"(.*)\"");

    private final String name;
    private final String host;
    private final String instance;
    private final DockerClient client;
    private final DockerClient streams;
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();
    private final EngineCalls calls;

    public DockerEngine(String name, String host, String instance, DockerClient client, DockerClient streams, MeterRegistry meters) {
        this(name, host, instance, client, streams, meters, Duration.ofSeconds(60), Duration.ofMinutes(10));
    }

    /** An engine whose calls get {@code callTimeout}, pulls and pushes {@code pullTimeout}. */
    public DockerEngine(String name, String host, String instance, DockerClient client, DockerClient streams, MeterRegistry meters,
                        Duration callTimeout, Duration pullTimeout) {
        this.name = name;
        this.host = host;
        this.instance = instance;
        this.client = client;
        this.streams = streams;
        this.meters = meters;
        this.calls = new EngineCalls(name, callTimeout, pullTimeout, DockerEngines.CALL_THREADS, meters);
    }

    public String name() {
        return name;
    }

    public String host() {
        return host;
    }

    // ---- containers --------------------------------------------------------------------

    /** All containers (running or not) of this Mooring instance carrying every given label. */
    public List<ObservedContainer> listContainers(Map<String, String> labels) {
        Map<String, String> filter = mine(labels);
        List<Container> found = call("container.list", () -> client.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec());
        List<ObservedContainer> out = new ArrayList<>(found.size());
        for (Container c : found) {
            String cname = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].replaceFirst("^/", "");
            Set<String> nets = c.getNetworkSettings() == null || c.getNetworkSettings().getNetworks() == null
                    ? Set.of() : new HashSet<>(c.getNetworkSettings().getNetworks().keySet());
            out.add(new ObservedContainer(c.getId(), cname, c.getLabels() == null ? Map.of() : c.getLabels(),
                    c.getState(), ObservedContainer.healthFromStatus(c.getStatus()), nets,
                    c.getCreated() == null ? 0 : c.getCreated(), c.getImageId(), c.getStatus(), ports(c)));
        }
        return out;
    }

    private static List<String> ports(Container c) {
        List<String> out = new ArrayList<>();
        if (c.getPorts() != null) {
            for (var p : c.getPorts()) {
                if (p.getPublicPort() != null) {
                    out.add((p.getIp() == null ? "" : p.getIp() + ":") + p.getPublicPort() + "->" + p.getPrivatePort() + "/" + p.getType());
                }
            }
        }
        out.sort(null);
        return out;
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
            id = call("container.create", () -> build(spec, secrets.env()).exec().getId());
        } catch (EngineException e) {
            if (!e.notFound() || !e.getMessage().toLowerCase().contains("image")) {
                throw e;
            }
            pull(spec.image());
            id = call("container.create", () -> build(spec, secrets.env()).exec().getId());
        }
        if (!secrets.files().isEmpty()) {
            String cid = id;
            try {
                byte[] tar = SecretArchive.of(secrets.files());
                try {
                    call("container.archive", () -> client.copyArchiveToContainerCmd(cid).withRemotePath("/")
                            .withNoOverwriteDirNonDir(true).withTarInputStream(new java.io.ByteArrayInputStream(tar)).exec());
                } finally {
                    java.util.Arrays.fill(tar, (byte) 0);
                }
            } catch (RuntimeException e) {
                try {
                    removeContainer(cid);
                } catch (RuntimeException removal) {
                    e.addSuppressed(removal);
                }
                throw e;
            }
        }
        for (int i = 1; i < spec.networks().size(); i++) {
            ContainerSpec.NetworkAttach n = spec.networks().get(i);
            String cid = id;
            call("network.connect", () -> client.connectToNetworkCmd().withNetworkId(n.network()).withContainerId(cid)
                    .withContainerNetwork(new ContainerNetwork().withAliases(n.aliases())).exec());
        }
        return id;
    }

    private CreateContainerCmd build(ContainerSpec spec, List<String> secretEnv) {
        CreateContainerCmd cmd = client.createContainerCmd(spec.image()).withName(spec.name()).withLabels(mine(spec.labels()));
        if (spec.command() != null) {
            cmd.withCmd(spec.command());
        }
        if (spec.entrypoint() != null) {
            cmd.withEntrypoint(spec.entrypoint());
        }
        if (secretEnv.isEmpty()) {
            cmd.withEnv(spec.env());
        } else {
            List<String> env = new ArrayList<>(spec.env());
            env.addAll(secretEnv);
            cmd.withEnv(env);
        }
        if (spec.workingDir() != null) {
            cmd.withWorkingDir(spec.workingDir());
        }
        if (spec.user() != null) {
            cmd.withUser(spec.user());
        }
        if (spec.stopSignal() != null) {
            cmd.withStopSignal(spec.stopSignal());
        }
        if (spec.stopTimeoutSeconds() != null) {
            cmd.withStopTimeout(spec.stopTimeoutSeconds());
        }
        HostConfig hc = HostConfig.newHostConfig();
        if (!spec.ports().isEmpty()) {
            Ports bindings = new Ports();
            List<ExposedPort> exposed = new ArrayList<>();
            for (ContainerSpec.PortBinding p : spec.ports()) {
                ExposedPort ep = new ExposedPort(p.containerPort(), InternetProtocol.parse(p.protocol()));
                exposed.add(ep);
                if (p.hostPort() != null || p.hostIp() != null) {
                    bindings.bind(ep, new Ports.Binding(p.hostIp(), p.hostPort() == null ? null : p.hostPort().toString()));
                }
            }
            cmd.withExposedPorts(exposed);
            hc.withPortBindings(bindings);
        }
        List<Mount> mounts = new ArrayList<>();
        for (ContainerSpec.MountSpec m : spec.mounts()) {
            Mount mount = new Mount().withTarget(m.target()).withReadOnly(m.readOnly());
            switch (m.type()) {
                case "volume" -> mount.withType(MountType.VOLUME).withSource(m.source());
                case "bind" -> mount.withType(MountType.BIND).withSource(m.source());
                case "tmpfs" -> {
                    mount.withType(MountType.TMPFS);
                    if (m.tmpfsSizeBytes() != null) {
                        mount.withTmpfsOptions(new TmpfsOptions().withSizeBytes(m.tmpfsSizeBytes()));
                    }
                }
                default -> throw new IllegalArgumentException("mount type " + m.type());
            }
            mounts.add(mount);
        }
        if (!mounts.isEmpty()) {
            hc.withMounts(mounts);
        }
        if (!spec.networks().isEmpty()) {
            hc.withNetworkMode(spec.networks().get(0).network());
            List<String> aliases = spec.networks().get(0).aliases();
            if (aliases != null && !aliases.isEmpty()) {
                cmd.withAliases(aliases);
            }
        }
        if (spec.nanoCpus() != null) {
            hc.withNanoCPUs(spec.nanoCpus());
        }
        if (spec.memoryBytes() != null) {
            hc.withMemory(spec.memoryBytes());
        }
        if (spec.security() != null) {
            security(hc, spec.security());
        }
        hc.withRestartPolicy(switch (spec.restartPolicy()) {
            case "no" -> RestartPolicy.noRestart();
            case "always" -> RestartPolicy.alwaysRestart();
            case "on-failure" -> RestartPolicy.onFailureRestart(0);
            default -> RestartPolicy.unlessStoppedRestart();
        });
        cmd.withHostConfig(hc);
        if (spec.healthcheck() != null) {
            ContainerSpec.HealthSpec h = spec.healthcheck();
            cmd.withHealthcheck(new HealthCheck().withTest(h.test()).withInterval(h.intervalNanos())
                    .withTimeout(h.timeoutNanos()).withRetries(h.retries()).withStartPeriod(h.startPeriodNanos()));
        }
        return cmd;
    }

    /** Privileges, host namespaces, capabilities and devices, as the App declared them (and admission let them through). */
    private static void security(HostConfig hc, ContainerSpec.Security s) {
        if (s.privileged()) {
            hc.withPrivileged(true);
        }
        if (s.networkMode() != null) {
            hc.withNetworkMode(s.networkMode());
        }
        if (s.pidMode() != null) {
            hc.withPidMode(s.pidMode());
        }
        if (s.ipcMode() != null) {
            hc.withIpcMode(s.ipcMode());
        }
        if (!s.capAdd().isEmpty()) {
            hc.withCapAdd(s.capAdd().stream().map(Capability::valueOf).toArray(Capability[]::new));
        }
        if (!s.capDrop().isEmpty()) {
            hc.withCapDrop(s.capDrop().stream().map(Capability::valueOf).toArray(Capability[]::new));
        }
        if (!s.devices().isEmpty()) {
            hc.withDevices(s.devices().stream().map(d -> new Device(d.permissions(), d.containerPath(), d.hostPath())).toList());
        }
        if (s.readOnlyRootFilesystem()) {
            hc.withReadonlyRootfs(true);
        }
        if (s.noNewPrivileges()) {
            hc.withSecurityOpts(List.of("no-new-privileges:true"));
        }
    }

    public void pull(String image) {
        call("image.pull", () -> {
            QuietPull pull = client.pullImageCmd(image).exec(new QuietPull());
            try {
                pull.awaitCompletion();
            } catch (InterruptedException e) {
                closeQuietly(pull);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pulling " + image, e);
            } catch (RuntimeException e) {
                if (pull.error == null) {
                    throw e;
                }
            }
            if (pull.error != null) {
                throw pull.error instanceof RuntimeException r ? r : new IllegalStateException(pull.error.getMessage(), pull.error);
            }
            return null;
        });
    }

    /**
     * A pull whose failure is an answer, not a log entry: docker-java's callbacks log every error
     * with its stack trace, which a pull retried every minute (imagePullPolicy Always, registry down)
     * turned into a trace a minute (issue 10).
     */
    private static final class QuietPull extends com.github.dockerjava.api.command.PullImageResultCallback {
        volatile Throwable error;

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            closeQuietly(this);
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (java.io.IOException | RuntimeException ignored) {
            // closing a finished or failed call: nothing more to do
        }
    }

    /** The ID of the image a reference names on this engine, or null when the engine does not have it. */
    public String imageId(String reference) {
        try {
            return call("image.inspect", () -> client.inspectImageCmd(reference).exec().getId());
        } catch (EngineException e) {
            if (e.notFound()) {
                return null;
            }
            throw e;
        }
    }

    /**
     * The labels of the image a reference names on this engine (empty when it has none), or null
     * when the engine does not have it.
     */
    public Map<String, String> imageLabels(String reference) {
        try {
            return call("image.inspect", () -> {
                var config = client.inspectImageCmd(reference).exec().getConfig();
                return config == null || config.getLabels() == null ? Map.<String, String>of() : Map.copyOf(config.getLabels());
            });
        } catch (EngineException e) {
            if (e.notFound()) {
                return null;
            }
            throw e;
        }
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
    public String buildImage(java.io.InputStream contextTar, BuildRequest request, Consumer<String> log) {
        count("image.build");
        String[] step = new String[1];
        String[] error = new String[1];
        var cmd = streams.buildImageCmd(contextTar).withDockerfilePath(request.dockerfile()).withPull(false)
                .withRemove(true).withForcerm(true).withTags(request.tags()).withLabels(mine(request.labels()));
        request.args().forEach(cmd::withBuildArg);
        if (request.target() != null) {
            cmd.withTarget(request.target());
        }
        var callback = new com.github.dockerjava.api.command.BuildImageResultCallback() {
            @Override
            public void onNext(com.github.dockerjava.api.model.BuildResponseItem item) {
                if (item.getStream() != null) {
                    for (String line : item.getStream().split("\n")) {
                        if (line.startsWith("Step ")) {
                            step[0] = line.strip();
                        }
                        if (!line.isBlank()) {
                            log.accept(line);
                        }
                    }
                }
                if (item.isErrorIndicated()) {
                    error[0] = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                            ? item.getErrorDetail().getMessage() : item.getError();
                    log.accept("ERROR: " + error[0]);
                }
                super.onNext(item);
            }
        };
        try {
            return cmd.exec(callback).awaitImageId(30, TimeUnit.MINUTES);
        } catch (RuntimeException e) {
            String message = error[0] != null ? error[0] : e instanceof DockerException de ? dockerMessage(de) : rootMessage(e);
            throw new BuildFailedException(step[0], message, e);
        }
    }

    /** Removes every image of this instance carrying all the given labels (with all their tags); answers how many. */
    public int removeImages(Map<String, String> labels) {
        var images = call("image.list", () -> client.listImagesCmd().withLabelFilter(mine(labels)).exec());
        int removed = 0;
        for (var image : images) {
            try {
                call("image.remove", () -> client.removeImageCmd(image.getId()).withForce(true).exec());
                removed++;
            } catch (EngineException e) {
                if (!e.notFound()) {
                    throw e;
                }
            }
        }
        return removed;
    }

    /** Gives an image another name ({@code repository:tag}). */
    public void tagImage(String imageId, String reference) {
        int colon = reference.lastIndexOf(':');
        String repository = colon > reference.lastIndexOf('/') ? reference.substring(0, colon) : reference;
        String tag = colon > reference.lastIndexOf('/') ? reference.substring(colon + 1) : "latest";
        call("image.tag", () -> client.tagImageCmd(imageId, repository, tag).withForce(true).exec());
    }

    /** Pushes {@code repository:tag} to its registry, with credentials when given (null: anonymous). */
    public void pushImage(String reference, String username, String password) {
        int colon = reference.lastIndexOf(':');
        String repository = reference.substring(0, colon);
        String tag = reference.substring(colon + 1);
        call("image.push", () -> {
            var cmd = streams.pushImageCmd(repository).withTag(tag);
            if (username != null) {
                cmd.withAuthConfig(new com.github.dockerjava.api.model.AuthConfig().withUsername(username).withPassword(password)
                        .withRegistryAddress(repository.substring(0, repository.indexOf('/'))));
            }
            String[] error = new String[1];
            try {
                cmd.exec(new ResultCallback.Adapter<com.github.dockerjava.api.model.PushResponseItem>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.PushResponseItem item) {
                        if (item.isErrorIndicated() && error[0] == null) {
                            error[0] = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                                    ? item.getErrorDetail().getMessage() : item.getError();
                        }
                    }
                }).awaitCompletion(30, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pushing " + reference, e);
            }
            if (error[0] != null) {
                throw new EngineException("image.push of " + reference + " on engine " + name + ": " + error[0], 0, null);
            }
            return null;
        });
    }

    /**
     * The source of each of a container's mounts, in their order: the host path of a bind mount,
     * null for any other type (the engine resolves a bind's source again at every start).
     */
    public List<String> bindMountSources(String id) {
        var hc = call("container.inspect", () -> client.inspectContainerCmd(id).exec()).getHostConfig();
        List<String> out = new ArrayList<>();
        if (hc != null && hc.getMounts() != null) {
            hc.getMounts().forEach(m -> out.add(m.getType() == MountType.BIND ? m.getSource() : null));
        }
        return out;
    }

    public void startContainer(String id) {
        try {
            call("container.start", () -> client.startContainerCmd(id).exec());
        } catch (EngineException e) {
            if (e.httpStatus != 304) {
                throw e;
            }
        }
    }

    public void stopContainer(String id, Integer timeoutSeconds) {
        try {
            call("container.stop", () -> {
                var cmd = client.stopContainerCmd(id);
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

    public void removeContainer(String id) {
        try {
            call("container.remove", () -> client.removeContainerCmd(id).withForce(true).withRemoveVolumes(false).exec());
        } catch (EngineException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    public void renameContainer(String id, String newName) {
        call("container.rename", () -> client.renameContainerCmd(id).withName(newName).exec());
    }

    /**
     * Streams a container's output to the consumer as docker logs gives it, until the stream ends
     * (or, with follow, until the returned handle is closed). Closing ends the engine connection
     * at once, even before the engine has answered (docker-java's own close forgets a stream that
     * has not started, which then runs on until the container goes: issue 10).
     */
    public Closeable logs(String containerId, Integer tail, Integer sinceEpochSeconds, boolean follow, boolean timestamps,
                          Consumer<byte[]> out, Runnable onEnd) {
        var cmd = streams.logContainerCmd(containerId).withStdOut(true).withStdErr(true)
                .withFollowStream(follow).withTimestamps(timestamps);
        if (tail != null) {
            cmd.withTail(tail);
        }
        if (sinceEpochSeconds != null) {
            cmd.withSince(sinceEpochSeconds);
        }
        count("container.logs");
        return cmd.exec(new ResultCallback.Adapter<Frame>() {
            private volatile boolean cancelled;
            private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

            @Override
            public void onStart(Closeable stream) {
                super.onStart(stream);
                if (cancelled) {
                    closeQuietly();
                }
            }

            @Override
            public void onNext(Frame frame) {
                out.accept(frame.getPayload());
            }

            @Override
            public void onComplete() {
                super.onComplete();
                end();
            }

            @Override
            public void onError(Throwable throwable) {
                if (!cancelled) {
                    super.onError(throwable);
                }
                end();
            }

            @Override
            public void close() throws IOException {
                cancelled = true;
                super.close();
                end();
            }

            private void closeQuietly() {
                try {
                    super.close();
                } catch (IOException | RuntimeException ignored) {
                    // the connection is gone either way
                }
            }

            private void end() {
                if (ended.compareAndSet(false, true)) {
                    onEnd.run();
                }
            }
        });
    }

    // ---- networks ----------------------------------------------------------------------

    public List<ObservedNetwork> listNetworks(Map<String, String> labels) {
        List<String> filter = mine(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        var found = call("network.list", () -> client.listNetworksCmd().withFilter("label", filter).exec());
        return found.stream().map(n -> new ObservedNetwork(n.getId(), n.getName(),
                n.getLabels() == null ? Map.of() : n.getLabels(), Set.of())).toList();
    }

    /** The network with its attached containers, or null when there is none by that name. */
    public ObservedNetwork inspectNetwork(String nameOrId) {
        try {
            var n = call("network.inspect", () -> client.inspectNetworkCmd().withNetworkId(nameOrId).exec());
            var ipam = n.getIpam() == null || n.getIpam().getConfig() == null || n.getIpam().getConfig().isEmpty()
                    ? null : n.getIpam().getConfig().get(0);
            NetworkCreate settings = new NetworkCreate(n.getName(), n.getDriver(), Boolean.TRUE.equals(n.getInternal()),
                    Boolean.TRUE.equals(n.isAttachable()), ipam == null ? null : ipam.getSubnet(), ipam == null ? null : ipam.getGateway(),
                    n.getLabels() == null ? Map.of() : n.getLabels());
            return new ObservedNetwork(n.getId(), n.getName(), foreignUnmanaged(n.getLabels()),
                    n.getContainers() == null ? Set.of() : new HashSet<>(n.getContainers().keySet()), settings);
        } catch (EngineException e) {
            if (e.notFound()) {
                return null;
            }
            throw e;
        }
    }

    public String createNetwork(NetworkCreate n) {
        return call("network.create", () -> {
            var cmd = client.createNetworkCmd().withName(n.name()).withDriver(n.driver()).withInternal(n.internal())
                    .withAttachable(n.attachable()).withLabels(mine(n.labels())).withCheckDuplicate(true);
            if (n.subnet() != null) {
                var cfg = new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet(n.subnet());
                if (n.gateway() != null) {
                    cfg.withGateway(n.gateway());
                }
                cmd.withIpam(new com.github.dockerjava.api.model.Network.Ipam().withConfig(cfg));
            }
            return cmd.exec().getId();
        });
    }

    public void disconnect(String networkId, String containerId) {
        try {
            call("network.disconnect", () -> client.disconnectFromNetworkCmd().withNetworkId(networkId)
                    .withContainerId(containerId).withForce(true).exec());
        } catch (EngineException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    public void removeNetwork(String id) {
        try {
            call("network.remove", () -> client.removeNetworkCmd(id).exec());
        } catch (EngineException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    // ---- volumes -----------------------------------------------------------------------

    /** The volume by name, or null when there is none. */
    public ObservedVolume inspectVolume(String volumeName) {
        try {
            InspectVolumeResponse v = call("volume.inspect", () -> client.inspectVolumeCmd(volumeName).exec());
            return new ObservedVolume(v.getName(), v.getDriver(), foreignUnmanaged(v.getLabels()), v.getMountpoint(), v.getOptions());
        } catch (EngineException e) {
            if (e.notFound()) {
                return null;
            }
            throw e;
        }
    }

    public List<ObservedVolume> listVolumes(Map<String, String> labels) {
        List<String> filter = mine(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        var found = call("volume.list", () -> client.listVolumesCmd().withFilter("label", filter).exec());
        if (found.getVolumes() == null) {
            return List.of();
        }
        return found.getVolumes().stream().map(v -> new ObservedVolume(v.getName(), v.getDriver(),
                v.getLabels() == null ? Map.of() : v.getLabels(), v.getMountpoint())).toList();
    }

    public ObservedVolume createVolume(VolumeCreate v) {
        var r = call("volume.create", () -> client.createVolumeCmd().withName(v.name()).withDriver(v.driver())
                .withDriverOpts(v.driverOpts()).withLabels(mine(v.labels())).exec());
        return new ObservedVolume(r.getName(), r.getDriver(), r.getLabels() == null ? Map.of() : r.getLabels(), r.getMountpoint());
    }

    public void removeVolume(String volumeName) {
        try {
            call("volume.remove", () -> client.removeVolumeCmd(volumeName).exec());
        } catch (EngineException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    // ---- engine ------------------------------------------------------------------------

    public void ping() {
        call("ping", () -> client.pingCmd().exec());
    }

    /** Subscribes to image events (tag, pull, load, ...): a tag may now name another image. */
    public Closeable watchImageEvents(long sinceEpochSeconds, ResultCallback<Event> callback) {
        count("events");
        return streams.eventsCmd().withSince(Long.toString(sinceEpochSeconds)).withEventTypeFilter("image").exec(callback);
    }

    /** Subscribes to events of Mooring's containers since the given unix time; the callback gets each one. */
    public Closeable watchEvents(long sinceEpochSeconds, ResultCallback<Event> callback) {
        count("events");
        return streams.eventsCmd()
                .withSince(Long.toString(sinceEpochSeconds))
                .withLabelFilter(Map.of(Labels.MANAGED, "true", Labels.INSTANCE, instance))
                .withEventTypeFilter("container")
                .exec(callback);
    }

    /** The labels plus this instance's label: what Mooring sets on, and filters by, everything it owns. */
    private Map<String, String> mine(Map<String, String> labels) {
        Map<String, String> m = new java.util.LinkedHashMap<>(labels);
        m.put(Labels.INSTANCE, instance);
        return m;
    }

    /** Labels of an object found by name: one another Mooring instance owns is reported as not managed. */
    private Map<String, String> foreignUnmanaged(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        if (instance.equals(labels.get(Labels.INSTANCE))) {
            return labels;
        }
        Map<String, String> m = new HashMap<>(labels);
        m.remove(Labels.MANAGED);
        return m;
    }

    private void count(String operation) {
        counters.computeIfAbsent(operation, op -> Counter.builder("mooring.docker.api.calls")
                .description("Docker API calls Mooring made, by operation")
                .tag("operation", op).tag("engine", name).register(meters)).increment();
    }

    /** Calls of this engine still running past their deadline (their callers have moved on). */
    public int overdueCalls() {
        return calls.overdue();
    }

    private <T> T call(String operation, Supplier<T> body) {
        count(operation);
        return calls.run(operation, () -> translated(operation, body));
    }

    /** The body's docker-java failures as {@link EngineException}s with the engine's message. */
    private <T> T translated(String operation, Supplier<T> body) {
        try {
            return body.get();
        } catch (NotModifiedException e) {
            throw new EngineException(operation + ": not modified", 304, e);
        } catch (DockerException e) {
            EngineMessages.Plain plain = EngineMessages.plain(operation, name, dockerMessage(e));
            throw new EngineException(plain.message(), e.getHttpStatus(), plain.reason(), e);
        } catch (RuntimeException e) {
            if (e instanceof EngineException) {
                throw e;
            }
            throw new EngineException(operation + " on engine " + name + " (" + host + "): " + rootMessage(e), 0, e);
        }
    }

    private void call(String operation, Runnable body) {
        call(operation, () -> {
            body.run();
            return null;
        });
    }

    private static String dockerMessage(DockerException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        Matcher matcher = DOCKER_MESSAGE.matcher(m);
        // Docker's message arrives JSON-escaped inside the exception text: unescape its quotes for people.
        return (matcher.find() ? matcher.group(1) : m.trim()).replace("\\\"", "\"");
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    void close() {
        calls.close();
        try {
            client.close();
            streams.close();
        } catch (Exception ignored) {
            // closing on shutdown: nothing to do about a failure
        }
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
