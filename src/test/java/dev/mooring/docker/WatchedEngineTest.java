package dev.mooring.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.mooring.api.Kind;
import dev.mooring.api.Labels;
import dev.mooring.api.ResourceKey;
import dev.mooring.testing.DockerCli;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watched view on the real engine, with no event stream feeding it (as if the stream were cut
 * for the whole test): what changes by hand is seen only at the next relist, and Mooring's own
 * writes are read at once. Its containers carry an instance label of their own, so nothing else
 * on the shared engine is in its view.
 */
class WatchedEngineTest {
    final String instance = "view-test-" + UUID.randomUUID().toString().substring(0, 8);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    DockerEngine engine;

    static final ResourceKey WEB = new ResourceKey(Kind.App, "vt", "web");

    @BeforeEach
    void connect() {
        String host = Optional.ofNullable(System.getenv("DOCKER_HOST")).filter(s -> !s.isBlank()).orElse("unix:///var/run/docker.sock");
        var cfg = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        engine = new DockerEngine("local", host, instance, client(cfg, Duration.ofSeconds(30)), client(cfg, null), meters);
        engine.follow();
        assertThat(engine.relistContainers()).isEmpty();
    }

    static DockerClient client(DefaultDockerClientConfig cfg, Duration timeout) {
        var http = new ApacheDockerHttpClient.Builder().dockerHost(cfg.getDockerHost()).sslConfig(cfg.getSSLConfig()).maxConnections(8);
        if (timeout != null) {
            http.responseTimeout(timeout);
        }
        return DockerClientImpl.getInstance(cfg, http.build());
    }

    @AfterEach
    void clean() {
        String ids = DockerCli.run("ps", "-aq", "--filter", "label=" + Labels.INSTANCE + "=" + instance);
        if (!ids.isBlank()) {
            DockerCli.run(("rm -f " + ids.replace('\n', ' ')).split(" "));
        }
        engine.close();
    }

    private String byHand(String name) {
        return DockerCli.run("run", "-d", "--name", name, "--label", Labels.MANAGED + "=true", "--label", Labels.INSTANCE + "=" + instance,
                "--label", Labels.KIND + "=App", "--label", Labels.NAMESPACE + "=vt", "--label", Labels.NAME + "=web",
                "--label", Labels.REPLICA + "=1", DockerCli.IMAGE, "sleep", "600");
    }

    private List<ObservedContainer> web() {
        return engine.listContainers(Map.of(Labels.NAMESPACE, "vt", Labels.NAME, "web"));
    }

    private double calls() {
        return meters.find("mooring.docker.api.calls").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void changesTheStreamNeverToldAreCaughtByTheNextRelist() {
        String id = byHand(instance + "-web-1");
        assertThat(web()).as("no event reached the view").isEmpty();
        assertThat(engine.relistContainers()).containsExactly(WEB);
        assertThat(web()).extracting(ObservedContainer::id, ObservedContainer::state).containsExactly(org.assertj.core.groups.Tuple.tuple(id, "running"));

        DockerCli.run("kill", id);
        assertThat(web()).extracting(ObservedContainer::state).containsExactly("running");
        assertThat(engine.relistContainers()).containsExactly(WEB);
        assertThat(web()).extracting(ObservedContainer::state).containsExactly("exited");

        DockerCli.run("rm", "-f", id);
        assertThat(engine.relistContainers()).containsExactly(WEB);
        assertThat(web()).isEmpty();
        assertThat(engine.relistContainers()).as("nothing changed since").isEmpty();
    }

    @Test
    void ownWritesAreReadAtOnceAndReadsCostNoCall() {
        ContainerSpec spec = new ContainerSpec(instance + "-web-1", DockerCli.IMAGE, List.of("sleep", "600"), null, List.of(), null, null,
                Map.of(Labels.MANAGED, "true", Labels.KIND, "App", Labels.NAMESPACE, "vt", Labels.NAME, "web", Labels.REPLICA, "1"),
                List.of(), List.of(), List.of(), null, null, null, "no", null, null);
        String id = engine.createContainer(spec);
        assertThat(web()).extracting(ObservedContainer::id, ObservedContainer::state).containsExactly(org.assertj.core.groups.Tuple.tuple(id, "created"));
        engine.startContainer(spec.name()); // by name, as a plan starts a container it just created
        assertThat(web()).extracting(ObservedContainer::state).containsExactly("running");
        engine.renameContainer(id, instance + "-web-1-old");
        assertThat(web()).extracting(ObservedContainer::name).containsExactly(instance + "-web-1-old");
        engine.stopContainer(id, 1);
        assertThat(web()).extracting(ObservedContainer::state).containsExactly("exited");

        double before = calls();
        for (int i = 0; i < 50; i++) {
            web();
        }
        engine.ownerLabels(); // the resync's owners: containers from the view, networks still listed
        assertThat(calls() - before).as("reads answered from memory; one network list").isEqualTo(1);

        engine.removeContainer(id);
        assertThat(web()).isEmpty();
        assertThat(engine.relistContainers()).as("the view already knew all of it").isEmpty();
    }
}
