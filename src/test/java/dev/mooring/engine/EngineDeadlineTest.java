package dev.mooring.engine;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.EngineProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An engine that stops answering (issue 10: a container create hung runc and held a worker for
 * 12 minutes) holds no worker past the call deadline and blocks no other App, and every deletion
 * it holds up has a way out. The engine is reached through a proxy that holds chosen requests
 * unanswered; the loop has a single worker and a 3 s deadline, so one stuck call would stop it all.
 */
@QuarkusTest
@TestProfile(EngineDeadlineTest.HungEngine.class)
class EngineDeadlineTest {
    static final Duration DEADLINE = Duration.ofSeconds(3);

    public static class HungEngine implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mooring.engines.local.host", "tcp://127.0.0.1:" + proxyPort(),
                    "mooring.docker.call-timeout", DEADLINE.toSeconds() + "s",
                    "mooring.controller.workers", "1");
        }
    }

    /** One holding proxy per JVM, found through system properties from every class loader (as in {@link EventStreamTest}). */
    static synchronized int proxyPort() {
        String port = System.getProperty("mooring.test.hold-proxy-port");
        if (port == null) {
            int p = DockerCli.freePort();
            try {
                EngineProxy proxy = new EngineProxy(p);
                System.setProperty("mooring.test.hold-proxy-control", Integer.toString(proxy.controlPort()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            System.setProperty("mooring.test.hold-proxy-port", Integer.toString(p));
            return p;
        }
        return Integer.parseInt(port);
    }

    static int control() {
        proxyPort();
        return Integer.parseInt(System.getProperty("mooring.test.hold-proxy-control"));
    }

    String ns = Api.uniqueNamespace("dl");

    @AfterEach
    void clean() {
        EngineProxy.release(control());
        Api.deleteNamespace(ns, Duration.ofSeconds(90));
    }

    @Test
    void aHungCreateTimesOutWithoutBlockingAnotherAppAndConvergesOnceTheEngineAnswers() {
        int heldBefore = EngineProxy.held(control());
        EngineProxy.hold(control(), "^POST \\S*/containers/create\\?name=" + ns + "-a-");
        long start = System.nanoTime();
        Api.applyOk(Api.app(ns, "a", 1, null));
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> EngineProxy.held(control()) > heldBefore);
        long heldAt = System.nanoTime();

        // the only worker was in A's create: B converges only because that call was given up
        Api.applyOk(Api.app(ns, "b", 1, null));
        Api.awaitReady(ns, "b", Duration.ofSeconds(25));
        long bReady = System.nanoTime();

        JsonPath a = awaitReason(ns, "a", "EngineTimeout", Duration.ofSeconds(20));
        long aTimedOut = System.nanoTime();
        String message = degradedMessage(a);
        assertThat(message).contains("container.create").contains("did not answer within 3s");
        assertThat(DockerCli.appContainers(ns, "a")).isEmpty();
        System.out.printf("engine deadline: A's create held at %d ms; B ready %d ms later; A shows EngineTimeout %d ms after its create was held%n",
                ms(heldAt - start), ms(bReady - heldAt), ms(aTimedOut - heldAt));

        // the engine answers again: the held creates reach it, and A ends with one container
        EngineProxy.release(control());
        Api.awaitReady(ns, "a", Duration.ofSeconds(60));
        List<DockerCli.Ctr> containers = DockerCli.appContainers(ns, "a");
        assertThat(containers).as("no duplicate container").hasSize(1).allMatch(DockerCli.Ctr::running);
        Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(metric("mooring_docker_calls_overdue"))
                .as("calls still stuck past their deadline").isZero());
    }

    @Test
    void anAppOnAnEngineThatIsNotConfiguredDeletesAndCanBeAppliedAgain() {
        Api.applyOk(Api.app(ns, "typo", 1, "engine: lcoal"));
        awaitReason(ns, "typo", "UnknownEngine", Duration.ofSeconds(20));

        assertThat(Api.delete(ns, "apps", "typo").statusCode()).isEqualTo(202);
        Api.awaitGone(ns, "apps", "typo", Duration.ofSeconds(20));

        Api.applyOk(Api.app(ns, "typo", 1, null));
        Api.awaitReady(ns, "typo", Duration.ofSeconds(30));

        // a Volume and a Network on that engine delete as well
        Api.applyOk("""
                apiVersion: mooring.dev/v1alpha1
                kind: Volume
                metadata: {name: typo-data, namespace: %1$s}
                spec: {engine: lcoal}
                ---
                apiVersion: mooring.dev/v1alpha1
                kind: Network
                metadata: {name: typo-net, namespace: %1$s}
                spec: {engine: lcoal}
                """.formatted(ns));
        for (String plural : List.of("volumes", "networks")) {
            String name = plural.equals("volumes") ? "typo-data" : "typo-net";
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    Api.conditionReason(Api.get(ns, plural, name).jsonPath(), "Ready")).isEqualTo("UnknownEngine"));
            assertThat(Api.delete(ns, plural, name).statusCode()).isEqualTo(202);
            Api.awaitGone(ns, plural, name, Duration.ofSeconds(20));
        }
    }

    @Test
    void aDeletionTheEngineHoldsIsForcedByAnAdminAndSaysWhatItLeft() {
        Api.applyOk(Api.app(ns, "stuck", 1, null));
        JsonPath ready = Api.awaitReady(ns, "stuck", Duration.ofSeconds(30));
        String name = ready.getString("status.containers[0].name");
        String id = ready.getString("status.containers[0].id");
        EngineProxy.hold(control(), "^(POST|DELETE) \\S*/containers/" + id);

        assertThat(Api.delete(ns, "apps", "stuck").statusCode()).isEqualTo(202);
        awaitReason(ns, "stuck", "EngineTimeout", Duration.ofSeconds(20));

        String deployer = Api.token("dl-deployer-" + ns, Map.of(ns, "deployer"));
        Response denied = Api.as(deployer).delete(Api.BASE + "/namespaces/" + ns + "/apps/stuck?force=true");
        assertThat(denied.statusCode()).as(denied.asString()).isEqualTo(403);
        assertThat(denied.jsonPath().getString("detail")).contains("admin role");
        assertThat(Api.get(ns, "apps", "stuck").statusCode()).as("a refused force leaves the App").isEqualTo(200);

        Response forced = RestAssured.delete(Api.BASE + "/namespaces/" + ns + "/apps/stuck?force=true");
        assertThat(forced.statusCode()).as(forced.asString()).isEqualTo(200);
        JsonPath body = forced.jsonPath();
        assertThat(body.getString("reason")).isEqualTo("ForceDeleted");
        assertThat(body.getList("details.leftBehind")).containsExactly(Map.of("type", "container", "name", name, "id", id));
        assertThat(body.getString("message")).contains(name);
        assertThat(Api.get(ns, "apps", "stuck").statusCode()).isEqualTo(404);

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Map<String, Object>> audit = RestAssured.given().queryParam("namespace", ns).queryParam("name", "stuck")
                    .queryParam("verb", "delete").get(Api.BASE + "/audit").then().statusCode(200).extract().jsonPath().getList("items");
            assertThat(audit).anySatisfy(e -> assertThat((String) e.get("detail")).contains("forced").contains(name));
        });

        // the name is free again at once
        EngineProxy.release(control());
        Api.applyOk(Api.app(ns, "stuck", 1, null));
        Api.awaitReady(ns, "stuck", Duration.ofSeconds(60));
    }

    /** Waits until the App's Degraded condition has the reason. */
    static JsonPath awaitReason(String ns, String app, String reason, Duration timeout) {
        JsonPath[] last = new JsonPath[1];
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            Response r = Api.get(ns, "apps", app);
            assertThat(Api.conditionReason(r.jsonPath(), "Degraded")).as(r.asString()).isEqualTo(reason);
            last[0] = r.jsonPath();
        });
        return last[0];
    }

    static String degradedMessage(JsonPath app) {
        List<Map<String, Object>> conds = app.getList("status.conditions");
        return conds.stream().filter(c -> "Degraded".equals(c.get("type"))).map(c -> (String) c.get("message")).findFirst().orElse("");
    }

    static double metric(String name) {
        double total = 0;
        for (String line : RestAssured.get("/q/metrics").asString().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
