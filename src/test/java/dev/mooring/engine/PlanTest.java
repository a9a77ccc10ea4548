package dev.mooring.engine;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plans on the real engine: {@code GET …/plan} and {@code apply?dryRun=true} say what the loop
 * would do, computed against the containers that really run, and touch nothing — not the engine
 * (same container IDs, no engine events), not the store (same resourceVersion, no revision, no event).
 */
@QuarkusTest
class PlanTest {
    static final Duration CONVERGE = Duration.ofSeconds(90);
    String ns;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("plan");
    }

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, CONVERGE);
    }

    @Test
    void aDryRunOfAnEnvChangeListsARecreateOfEachReplicaWithTheEnvDiffAndTouchesNothing() {
        Api.applyOk(Api.app(ns, "web", 3, "env: [{name: FOO, value: \"1\"}, {name: KEEP, value: same}]"));
        Api.awaitReady(ns, "web", CONVERGE);
        Snapshot before = settled("web");

        Response r = Api.givenYaml().body(Api.app(ns, "web", 3, "env: [{name: FOO, value: \"2\"}, {name: KEEP, value: same}]"))
                .post(Api.BASE + "/apply?dryRun=true");

        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        JsonPath j = r.jsonPath();
        assertThat(j.getString("results[0].result")).isEqualTo("configured");
        assertThat(j.getString("results[0].plan.classification")).isEqualTo("recreate");
        List<Map<String, Object>> changes = j.getList("results[0].plan.changes");
        assertThat(changes).extracting(c -> c.get("action") + " " + c.get("target") + " " + c.get("classification"))
                .containsExactly("recreate " + ns + "-web-1 recreate", "recreate " + ns + "-web-2 recreate", "recreate " + ns + "-web-3 recreate");
        for (Map<String, Object> c : changes) {
            assertThat(c.get("diff")).isEqualTo(List.of(Map.of("path", "env.FOO", "live", "1", "desired", "2")));
            assertThat((String) c.get("cause")).contains("config hash changed");
        }
        assertThat(changes.get(1).get("waitsFor")).isEqualTo(ns + "-web-1 to be ready for 5s (update.monitor)");
        assertThat(snapshot("web")).as("nothing changed on the engine or in the store").isEqualTo(before);
        assertNoEngineEvents(before.at());
    }

    @Test
    void aDryRunOfAReplicaChangeListsOnlyTheAddedOrRemovedReplicas() {
        Api.applyOk(Api.app(ns, "scale", 2, null));
        Api.awaitReady(ns, "scale", CONVERGE);
        Snapshot before = settled("scale");

        JsonPath up = Api.givenYaml().body(Api.app(ns, "scale", 4, null)).post(Api.BASE + "/apply?dryRun=true").then()
                .statusCode(200).extract().jsonPath();
        JsonPath down = Api.givenYaml().body(Api.app(ns, "scale", 1, null)).post(Api.BASE + "/apply?dryRun=true").then()
                .statusCode(200).extract().jsonPath();
        JsonPath same = Api.givenYaml().body(Api.app(ns, "scale", 2, null)).post(Api.BASE + "/apply?dryRun=true").then()
                .statusCode(200).extract().jsonPath();

        assertThat(up.getList("results[0].plan.changes", Map.class)).extracting(c -> c.get("action") + " " + c.get("target"))
                .containsExactly("create " + ns + "-scale-3", "create " + ns + "-scale-4");
        assertThat(down.getList("results[0].plan.changes", Map.class)).extracting(c -> c.get("action") + " " + c.get("target"))
                .containsExactly("remove " + ns + "-scale-2");
        assertThat(same.getString("results[0].result")).isEqualTo("unchanged");
        assertThat(same.getString("results[0].plan.classification")).isEqualTo("none");
        assertThat(same.getList("results[0].plan.changes")).isEmpty();
        assertThat(snapshot("scale")).as("nothing changed on the engine or in the store").isEqualTo(before);
        assertNoEngineEvents(before.at());
    }

    @Test
    void aDryRunOfNewResourcesListsTheCreates() {
        String yaml = """
                apiVersion: mooring.dev/v1alpha1
                kind: Volume
                metadata: {name: data, namespace: %1$s}
                spec: {}
                ---
                apiVersion: mooring.dev/v1alpha1
                kind: Network
                metadata: {name: back, namespace: %1$s}
                spec: {}
                ---
                %2$s""".formatted(ns, Api.app(ns, "fresh", 2, "volumes: [{volume: data, mountPath: /data}]"));

        JsonPath j = Api.givenYaml().body(yaml).post(Api.BASE + "/apply?dryRun=true").then().statusCode(200).extract().jsonPath();

        assertThat(j.getList("results.result")).containsExactly("created", "created", "created");
        assertThat(j.getList("results.plan.changes", List.class)).extracting(cs -> ((List<?>) cs).stream()
                        .map(c -> ((Map<?, ?>) c).get("action") + " " + ((Map<?, ?>) c).get("target")).collect(Collectors.joining(", ")))
                .containsExactly("create " + ns + "-data", "create " + ns + "-back", "create " + ns + "-fresh-1, create " + ns + "-fresh-2");
        assertThat(j.getString("results[2].plan.waitingFor")).isEqualTo("Volume data (not found)");
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/fresh").statusCode()).isEqualTo(404);
        assertThat(DockerCli.exists("volume", ns + "-data")).isFalse();
        assertThat(DockerCli.exists("network", ns + "-back")).isFalse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePlanOfAStoredChangeTheLoopWaitsOnShowsEveryRecreateAndWhatItWaitsFor() {
        Api.applyOk(Api.app(ns, "wait", 2, "env: [{name: MODE, value: a}]"));
        Api.awaitReady(ns, "wait", CONVERGE);
        assertThat(plan("wait").getString("classification")).isEqualTo("none");
        assertThat(plan("wait").getList("changes")).isEmpty();

        // the change names a Network that does not exist: the loop waits and leaves the containers alone
        Api.applyOk(Api.app(ns, "wait", 2, "env: [{name: MODE, value: b}]\nnetworks: [{name: later}]"));
        Snapshot before = snapshot("wait");
        JsonPath p = plan("wait");

        assertThat(p.getString("waitingFor")).isEqualTo("Network later (not found)");
        List<Map<String, Object>> changes = p.getList("changes");
        assertThat(changes).extracting(c -> c.get("action") + " " + c.get("target"))
                .containsExactly("recreate " + ns + "-wait-1", "recreate " + ns + "-wait-2");
        assertThat((List<Map<String, Object>>) changes.get(1).get("diff"))
                .extracting(d -> d.get("path") + ": " + d.get("live") + " -> " + d.get("desired"))
                .containsExactly("env.MODE: a -> b", "networks[0]: null -> {aliases=[], network=" + ns + "-later}");
        assertThat((List<?>) changes.get(0).get("operations")).hasSize(4);
        assertThat(snapshot("wait").containers()).as("the loop waits; the plan changed nothing").isEqualTo(before.containers());
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/nothere/plan").statusCode()).isEqualTo(404);
    }

    private JsonPath plan(String app) {
        Response r = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/" + app + "/plan");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return r.jsonPath();
    }

    /** What a plan must not change: containers (IDs and states), the App's resourceVersion, its revisions and events. */
    record Snapshot(Map<String, String> containers, String resourceVersion, long generation, int revisions, int events, Instant at) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Snapshot s && s.containers.equals(containers) && s.resourceVersion.equals(resourceVersion)
                    && s.generation == generation && s.revisions == revisions && s.events == events;
        }

        @Override
        public int hashCode() {
            return containers.hashCode();
        }
    }

    /** A snapshot once the loop has looked at the converged App again (the periodic resync), so later passes change nothing. */
    private Snapshot settled(String app) {
        double passes = Api.reconciles("App");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Api.reconciles("App") >= passes + 2);
        return snapshot(app);
    }

    private Snapshot snapshot(String app) {
        Instant at = Instant.now();
        Map<String, String> containers = DockerCli.appContainers(ns, app).stream()
                .collect(Collectors.toMap(DockerCli.Ctr::name, c -> c.id() + " " + c.state()));
        JsonPath a = Api.get(ns, "apps", app).jsonPath();
        int revisions = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/" + app + "/revisions").jsonPath().getList("items").size();
        int events = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/" + app + "/events").jsonPath().getList("items").size();
        return new Snapshot(containers, a.getString("metadata.resourceVersion"), a.getLong("metadata.generation"), revisions, events, at);
    }

    private void assertNoEngineEvents(Instant since) {
        String events = DockerCli.run("events", "--since", since.getEpochSecond() + "." + String.format("%09d", since.getNano()),
                "--until", Long.toString(System.currentTimeMillis() / 1000 + 1),
                "--filter", "label=dev.mooring.namespace=" + ns, "--format", "{{.Action}} {{.Actor.Attributes.name}}");
        assertThat(events).as("engine events during the dry runs").isBlank();
    }
}
