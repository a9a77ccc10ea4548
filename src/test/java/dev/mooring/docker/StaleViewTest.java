package dev.mooring.docker;

import com.github.dockerjava.core.DefaultDockerClientConfig;
import dev.mooring.api.Kind;
import dev.mooring.api.Labels;
import dev.mooring.api.ResourceKey;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.TestHost;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * An engine that stops answering (a test host cut off from Mooring, never the shared engine): the
 * watched view says it is stale and reads fail as the engine's own list would (no HTTP status,
 * which the App path takes for {@code EngineUnavailable}), instead of answering from memory; once
 * the engine answers, the next read lists it again and finds the same container, untouched.
 */
@Tag("faults")
class StaleViewTest {
    static final TestHost HOST = new TestHost("viewstale", 73);
    static final Map<String, String> WEB = Map.of(Labels.NAMESPACE, "st", Labels.NAME, "web");
    static final String INSTANCE = "view-stale-test";

    @BeforeAll
    static void up() {
        HOST.up();
    }

    @AfterAll
    static void down() {
        HOST.mend();
        HOST.down();
    }

    @Test
    void anEngineThatStopsAnsweringMakesTheViewStaleAndNothingIsRemoved() {
        var cfg = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(HOST.endpoint()).withDockerTlsVerify(false).build();
        Duration deadline = Duration.ofSeconds(3);
        DockerEngine engine = new DockerEngine("viewstale", HOST.endpoint(), INSTANCE, WatchedEngineTest.client(cfg, deadline),
                WatchedEngineTest.client(cfg, null), new SimpleMeterRegistry(), deadline, deadline);
        try {
            engine.follow();
            String id = HOST.docker("run", "-d", "--label", Labels.MANAGED + "=true", "--label", Labels.INSTANCE + "=" + INSTANCE,
                    "--label", Labels.KIND + "=App", "--label", Labels.NAMESPACE + "=st", "--label", Labels.NAME + "=web",
                    "--label", Labels.REPLICA + "=1", DockerCli.IMAGE, "sleep", "600");
            assertThat(engine.relistContainers()).containsExactly(new ResourceKey(Kind.App, "st", "web"));
            assertThat(engine.listContainers(WEB)).extracting(ObservedContainer::id).containsExactly(id);

            HOST.cut();
            try {
                EngineException relist = catchThrowableOfType(engine::relistContainers, EngineException.class);
                assertThat(relist.httpStatus).as("the engine did not answer").isZero();
                EngineException read = catchThrowableOfType(() -> engine.listContainers(WEB), EngineException.class);
                assertThat(read).as("a stale view does not answer from memory").isNotNull();
                assertThat(read.httpStatus).isZero();
            } finally {
                HOST.mend();
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() ->
                    assertThat(engine.listContainers(WEB)).extracting(ObservedContainer::id, ObservedContainer::state)
                            .containsExactly(org.assertj.core.groups.Tuple.tuple(id, "running")));
            assertThat(HOST.docker("ps", "-q", "--no-trunc", "--filter", "label=" + Labels.INSTANCE + "=" + INSTANCE)).isEqualTo(id);
        } finally {
            engine.close();
        }
    }
}
