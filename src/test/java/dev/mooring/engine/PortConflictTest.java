package dev.mooring.engine;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Apps of two namespaces ask for the same host port (issue 10): the one that comes second
 * fails on every retry. Its users see one PortConflict event with a count, and a status that
 * says which port on which engine, without the other namespace's container or endpoint IDs.
 */
@QuarkusTest
class PortConflictTest {
    String owner;
    String loser;

    @BeforeEach
    void namespaces() {
        owner = Api.uniqueNamespace("port-a");
        loser = Api.uniqueNamespace("port-b");
    }

    @AfterEach
    void clean() {
        Api.deleteNamespace(loser, Duration.ofSeconds(60));
        Api.deleteNamespace(owner, Duration.ofSeconds(60));
    }

    @Test
    void theLoserOfAHostPortHasOneCountedEventAndAPlainMessage() {
        int port = DockerCli.freePort();
        String ports = "ports: [{containerPort: 8080, hostPort: " + port + ", hostIP: 127.0.0.1}]";
        Api.applyOk(Api.app(owner, "web", 1, ports));
        Api.awaitReady(owner, "web", Duration.ofSeconds(60));
        String ownerId = DockerCli.appContainers(owner, "web").get(0).id();

        Api.applyOk(Api.app(loser, "web", 1, ports));
        String expected = "host port 127.0.0.1:" + port + " is already in use on engine local";
        List<Map<String, Object>>[] warnings = new List[1];
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<Map<String, Object>> events = RestAssured.get(Api.BASE + "/namespaces/" + loser + "/apps/web/events")
                    .then().statusCode(200).extract().jsonPath().getList("items");
            warnings[0] = events.stream().filter(e -> "Warning".equals(e.get("type"))).toList();
            assertThat(warnings[0]).as("every retry adds to one event: %s", events).hasSize(1);
            assertThat(warnings[0].get(0)).containsEntry("reason", "PortConflict");
            assertThat((Integer) warnings[0].get(0).get("count")).isGreaterThanOrEqualTo(3);
        });
        Map<String, Object> conflict = warnings[0].get(0);
        assertThat((String) conflict.get("message")).contains(expected);
        assertThat(java.time.Instant.parse((String) conflict.get("lastTimestamp")))
                .isAfter(java.time.Instant.parse((String) conflict.get("firstTimestamp")));
        System.out.println("port conflict: " + conflict.get("count") + " failures in one event, from " + conflict.get("firstTimestamp")
                + " to " + conflict.get("lastTimestamp"));

        JsonPath app = Api.get(loser, "apps", "web").jsonPath();
        assertThat(Api.conditionReason(app, "Degraded")).isEqualTo("PortConflict");
        String shown = app.prettify() + RestAssured.get(Api.BASE + "/namespaces/" + loser + "/apps/web/events").asString();
        assertThat(shown).contains(expected)
                .doesNotContain(ownerId.substring(0, 12))
                .doesNotContain(owner)
                .doesNotContainPattern("[0-9a-f]{64}")
                .doesNotContain("endpoint");
        // the owner keeps its port
        assertThat(Api.condition(Api.get(owner, "apps", "web").jsonPath(), "Ready")).isEqualTo("True");
    }
}
