package dev.mooring.engine;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.DockerCli.Ctr;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** What a user sees on the real engine: convergence, drift repair, replacement, scaling, cleanup. */
@QuarkusTest
class ConvergenceTest {
    static final Duration CONVERGE = Duration.ofSeconds(60);
    String ns;
    /** The installation under test: an orphan must carry its name (tests may run under another one). */
    @ConfigProperty(name = "mooring.instance")
    String instance;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("eng");
    }

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, CONVERGE);
    }

    private Map<String, String> idsByName(String app) {
        return DockerCli.appContainers(ns, app).stream().collect(Collectors.toMap(Ctr::name, Ctr::id));
    }

    private String startedAt(String container) {
        return DockerCli.inspect(container, "{{.State.StartedAt}}");
    }

    @Test
    void theExampleConvergesAndServes() throws Exception {
        int port = DockerCli.freePort();
        String yaml = Files.readString(Path.of("examples/web.yaml"))
                .replace("hostPort: 8081", "hostPort: " + port)
                .replace("metadata:\n  name:", "metadata:\n  namespace: " + ns + "\n  name:");
        Api.applyOk(yaml);
        JsonPath app = Api.awaitReady(ns, "web", CONVERGE);
        assertThat(app.getInt("status.readyReplicas")).isEqualTo(1);
        assertThat(app.getList("status.containers.name")).containsExactly(ns + "-web-1");
        assertThat(app.getString("status.containers[0].health")).isEqualTo("healthy");

        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("hello from mooring");

        String container = ns + "-web-1";
        assertThat(DockerCli.inspect(container, "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}")).contains(ns + "-web");
        assertThat(DockerCli.inspect(container, "{{range .Mounts}}{{.Name}}:{{.Destination}} {{end}}")).contains(ns + "-site:/www");
        assertThat(DockerCli.inspect(container, "{{.HostConfig.Memory}}")).isEqualTo(String.valueOf(64 * 1024 * 1024));
        assertThat(Api.get(ns, "networks", "web").jsonPath().getString("status.conditions.find { it.type == 'Ready' }.status")).isEqualTo("True");
    }

    @Test
    void aRemovedReplicaIsBackWithinFiveSecondsAndAStoppedOneRunsAgain() {
        Api.applyOk(Api.app(ns, "drift", 2, null));
        Api.awaitReady(ns, "drift", CONVERGE);
        Map<String, String> before = idsByName("drift");

        DockerCli.run("rm", "-f", ns + "-drift-1");
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            List<Ctr> now = DockerCli.appContainers(ns, "drift");
            assertThat(now).extracting(Ctr::name).containsExactly(ns + "-drift-1", ns + "-drift-2");
            assertThat(now).allMatch(Ctr::running);
        });
        assertThat(idsByName("drift").get(ns + "-drift-1")).isNotEqualTo(before.get(ns + "-drift-1"));

        DockerCli.run("stop", "-t", "1", ns + "-drift-2");
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(DockerCli.appContainers(ns, "drift")).allMatch(Ctr::running));
        // the stopped container was started again, not replaced
        assertThat(idsByName("drift").get(ns + "-drift-2")).isEqualTo(before.get(ns + "-drift-2"));
        Api.awaitReady(ns, "drift", CONVERGE);
    }

    @Test
    void changingImageEnvOrPortsReplacesTheContainers() {
        DockerCli.run("tag", DockerCli.IMAGE, "mooring-test/busybox:other");
        Api.applyOk(Api.app(ns, "rep", 2, null));
        Api.awaitReady(ns, "rep", CONVERGE);
        Map<String, String> v1 = idsByName("rep");

        for (String change : List.of("env: [{name: MODE, value: two}]",
                "env: [{name: MODE, value: two}]\nports: [{containerPort: 8080}]")) {
            Map<String, String> before = idsByName("rep");
            Api.applyOk(Api.app(ns, "rep", 2, change));
            Awaitility.await().atMost(CONVERGE).untilAsserted(() -> {
                Map<String, String> now = idsByName("rep");
                assertThat(now.keySet()).containsExactlyInAnyOrder(ns + "-rep-1", ns + "-rep-2");
                assertThat(now.values()).doesNotContainAnyElementsOf(before.values());
            });
            Api.awaitReady(ns, "rep", CONVERGE);
        }
        assertThat(DockerCli.inspect(ns + "-rep-1", "{{json .Config.Env}}")).contains("MODE=two");
        assertThat(DockerCli.inspect(ns + "-rep-1", "{{json .Config.ExposedPorts}}")).contains("8080/tcp");

        Map<String, String> before = idsByName("rep");
        Api.applyOk(Api.app(ns, "rep", 2, "env: [{name: MODE, value: two}]\nports: [{containerPort: 8080}]")
                .replace(DockerCli.IMAGE, "mooring-test/busybox:other"));
        Awaitility.await().atMost(CONVERGE).untilAsserted(() ->
                assertThat(idsByName("rep").values()).hasSize(2).doesNotContainAnyElementsOf(before.values()));
        Api.awaitReady(ns, "rep", CONVERGE);
        assertThat(DockerCli.inspect(ns + "-rep-2", "{{.Config.Image}}")).isEqualTo("mooring-test/busybox:other");
        assertThat(v1.values()).doesNotContainAnyElementsOf(idsByName("rep").values());
    }

    @Test
    void changingOnlyReplicasRestartsNothingAndRemovesTheHighestFirst() {
        Api.applyOk(Api.app(ns, "scale", 2, null));
        Api.awaitReady(ns, "scale", CONVERGE);
        Map<String, String> two = idsByName("scale");
        String started1 = startedAt(ns + "-scale-1");
        String started2 = startedAt(ns + "-scale-2");

        Api.applyOk(Api.app(ns, "scale", 3, null));
        Api.awaitReady(ns, "scale", CONVERGE);
        Map<String, String> three = idsByName("scale");
        assertThat(three).hasSize(3).containsAllEntriesOf(two);
        assertThat(startedAt(ns + "-scale-1")).isEqualTo(started1);
        assertThat(startedAt(ns + "-scale-2")).isEqualTo(started2);

        Api.applyOk(Api.app(ns, "scale", 1, null));
        Awaitility.await().atMost(CONVERGE).untilAsserted(() ->
                assertThat(idsByName("scale")).containsExactlyEntriesOf(Map.of(ns + "-scale-1", two.get(ns + "-scale-1"))));
        assertThat(startedAt(ns + "-scale-1")).isEqualTo(started1);
        List<String> removals = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/scale/events").jsonPath()
                .getList("items.message", String.class).stream().filter(m -> m.startsWith("RemoveContainer")).toList();
        assertThat(removals).hasSize(2);
        assertThat(removals.get(0)).startsWith("RemoveContainer " + ns + "-scale-3");
        assertThat(removals.get(1)).startsWith("RemoveContainer " + ns + "-scale-2");
    }

    @Test
    void applyingTheSameYamlAgainChangesNothingOnTheEngine() {
        String yaml = Api.app(ns, "same", 2, "env: [{name: A, value: b}]");
        Api.applyOk(yaml);
        Api.awaitReady(ns, "same", CONVERGE);
        Map<String, String> ids = idsByName("same");
        java.time.Instant t0 = java.time.Instant.now();
        String since = t0.getEpochSecond() + "." + String.format("%09d", t0.getNano());

        assertThat(Api.applyOk(yaml).getList("results.result")).containsExactly("unchanged");
        double passes = Api.reconciles("App");
        // wait for the loop to look again (the periodic resync), so "nothing" is a real observation
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Api.reconciles("App") >= passes + 2);
        String events = DockerCli.run("events", "--since", since, "--until", Long.toString(System.currentTimeMillis() / 1000 + 1),
                "--filter", "label=dev.mooring.namespace=" + ns, "--format", "{{.Action}} {{.Actor.Attributes.name}}");
        assertThat(events).as("engine events after re-apply").isBlank();
        assertThat(idsByName("same")).isEqualTo(ids);
    }

    @Test
    void deletingAnAppRemovesItsContainersAndRetainedVolumesKeepTheirData() {
        String volume = """
                apiVersion: mooring.dev/v1alpha1
                kind: Volume
                metadata: {name: data, namespace: %s}
                spec: {reclaimPolicy: %s}
                """;
        Api.applyOk(volume.formatted(ns, "Retain") + "---\n" + Api.app(ns, "writer", 1,
                "volumes: [{volume: data, mountPath: /data}]").replace("command: [\"sleep\", \"100000\"]",
                "command: [\"sh\", \"-c\", \"echo keep-me > /data/f && exec sleep 100000\"]"));
        Api.awaitReady(ns, "writer", CONVERGE);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(DockerCli.run("exec", ns + "-writer-1", "cat", "/data/f")).isEqualTo("keep-me"));

        Api.delete(ns, "apps", "writer").then().statusCode(202);
        Api.awaitGone(ns, "apps", "writer", CONVERGE);
        assertThat(DockerCli.appContainers(ns, "writer")).isEmpty();

        Api.delete(ns, "volumes", "data").then().statusCode(202);
        Api.awaitGone(ns, "volumes", "data", CONVERGE);
        assertThat(DockerCli.exists("volume", ns + "-data")).isTrue();
        assertThat(DockerCli.run("run", "--rm", "-v", ns + "-data:/data", DockerCli.IMAGE, "cat", "/data/f")).isEqualTo("keep-me");

        // applied again, the Volume adopts its data; deleted with reclaimPolicy Delete, the data goes
        Api.applyOk(volume.formatted(ns, "Delete"));
        Awaitility.await().atMost(CONVERGE).untilAsserted(() ->
                assertThat(Api.condition(Api.get(ns, "volumes", "data").jsonPath(), "Ready")).isEqualTo("True"));
        assertThat(DockerCli.run("run", "--rm", "-v", ns + "-data:/data", DockerCli.IMAGE, "cat", "/data/f")).isEqualTo("keep-me");
        Api.delete(ns, "volumes", "data").then().statusCode(202);
        Api.awaitGone(ns, "volumes", "data", CONVERGE);
        assertThat(DockerCli.exists("volume", ns + "-data")).isFalse();
    }

    @Test
    void aContainerMooringDidNotCreateIsNeverTouched() {
        // one takes the name Mooring would give replica 1; one even carries Mooring's labels, but of another installation
        String clash = DockerCli.run("run", "-d", "--name", ns + "-clash-1", DockerCli.IMAGE, "sleep", "100000");
        String foreign = DockerCli.run("run", "-d", "--name", ns + "-foreign", "--label", "dev.mooring.managed=true",
                "--label", "dev.mooring.kind=App", "--label", "dev.mooring.namespace=" + ns, "--label", "dev.mooring.name=clash",
                "--label", "dev.mooring.replica=1", "--label", "dev.mooring.instance=someone-else", DockerCli.IMAGE, "sleep", "100000");
        try {
            String clashStarted = startedAt(clash);
            Api.applyOk(Api.app(ns, "clash", 1, null));
            Awaitility.await().atMost(CONVERGE).untilAsserted(() -> {
                JsonPath app = Api.get(ns, "apps", "clash").jsonPath();
                assertThat(Api.condition(app, "Degraded")).isEqualTo("True");
                assertThat(app.getString("status.conditions.find { it.type == 'Degraded' }.message")).contains("already in use");
            });
            double passes = Api.reconciles("App");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Api.reconciles("App") >= passes + 2);
            assertThat(DockerCli.inspect(clash, "{{.State.Running}} {{.State.StartedAt}}")).isEqualTo("true " + clashStarted);
            assertThat(DockerCli.inspect(foreign, "{{.State.Running}}")).isEqualTo("true");
        } finally {
            DockerCli.run("rm", "-f", clash, foreign);
        }
    }

    @Test
    void anOrphanIsRemoved() {
        String orphan = DockerCli.run("run", "-d", "--name", ns + "-ghost-1", "--label", "dev.mooring.managed=true",
                "--label", "dev.mooring.kind=App", "--label", "dev.mooring.namespace=" + ns, "--label", "dev.mooring.name=ghost",
                "--label", "dev.mooring.replica=1", "--label", "dev.mooring.instance=" + instance, DockerCli.IMAGE, "sleep", "100000");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(DockerCli.exists("container", orphan)).isFalse());
    }

    @Test
    void anAppWaitsForItsNetworkAndSaysSo() {
        Api.applyOk(Api.app(ns, "waits", 1, "networks: [{name: late, aliases: [svc]}]"));
        Awaitility.await().atMost(CONVERGE).untilAsserted(() -> {
            JsonPath app = Api.get(ns, "apps", "waits").jsonPath();
            assertThat(Api.conditionReason(app, "Ready")).isEqualTo("WaitingForDependencies");
            assertThat(app.getString("status.conditions.find { it.type == 'Ready' }.message")).contains("Network late");
        });
        assertThat(DockerCli.appContainers(ns, "waits")).isEmpty();

        Api.applyOk("""
                apiVersion: mooring.dev/v1alpha1
                kind: Network
                metadata: {name: late, namespace: %s}
                spec: {subnet: 10.213.%d.0/24}
                """.formatted(ns, (int) (System.nanoTime() % 200) + 1));
        Api.awaitReady(ns, "waits", CONVERGE);
        assertThat(DockerCli.inspect(ns + "-waits-1", "{{json .NetworkSettings.Networks}}")).contains(ns + "-late").contains("\"svc\"");
    }

    @Test
    void logsShowTheContainersOutput() {
        Api.applyOk(Api.app(ns, "talk", 1, null).replace("command: [\"sleep\", \"100000\"]",
                "command: [\"sh\", \"-c\", \"echo hello-from-talk; echo second-line; exec sleep 100000\"]"));
        Api.awaitReady(ns, "talk", CONVERGE);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/talk/logs").asString())
                        .contains("hello-from-talk\nsecond-line"));
        assertThat(RestAssured.given().queryParam("tail", 1).get(Api.BASE + "/namespaces/" + ns + "/apps/talk/logs").asString())
                .isEqualTo("second-line\n");
        RestAssured.given().queryParam("replica", 7).get(Api.BASE + "/namespaces/" + ns + "/apps/talk/logs").then().statusCode(404);
    }

    @Test
    void stoppedKeepsTheContainersAndRunningStartsTheSameOnes() {
        Api.applyOk(Api.app(ns, "pause", 2, null));
        Api.awaitReady(ns, "pause", CONVERGE);
        Map<String, String> ids = idsByName("pause");
        Api.applyOk(Api.app(ns, "pause", 2, "desiredState: Stopped"));
        Awaitility.await().atMost(CONVERGE).untilAsserted(() ->
                assertThat(DockerCli.appContainers(ns, "pause")).hasSize(2).noneMatch(Ctr::running));
        Api.applyOk(Api.app(ns, "pause", 2, null));
        Api.awaitReady(ns, "pause", CONVERGE);
        assertThat(idsByName("pause")).isEqualTo(ids);
    }
}
