package dev.mooring.engine;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.DockerCli.Ctr;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loop reads each engine's watched view, fed by the event stream: a container removed,
 * stopped or created by hand with Mooring's labels is seen and acted on within 2 s. The resync is
 * an hour here, so nothing but the events and the view can do it in time.
 */
@QuarkusTest
@TestProfile(EngineViewTest.NoResync.class)
class EngineViewTest {
    public static class NoResync implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mooring.controller.resync-interval", "1h");
        }
    }

    static final Duration CONVERGE = Duration.ofSeconds(60);
    static final Duration SEEN_AND_ACTED_ON = Duration.ofSeconds(2);
    @ConfigProperty(name = "mooring.instance")
    String instance;
    String ns;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("view");
    }

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, CONVERGE);
    }

    @Test
    void aContainerRemovedByHandIsReplacedWithinTwoSeconds() {
        Api.applyOk(Api.app(ns, "rm", 1, null));
        Api.awaitReady(ns, "rm", CONVERGE);
        String first = DockerCli.appContainers(ns, "rm").get(0).id();

        DockerCli.run("rm", "-f", first);
        Awaitility.await().atMost(SEEN_AND_ACTED_ON).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            List<Ctr> now = DockerCli.appContainers(ns, "rm");
            assertThat(now).hasSize(1);
            assertThat(now.get(0).id()).isNotEqualTo(first);
        });
    }

    @Test
    void aContainerStoppedByHandRunsAgainWithinTwoSeconds() {
        Api.applyOk(Api.app(ns, "stop", 1, null));
        Api.awaitReady(ns, "stop", CONVERGE);
        String id = DockerCli.appContainers(ns, "stop").get(0).id();

        DockerCli.run("stop", "-t", "0", id); // returns once it has exited
        Awaitility.await().atMost(SEEN_AND_ACTED_ON).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(DockerCli.appContainers(ns, "stop")).extracting(Ctr::id, Ctr::running)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(id, true)));
    }

    @Test
    void aContainerCreatedByHandWithOurLabelsIsRemovedWithinTwoSeconds() {
        Api.applyOk(Api.app(ns, "one", 1, null));
        Api.awaitReady(ns, "one", CONVERGE);
        // a second replica of an App that wants one, and a container of an App that does not exist
        String surplus = byHand("one", 2);
        String orphan = byHand("ghost", 1);
        Awaitility.await().atMost(SEEN_AND_ACTED_ON).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            assertThat(DockerCli.exists("container", surplus)).as("surplus replica").isFalse();
            assertThat(DockerCli.exists("container", orphan)).as("orphan").isFalse();
        });
        assertThat(DockerCli.appContainers(ns, "one")).hasSize(1).allMatch(Ctr::running);
    }

    private String byHand(String app, int replica) {
        return DockerCli.run("run", "-d", "--name", ns + "-" + app + "-" + replica, "--label", "dev.mooring.managed=true",
                "--label", "dev.mooring.kind=App", "--label", "dev.mooring.namespace=" + ns, "--label", "dev.mooring.name=" + app,
                "--label", "dev.mooring.replica=" + replica, "--label", "dev.mooring.instance=" + instance, DockerCli.IMAGE, "sleep", "100000");
    }
}
