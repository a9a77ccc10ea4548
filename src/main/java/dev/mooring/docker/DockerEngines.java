package dev.mooring.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.mooring.api.Engines;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The engines Mooring knows, by name. */
@ApplicationScoped
public class DockerEngines {
    @Inject
    EngineConfig config;
    @Inject
    MeterRegistry meters;
    /**
     * Connections per engine client. Above {@link #CALL_THREADS}, so that calls stuck past their
     * deadline (at most one per call thread) never take the connections other Apps' calls need.
     */
    static final int MAX_CONNECTIONS = 64;
    /** Threads per engine that run its calls under deadlines ({@link EngineCalls}). */
    static final int CALL_THREADS = 32;

    /** Deadline of each ordinary Docker call (create, start, inspect, remove, ...); also the socket's read timeout. */
    @ConfigProperty(name = "mooring.docker.call-timeout", defaultValue = "60s")
    Duration callTimeout;
    /** Deadline of an image pull or push, which moves whole images. */
    @ConfigProperty(name = "mooring.docker.pull-timeout", defaultValue = "10m")
    Duration pullTimeout;
    @ConfigProperty(name = "mooring.instance", defaultValue = "mooring")
    String instance;
    /** The API's cap on open streams (StreamLimiter): the stream client's pool holds them all, besides the event streams. */
    @ConfigProperty(name = "mooring.streams.max", defaultValue = "64")
    int maxStreams;

    private final Map<String, DockerEngine> engines = new LinkedHashMap<>();

    @PostConstruct
    void init() {
        String localHost = Optional.ofNullable(System.getenv("DOCKER_HOST")).filter(s -> !s.isBlank())
                .orElse("unix:///var/run/docker.sock");
        if (!config.engines().containsKey(Engines.LOCAL)) {
            engines.put(Engines.LOCAL, connect(Engines.LOCAL, localHost, Optional.empty(), Optional.empty()));
        }
        config.engines().forEach((name, e) -> engines.put(name, connect(name, e.host(), e.tlsVerify(), e.certPath())));
    }

    private DockerEngine connect(String name, String host, Optional<Boolean> tlsVerify, Optional<String> certPath) {
        var builder = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host);
        tlsVerify.ifPresent(builder::withDockerTlsVerify);
        certPath.ifPresent(builder::withDockerCertPath);
        var cfg = builder.build();
        return new DockerEngine(name, host, instance, client(cfg, callTimeout, MAX_CONNECTIONS), client(cfg, null, maxStreams + 16), meters, callTimeout, pullTimeout);
    }

    private static DockerClient client(DefaultDockerClientConfig cfg, Duration responseTimeout, int maxConnections) {
        var http = new ApacheDockerHttpClient.Builder().dockerHost(cfg.getDockerHost()).sslConfig(cfg.getSSLConfig())
                .maxConnections(maxConnections).connectionTimeout(Duration.ofSeconds(5));
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        return DockerClientImpl.getInstance(cfg, http.build());
    }

    /** The engine by name; an unknown name is an error the user sees in status. */
    public DockerEngine engine(String name) {
        DockerEngine e = engines.get(name == null ? Engines.LOCAL : name);
        if (e == null) {
            throw new UnknownEngineException(name, engines.keySet());
        }
        return e;
    }

    public boolean exists(String name) {
        return engines.containsKey(name);
    }

    public Collection<DockerEngine> all() {
        return engines.values();
    }

    void close(@Observes ShutdownEvent ev) {
        engines.values().forEach(DockerEngine::close);
    }

    public static class UnknownEngineException extends RuntimeException {
        public UnknownEngineException(String name, Collection<String> known) {
            super("engine \"" + name + "\" is not configured (known: " + String.join(", ", known)
                    + "); set mooring.engines." + name + ".host");
        }
    }
}
