package dev.mooring.source.rest;

import dev.mooring.api.ResourceParser;
import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

/**
 * The REST contract: CRUD, apply, optimistic concurrency, bad input. Runs against H2 here and
 * against PostgreSQL in {@link ApiPostgresTest}.
 */
@QuarkusTest
class ApiTest {
    String ns;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("api");
    }

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, Duration.ofSeconds(30));
    }

    private String network(String name) {
        return """
                apiVersion: mooring.dev/v1alpha1
                kind: Network
                metadata: {name: %s, namespace: %s, labels: {tier: backend}}
                spec: {driver: bridge}
                """.formatted(name, ns);
    }

    @jakarta.inject.Inject
    dev.mooring.store.ResourceStore store;

    @Test
    void aResourceOwnedByAnotherSourceRefusesRestWritesWithA409NamingItsOwner() {
        String repo = "a-repository-with-a-rather-long-name-to-fill-the-source-column";
        String source = dev.mooring.store.ResourceSources.git(ns, repo);
        dev.mooring.api.MooringResource<?, ?> owned = ResourceParser.parse(network("owned"), true, ns).get(0);
        store.create(owned, source);
        String owner = "owned by GitRepository " + ns + "/" + repo;

        Api.givenYaml().body(network("owned").replace("{driver: bridge}", "{driver: bridge, internal: true}"))
                .put(Api.BASE + "/namespaces/" + ns + "/networks/owned")
                .then().statusCode(409).contentType("application/problem+json").body("detail", containsString(owner));
        Api.givenYaml().body(network("owned")).post(Api.BASE + "/apply")
                .then().statusCode(409).body("detail", containsString(owner));
        Api.givenYaml().body(network("owned")).post(Api.BASE + "/namespaces/" + ns + "/networks")
                .then().statusCode(409).body("detail", containsString(owner));
        RestAssured.delete(Api.BASE + "/namespaces/" + ns + "/networks/owned")
                .then().statusCode(409).body("detail", containsString(owner));

        assertThat(store.sourceOf(dev.mooring.api.Kind.Network, ns, "owned")).contains(source);
        assertThat(store.keysOwnedBy(source)).extracting(k -> k.name()).containsExactly("owned");
        // its owner may still delete it (retried like every writer does when the loop's status
        // write got in between: an optimistic-lock conflict)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> store.delete(dev.mooring.api.Kind.Network, ns, "owned", source) != null);
    }

    @Test
    void createReadListAndSelectByLabel() {
        Api.givenYaml().body(network("n1"))
                .post(Api.BASE + "/namespaces/" + ns + "/networks")
                .then().statusCode(201)
                .body("metadata.uid", startsWith(""))
                .body("metadata.generation", equalTo(1))
                .body("metadata.finalizers", hasItem("mooring.dev/cleanup"));
        RestAssured.given().contentType("application/json")
                .body(Map.of("apiVersion", "mooring.dev/v1alpha1", "kind", "Network",
                        "metadata", Map.of("name", "n2", "labels", Map.of("tier", "frontend")), "spec", Map.of()))
                .post(Api.BASE + "/namespaces/" + ns + "/networks")
                .then().statusCode(201).body("metadata.namespace", equalTo(ns));

        Api.get(ns, "networks", "n1").then().statusCode(200).body("spec.driver", equalTo("bridge"));
        RestAssured.get(Api.BASE + "/namespaces/" + ns + "/networks").then().body("items.metadata.name", equalTo(List.of("n1", "n2")));
        RestAssured.given().queryParam("labelSelector", "tier=backend").get(Api.BASE + "/namespaces/" + ns + "/networks")
                .then().body("items.metadata.name", equalTo(List.of("n1")));
        // creating it again is a conflict, not an overwrite
        Api.givenYaml().body(network("n1"))
                .post(Api.BASE + "/namespaces/" + ns + "/networks")
                .then().statusCode(409).contentType("application/problem+json").body("detail", containsString("already exists"));
        Api.get(ns, "networks", "missing").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void applyReportsCreatedConfiguredUnchangedAndDryRunStoresNothing() {
        String yaml = network("a") + "---\n" + Api.app(ns, "web", 0, null);
        Api.givenYaml().queryParam("dryRun", true).body(yaml).post(Api.BASE + "/apply")
                .then().statusCode(200).body("results.result", equalTo(List.of("created", "created")));
        Api.get(ns, "networks", "a").then().statusCode(404);

        Api.apply(yaml).then().statusCode(200).body("results.result", equalTo(List.of("created", "created")));
        Api.apply(yaml).then().statusCode(200).body("results.result", equalTo(List.of("unchanged", "unchanged")));
        long generation = Api.get(ns, "apps", "web").jsonPath().getLong("metadata.generation");

        String changed = network("a") + "---\n" + Api.app(ns, "web", 0, "env: [{name: A, value: b}]");
        Api.apply(changed).then().statusCode(200).body("results.result", equalTo(List.of("unchanged", "configured")));
        assertThat(Api.get(ns, "apps", "web").jsonPath().getLong("metadata.generation")).isEqualTo(generation + 1);
    }

    @Test
    void staleResourceVersionIsAConflictAndConcurrentPutsHaveOneWinner() throws Exception {
        Api.apply(Api.app(ns, "web", 0, null)).then().statusCode(200);
        Api.awaitReady(ns, "web", Duration.ofSeconds(20)); // the loop has written status; nothing else writes now
        Map<String, Object> current = Api.get(ns, "apps", "web").jsonPath().getMap("");
        @SuppressWarnings("unchecked")
        String rv = (String) ((Map<String, Object>) current.get("metadata")).get("resourceVersion");

        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Integer>> results = new ArrayList<>();
        for (String value : List.of("one", "two")) {
            String body = """
                    {"apiVersion":"mooring.dev/v1alpha1","kind":"App",
                     "metadata":{"name":"web","namespace":"%s","resourceVersion":"%s"},
                     "spec":{"image":"%s","replicas":0,"env":[{"name":"WHO","value":"%s"}]}}
                    """.formatted(ns, rv, DockerCli.IMAGE, value);
            results.add(pool.submit(() -> {
                start.await();
                return RestAssured.given().contentType("application/json").body(body)
                        .put(Api.BASE + "/namespaces/" + ns + "/apps/web").statusCode();
            }));
        }
        List<Integer> codes = new ArrayList<>();
        for (Future<Integer> f : results) {
            codes.add(f.get());
        }
        pool.shutdown();
        assertThat(codes).containsExactlyInAnyOrder(200, 409);

        // and a plain stale write, after the fact, is refused too
        String stale = """
                {"apiVersion":"mooring.dev/v1alpha1","kind":"App","metadata":{"name":"web","resourceVersion":"%s"},
                 "spec":{"image":"%s","replicas":0}}
                """.formatted(rv, DockerCli.IMAGE);
        RestAssured.given().contentType("application/json").body(stale).put(Api.BASE + "/namespaces/" + ns + "/apps/web")
                .then().statusCode(409).contentType("application/problem+json").body("detail", containsString("resourceVersion"));
    }

    /**
     * Issue 10, finding 6: a PUT without resourceVersion replaces whatever is stored, so a conflict
     * with another writer (the loop's status writes, another PUT) is retried inside, never a 409.
     */
    @Test
    void putsWithoutResourceVersionAllSucceedWhileTheLoopWritesStatus() throws Exception {
        Api.apply(Api.app(ns, "web", 0, null)).then().statusCode(200);
        int writers = 6;
        int each = 8;
        CyclicBarrier start = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<List<String>>> results = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            results.add(pool.submit(() -> {
                start.await();
                List<String> failures = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    // every PUT changes the spec: the loop reconciles and writes status (observedGeneration) meanwhile
                    String body = """
                            {"apiVersion":"mooring.dev/v1alpha1","kind":"App","metadata":{"name":"web","namespace":"%s"},
                             "spec":{"image":"%s","replicas":0,"env":[{"name":"WHO","value":"w%d-%d"}]}}
                            """.formatted(ns, DockerCli.IMAGE, writer, i);
                    Response r = RestAssured.given().contentType("application/json").body(body).put(Api.BASE + "/namespaces/" + ns + "/apps/web");
                    if (r.statusCode() != 200) {
                        failures.add(r.statusCode() + " " + r.asString());
                    }
                }
                return failures;
            }));
        }
        List<String> failures = new ArrayList<>();
        for (Future<List<String>> f : results) {
            failures.addAll(f.get());
        }
        pool.shutdown();
        assertThat(failures).as("of %d PUTs without resourceVersion", writers * each).isEmpty();
        assertThat(Api.get(ns, "apps", "web").jsonPath().getLong("metadata.generation")).isEqualTo(1 + writers * each);
    }

    @Test
    void deleteIsTwoPhaseAndFinishes() {
        Api.apply(network("gone")).then().statusCode(200);
        Api.delete(ns, "networks", "gone").then().statusCode(202).body("metadata.deletionTimestamp", startsWith("20"));
        Api.awaitGone(ns, "networks", "gone", Duration.ofSeconds(20));
        assertThat(DockerCli.exists("network", ns + "-gone")).isFalse();
    }

    @Test
    void eventsAreRecorded() {
        Api.apply(network("ev")).then().statusCode(200);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                RestAssured.get(Api.BASE + "/namespaces/" + ns + "/networks/ev/events").then().statusCode(200)
                        .body("items.reason", hasItem("Created"))
                        .body("items.message", hasItem(containsString("CreateNetwork " + ns + "-ev"))));
    }

    @Test
    void openApiDocumentIsServed() {
        RestAssured.given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1alpha1/apply"));
    }

    // ---- bad input: 4xx problem+json naming the field, nothing stored, nothing on the engine ----

    private void assertRejected(String yaml, int status, String field) {
        Response r = Api.apply(yaml);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        if (field != null) {
            assertThat(r.jsonPath().getList("errors.field", String.class)).as(r.asString()).contains(field);
            assertThat(r.jsonPath().getString("detail")).contains(field);
        }
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps").jsonPath().getList("items")).isEmpty();
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/networks").jsonPath().getList("items")).isEmpty();
        assertThat(DockerCli.containers(Map.of("dev.mooring.namespace", ns))).isEmpty();
    }

    @Test
    void badInputIsRejectedAndLeavesNothingBehind() {
        String good = network("ok") + "---\n";
        assertRejected(good + Api.app(ns, "web", 1, "imagee: typo"), 422, "spec.imagee");
        assertRejected(good + Api.app(ns, "Web_1", 1, null), 422, "metadata.name");
        assertRejected(good + Api.app(ns, "web", 1, "ports: [{containerPort: 70000}]"), 422, "spec.ports[0].containerPort");
        assertRejected(good + Api.app(ns, "web", 1, "ports: [{containerPort: 80, hostPort: 0}]"), 422, "spec.ports[0].hostPort");
        assertRejected(good + Api.app(ns, "web", -1, null), 422, "spec.replicas");
        assertRejected(good + Api.app(ns, "web", 1, "healthcheck: {test: [CMD, 'true'], interval: 5 parsecs}"), 422, "spec.healthcheck.interval");
        assertRejected(good + Api.app(ns, "web", 1, "resources: {memory: lots}"), 422, "spec.resources.memory");
        assertRejected(good + Api.app(ns, "web", 1, "replicas: many"), 422, "spec.replicas");
        assertRejected(good + Api.app(ns, "web", 1, null).replace("image: " + DockerCli.IMAGE, "image: 'Not An/Image::'"), 422, "spec.image");
        assertRejected(good + Api.app(ns, "web", 1, "ports: {containerPort: 80"), 400, null);
        assertRejected(good + "kind: Gadget\napiVersion: mooring.dev/v1alpha1\nmetadata: {name: x}\nspec: {}\n", 422, "kind");

        Response json = RestAssured.given().contentType("application/json").body("{\"apiVersion\": ").post(Api.BASE + "/apply");
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(json.contentType()).startsWith("application/problem+json");
    }

    @Test
    void wrongTypeIsNamed() {
        Response r = Api.apply(Api.app(ns, "web", 1, "env: {A: b}"));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
        assertThat(r.jsonPath().getList("errors.field", String.class)).anyMatch(f -> f.startsWith("spec.env"));
    }
}
