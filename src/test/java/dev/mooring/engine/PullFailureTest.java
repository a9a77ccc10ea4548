package dev.mooring.engine;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pull that fails under {@code imagePullPolicy: Always} while the engine has the image (issue 10:
 * a stack trace a minute while the local image quietly ran): the App runs the local image and
 * says so, in a condition and a Warning event, and the log has one line per failed pull.
 */
@QuarkusTest
class PullFailureTest {
    static final Path LOG = Path.of("target/mooring-test.log");

    String ns = Api.uniqueNamespace("pull");
    /** A registry address nothing listens on: every pull of it fails at once. */
    String image = "127.0.0.1:" + DockerCli.freePort() + "/mooring-test/busybox:" + ns;

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, Duration.ofSeconds(60));
        DockerCli.run("rmi", image);
    }

    @Test
    void aFailedAlwaysPullRunsTheLocalImageAndSaysSoWithoutAStackTrace() throws IOException {
        DockerCli.run("tag", DockerCli.IMAGE, image);
        long logStart = Files.exists(LOG) ? Files.size(LOG) : 0;

        Api.applyOk(Api.app(ns, "web", image, 1, "imagePullPolicy: Always"));
        JsonPath app = Api.awaitReady(ns, "web", Duration.ofSeconds(60));
        // mooring.images.pull-interval is 2s in tests: wait for a second failed pull
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Map<String, Object>> events = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/web/events").jsonPath().getList("items");
            assertThat(events).anySatisfy(e -> {
                assertThat(e.get("type")).isEqualTo("Warning");
                assertThat(e.get("reason")).isEqualTo("PullFailed");
                assertThat((String) e.get("message")).contains("pulling " + image + " failed, so the local image");
                assertThat((Integer) e.get("count")).isGreaterThanOrEqualTo(2);
            });
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonPath now = Api.get(ns, "apps", "web").jsonPath();
            assertThat(Api.condition(now, "ImagePulled")).isEqualTo("False");
            assertThat(Api.conditionReason(now, "ImagePulled")).isEqualTo("PullFailed");
        });
        assertThat(app.getString("status.containers[0].state")).isEqualTo("running");

        String log = newLog(logStart);
        assertThat(log).contains("pulling " + image + " failed");
        assertThat(log).as("docker-java's callback error with its stack trace").doesNotContain("Error during callback");
        long pullLines = log.lines().filter(l -> l.contains("pulling " + image + " failed")).count();
        long traceLines = log.lines().filter(l -> l.startsWith("\tat com.github.dockerjava")).count();
        System.out.printf("failed pulls of %s: %d WARN lines, %d stack-trace lines%n", image, pullLines, traceLines);
        assertThat(traceLines).isZero();
    }

    private static String newLog(long from) throws IOException {
        byte[] all = Files.readAllBytes(LOG);
        return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), StandardCharsets.UTF_8);
    }
}
