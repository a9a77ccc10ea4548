package dev.mooring.engine;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.Registry;
import dev.mooring.testing.DockerCli.Ctr;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Rollouts on the real engine: health-gated updates, revisions, rollback, dependencies, crash back-off, images. */
@QuarkusTest
class RolloutTest {
    static final Duration CONVERGE = Duration.ofSeconds(90);
    static final String WEB_IMAGE = "mooring-test/web:1";
    static final Pattern HOST_PORT = Pattern.compile("127\\.0\\.0\\.1:(\\d+)->8080/tcp");
    String ns;

    @BeforeAll
    static void images() {
        DockerCli.build(WEB_IMAGE, """
                FROM mooring-test/busybox:1
                RUN mkdir -p /www && echo web-v1 > /www/index.html
                CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
                """);
    }

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("roll");
    }

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, CONVERGE);
    }

    /** A web App: httpd with a healthcheck on its page, an ephemeral host port per replica. */
    private String web(String name, int replicas, String extra) {
        return """
                apiVersion: mooring.dev/v1alpha1
                kind: App
                metadata: {name: %s, namespace: %s}
                spec:
                  image: %s
                  replicas: %d
                  ports: [{containerPort: 8080, hostIP: 127.0.0.1}]
                  stopGracePeriod: 1s
                  healthcheck:
                    test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1"]
                    interval: 1s
                    timeout: 1s
                    retries: 2
                %s
                """.formatted(name, ns, WEB_IMAGE, replicas, extra == null ? "" : extra.indent(2));
    }

    private static String startFirst(String extraEnv) {
        return """
                update: {parallelism: 1, order: start-first, monitor: 2s}
                env: [{name: VERSION, value: %s}]
                """.formatted(extraEnv);
    }

    private List<Ctr> healthy(String app) {
        return DockerCli.appContainers(ns, app).stream().filter(Ctr::running)
                .filter(c -> "healthy".equals(inspectOrGone(c.id(), "{{if .State.Health}}{{.State.Health.Status}}{{end}}")))
                .toList();
    }

    /** docker inspect, or "gone" for a container removed since it was listed (Mooring replaces them). */
    private static String inspectOrGone(String id, String format) {
        try {
            return DockerCli.inspect(id, format);
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).contains("No such object")) {
                return "gone";
            }
            throw e;
        }
    }

    private static int hostPort(Ctr c) {
        String out = DockerCli.run("port", c.id(), "8080/tcp").trim();
        return Integer.parseInt(out.substring(out.lastIndexOf(':') + 1).split("\n")[0].trim());
    }

    @Test
    void aStartFirstUpdateServesEveryRequestAndKeepsThreeHealthyReplicas() throws Exception {
        Api.applyOk(web("web", 3, startFirst("one")));
        Api.awaitReady(ns, "web", CONVERGE);
        assertThat(healthy("web")).hasSize(3);
        List<String> before = DockerCli.appContainers(ns, "web").stream().map(Ctr::id).toList();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger fewestHealthy = new AtomicInteger(Integer.MAX_VALUE);
        Thread client = new Thread(() -> {
            while (!stop.get()) {
                List<Ctr> serving = healthy("web");
                fewestHealthy.accumulateAndGet(serving.size(), Math::min);
                for (Ctr c : serving) {
                    int port;
                    try {
                        port = hostPort(c);
                    } catch (IllegalStateException gone) {
                        continue; // removed since it was listed healthy: drained
                    }
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200 && r.body().contains("web-v1")) {
                            served.incrementAndGet();
                        } else {
                            failures.add(c.name() + ": HTTP " + r.statusCode());
                        }
                    } catch (Exception e) {
                        // A replica Mooring has begun to stop (it was healthy a moment ago) is being drained;
                        // an error from one that still runs is a real failure.
                        if ("true".equals(inspectOrGone(c.id(), "{{.State.Running}}")) && DockerCli.appContainers(ns, "web")
                                .stream().anyMatch(x -> x.id().equals(c.id()) && x.running())) {
                            failures.add(c.name() + ": " + e);
                        }
                    }
                }
            }
        });
        client.start();
        try {
            Api.applyOk(web("web", 3, startFirst("two")));
            Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() -> {
                List<Ctr> now = DockerCli.appContainers(ns, "web");
                assertThat(now).extracting(Ctr::name).containsExactly(ns + "-web-1", ns + "-web-2", ns + "-web-3");
                assertThat(now).extracting(Ctr::id).doesNotContainAnyElementsOf(before);
            });
            Api.awaitReady(ns, "web", CONVERGE);
        } finally {
            stop.set(true);
            client.join();
        }
        assertThat(failures).as("failed requests during the update").isEmpty();
        assertThat(served.get()).as("requests served").isGreaterThan(10);
        assertThat(fewestHealthy.get()).as("fewest healthy replicas seen during the update").isGreaterThanOrEqualTo(3);
        assertThat(DockerCli.inspect(ns + "-web-1", "{{json .Config.Env}}")).contains("VERSION=two");
    }

    @Test
    void anUpdateThatNeverGetsHealthyIsRolledBackAndSaysSo() {
        Api.applyOk(web("web", 2, startFirst("one")));
        Api.awaitReady(ns, "web", CONVERGE);
        Map<String, String> before = DockerCli.appContainers(ns, "web").stream().collect(Collectors.toMap(Ctr::name, Ctr::id));

        Api.applyOk(web("web", 2, startFirst("broken")).replace("wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1", "exit 1"));
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() -> {
            JsonPath app = Api.get(ns, "apps", "web").jsonPath();
            assertThat(Api.conditionReason(app, "Degraded")).isEqualTo("RolloutFailed");
            assertThat(Api.condition(app, "Degraded")).isEqualTo("True");
            assertThat(app.getString("status.conditions.find { it.type == 'Degraded' }.message")).contains("revision 2 failed");
            assertThat(app.getString("status.rollout.phase")).isEqualTo("RolledBack");
        });
        // the old revision served throughout: the same two containers, never replaced, no -next left
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() ->
                assertThat(DockerCli.appContainers(ns, "web").stream().collect(Collectors.toMap(Ctr::name, Ctr::id))).isEqualTo(before));
        assertThat(healthy("web")).hasSize(2);
        JsonPath revs = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/web/revisions").jsonPath();
        assertThat(revs.getList("items.revision", Integer.class)).containsExactly(1, 2);
        assertThat(revs.getList("items.phase", String.class)).containsExactly("Complete", "Failed");
        List<String> reasons = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/web/events").jsonPath().getList("items.reason");
        List<String> story = reasons.subList(reasons.indexOf("RolloutStarted"), reasons.size());
        assertThat(story).contains("RolloutFailed", "RolledBack").doesNotContain("RolloutComplete");
    }

    @Test
    void aManualRollbackRestoresTheRevisionsConfigHashOnEveryReplica() {
        Api.applyOk(Api.app(ns, "rb", 2, "env: [{name: V, value: '1'}]\nupdate: {monitor: 0s, parallelism: 0}"));
        Api.awaitReady(ns, "rb", CONVERGE);
        Api.applyOk(Api.app(ns, "rb", 2, "env: [{name: V, value: '2'}]\nupdate: {monitor: 0s, parallelism: 0}"));
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() ->
                assertThat(Api.get(ns, "apps", "rb").jsonPath().getInt("status.currentRevision")).isEqualTo(2));
        JsonPath revs = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/rb/revisions").jsonPath();
        String hash1 = revs.getString("items.find { it.revision == 1 }.configHash");
        assertThat(revs.getString("items.find { it.revision == 2 }.configHash")).isNotEqualTo(hash1);

        RestAssured.given().contentType("application/json").body(Map.of("revision", 1))
                .post(Api.BASE + "/namespaces/" + ns + "/apps/rb/rollback").then().statusCode(200);
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() -> {
            List<Ctr> now = DockerCli.appContainers(ns, "rb");
            assertThat(now).hasSize(2).allMatch(c -> hash1.equals(c.label("dev.mooring.config-hash")));
            assertThat(now).allMatch(Ctr::running);
        });
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() ->
                assertThat(Api.get(ns, "apps", "rb").jsonPath().getInt("status.currentRevision")).isEqualTo(1));
        RestAssured.given().contentType("application/json").body(Map.of("revision", 9))
                .post(Api.BASE + "/namespaces/" + ns + "/apps/rb/rollback").then().statusCode(404);
    }

    @Test
    void aDependentAppIsCreatedOnlyAfterItsDependencyIsHealthy() {
        String db = """
                apiVersion: mooring.dev/v1alpha1
                kind: App
                metadata: {name: db, namespace: %s}
                spec:
                  image: %s
                  command: ["sh", "-c", "sleep 3; touch /tmp/ready; exec sleep 100000"]
                  stopGracePeriod: 1s
                  healthcheck: {test: ["CMD-SHELL", "test -f /tmp/ready"], interval: 1s, timeout: 1s, retries: 30}
                """.formatted(ns, DockerCli.IMAGE);
        Api.applyOk(db + "---\n" + Api.app(ns, "api", 1, "dependsOn: [{app: db, condition: healthy}]"));
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() ->
                assertThat(Api.conditionReason(Api.get(ns, "apps", "api").jsonPath(), "Ready")).isEqualTo("WaitingForDependencies"));
        Api.awaitReady(ns, "api", CONVERGE);

        String healthLog = DockerCli.inspect(ns + "-db-1", "{{range .State.Health.Log}}{{.ExitCode}} {{.End}}|{{end}}");
        Instant firstHealthy = java.util.Arrays.stream(healthLog.split("\\|")).filter(e -> e.startsWith("0 "))
                .map(e -> e.substring(2).trim()).map(RolloutTest::instant).min(Instant::compareTo).orElseThrow();
        Instant apiCreated = instant(DockerCli.inspect(ns + "-api-1", "{{.Created}}"));
        assertThat(apiCreated).as("api created after db became healthy (%s)", firstHealthy).isAfter(firstHealthy);
    }

    private static Instant instant(String dockerTime) {
        // docker prints e.g. 2026-11-28 19:20:01.123456789 +0000 UTC, or RFC 3339
        String t = dockerTime.trim();
        if (t.contains(" +0000 UTC")) {
            t = t.replace(" +0000 UTC", "Z").replace(' ', 'T');
        }
        return Instant.parse(t);
    }

    @Test
    void aDependencyCycleIsRefused() {
        String a = Api.app(ns, "a", 1, "dependsOn: [{app: b}]");
        String b = Api.app(ns, "b", 1, "dependsOn: [{app: a, condition: healthy}]");
        var r = Api.apply(a + "---\n" + b);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.jsonPath().getString("detail")).contains("cycle").contains("a -> b -> a");
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps").jsonPath().getList("items")).isEmpty();

        var startFirstFixedPort = Api.apply(Api.app(ns, "fixed", 1,
                "ports: [{containerPort: 80, hostPort: " + DockerCli.freePort() + "}]\nupdate: {order: start-first}"));
        assertThat(startFirstFixedPort.statusCode()).isEqualTo(422);
        assertThat(startFirstFixedPort.jsonPath().getList("errors.field", String.class)).contains("spec.update.order");
    }

    @Test
    void aContainerThatExitsAtOnceBacksOffInsteadOfRestartingHot() {
        Api.applyOk(Api.app(ns, "crash", 1, "restartPolicy: always").replace("command: [\"sleep\", \"100000\"]",
                "command: [\"sh\", \"-c\", \"exit 3\"]"));
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() -> {
            JsonPath app = Api.get(ns, "apps", "crash").jsonPath();
            assertThat(Api.conditionReason(app, "Ready")).isEqualTo("CrashLoopBackOff");
            assertThat(app.getString("status.conditions.find { it.type == 'Degraded' }.message"))
                    .contains("exited with code 3").contains("next attempt at");
        });
        Instant since = Instant.now().minusSeconds(60);
        String sinceArg = since.getEpochSecond() + "." + String.format("%09d", since.getNano());
        // over a minute from its first start, Docker reports only a handful of starts
        Awaitility.await().pollDelay(Duration.ofSeconds(1)).during(Duration.ofSeconds(40)).atMost(Duration.ofSeconds(45)).until(() -> {
            String starts = DockerCli.run("events", "--since", sinceArg, "--until", Long.toString(Instant.now().getEpochSecond()),
                    "--filter", "label=dev.mooring.namespace=" + ns, "--filter", "event=start", "--format", "{{.Action}}");
            return starts.lines().count() <= 5;
        });
        assertThat(Api.get(ns, "apps", "crash").jsonPath().getInt("status.containers[0].restarts")).isBetween(2, 4);
    }

    @Test
    void aSuspendedAppIsLeftAlone() {
        Api.applyOk(Api.app(ns, "susp", 1, null));
        Api.awaitReady(ns, "susp", CONVERGE);
        Api.applyOk(Api.app(ns, "susp", 1, "suspend: true"));
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() ->
                assertThat(Api.condition(Api.get(ns, "apps", "susp").jsonPath(), "Suspended")).isEqualTo("True"));
        DockerCli.run("rm", "-f", ns + "-susp-1");
        double passes = Api.reconciles("App");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Api.reconciles("App") >= passes + 2);
        assertThat(DockerCli.appContainers(ns, "susp")).isEmpty();

        Api.applyOk(Api.app(ns, "susp", 1, null));
        Api.awaitReady(ns, "susp", CONVERGE);
        assertThat(DockerCli.appContainers(ns, "susp")).hasSize(1);
    }

    @Test
    void aLocallyRebuiltImageUnderTheSameTagIsRolledOut() {
        String tag = "mooring-test/rebuilt-" + ns + ":latest";
        String v1 = DockerCli.build(tag, "FROM mooring-test/busybox:1\nRUN echo one > /version\n");
        try {
            Api.applyOk(Api.app(ns, "reb", 2, "update: {monitor: 1s}").replace(DockerCli.IMAGE, tag));
            Api.awaitReady(ns, "reb", CONVERGE);
            assertThat(DockerCli.appContainers(ns, "reb")).allMatch(c -> v1.equals(DockerCli.inspect(c.id(), "{{.Image}}")));

            String v2 = DockerCli.build(tag, "FROM mooring-test/busybox:1\nRUN echo two > /version\n");
            assertThat(v2).isNotEqualTo(v1);
            Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() ->
                    assertThat(DockerCli.appContainers(ns, "reb")).hasSize(2).allMatch(Ctr::running)
                            .allMatch(c -> v2.equals(DockerCli.inspect(c.id(), "{{.Image}}"))));
            assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/reb/revisions").jsonPath().getList("items.imageId"))
                    .containsExactly(v1, v2);
        } finally {
            clean();
            DockerCli.run("image", "rm", "-f", tag);
        }
    }

    @Test
    void withPullPolicyAlwaysAnImagePushedAnewUnderTheSameTagIsPulledAndRolledOut() throws Exception {
        Registry registry = Registry.start();
        String ref = registry.host() + "/mooring/pulled:latest";
        try {
            String v1 = DockerCli.build(ref, "FROM mooring-test/busybox:1\nRUN echo one > /version\n");
            DockerCli.run("push", ref);
            Api.applyOk(Api.app(ns, "pull", 1, "imagePullPolicy: Always\nupdate: {monitor: 1s}").replace(DockerCli.IMAGE, ref));
            Api.awaitReady(ns, "pull", CONVERGE);
            assertThat(DockerCli.inspect(ns + "-pull-1", "{{.Image}}")).isEqualTo(v1);

            // v2 reaches the registry; locally the tag still names v1, so only a pull can bring it
            String v2 = DockerCli.build(ref, "FROM mooring-test/busybox:1\nRUN echo two > /version\n");
            DockerCli.run("push", ref);
            DockerCli.run("tag", v1, ref);
            assertThat(DockerCli.run("image", "inspect", "--format", "{{.Id}}", ref)).isEqualTo(v1);
            Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() ->
                    assertThat(DockerCli.inspect(ns + "-pull-1", "{{.Image}}")).isEqualTo(v2));
            Api.awaitReady(ns, "pull", CONVERGE);
        } finally {
            clean();
            registry.close();
            DockerCli.run("image", "rm", "-f", ref);
        }
    }
}
