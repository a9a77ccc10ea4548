package dev.mooring.testing;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Small REST helpers for tests: apply YAML, read resources, wait for conditions. */
public final class Api {
    public static final String BASE = "/api/v1alpha1";

    /** A request with a YAML body (REST Assured needs telling that YAML is text). */
    public static io.restassured.specification.RequestSpecification givenYaml() {
        return yamlAsText(RestAssured.given()).contentType("application/yaml");
    }

    private static io.restassured.specification.RequestSpecification yamlAsText(io.restassured.specification.RequestSpecification r) {
        return r.config(RestAssured.config().encoderConfig(io.restassured.config.EncoderConfig.encoderConfig()
                .encodeContentTypeAs("application/yaml", io.restassured.http.ContentType.TEXT)));
    }

    private Api() {
    }

    /** A request with this bearer token instead of the admin token every test request carries ({@link AdminToken}). */
    public static io.restassured.specification.RequestSpecification as(String token) {
        return yamlAsText(RestAssured.given()).header("Authorization", "Bearer " + token);
    }

    /** A request without any token. */
    public static io.restassured.specification.RequestSpecification anonymous() {
        return yamlAsText(RestAssured.given()).noFiltersOfType(AdminToken.Header.class);
    }

    /** Creates a token through the API (as admin) and answers its secret. */
    public static String token(String name, Map<String, String> roles) {
        Response r = RestAssured.given().contentType("application/json").body(Map.of("name", name, "roles", roles))
                .post(BASE + "/tokens");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        return r.jsonPath().getString("token");
    }

    public static Response apply(String yaml) {
        return givenYaml().body(yaml).post(BASE + "/apply");
    }

    public static JsonPath applyOk(String yaml) {
        Response r = apply(yaml);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return r.jsonPath();
    }

    public static Response get(String ns, String plural, String name) {
        return RestAssured.get(BASE + "/namespaces/" + ns + "/" + plural + "/" + name);
    }

    public static Response delete(String ns, String plural, String name) {
        return RestAssured.delete(BASE + "/namespaces/" + ns + "/" + plural + "/" + name);
    }

    /** The condition's status ("True", "False", "Unknown") or null when absent. */
    public static String condition(JsonPath r, String type) {
        List<Map<String, Object>> conds = r.getList("status.conditions");
        if (conds == null) {
            return null;
        }
        return conds.stream().filter(c -> type.equals(c.get("type"))).map(c -> (String) c.get("status")).findFirst().orElse(null);
    }

    public static String conditionReason(JsonPath r, String type) {
        List<Map<String, Object>> conds = r.getList("status.conditions");
        if (conds == null) {
            return null;
        }
        return conds.stream().filter(c -> type.equals(c.get("type"))).map(c -> (String) c.get("reason")).findFirst().orElse(null);
    }

    /** Waits until the App is Ready=True for its current generation. */
    public static JsonPath awaitReady(String ns, String app, Duration timeout) {
        JsonPath[] last = new JsonPath[1];
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Response r = get(ns, "apps", app);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonPath j = r.jsonPath();
            assertThat(condition(j, "Ready")).as(r.asString()).isEqualTo("True");
            assertThat(j.getLong("status.observedGeneration")).isEqualTo(j.getLong("metadata.generation"));
            last[0] = j;
        });
        return last[0];
    }

    public static void awaitGone(String ns, String plural, String name, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(get(ns, plural, name).statusCode()).isEqualTo(404));
    }

    /** Deletes every resource of the namespace through the API, waits until they are gone, then sweeps the engine. */
    public static void deleteNamespace(String ns, Duration timeout) {
        for (String plural : List.of("apps", "networks", "volumes")) {
            List<String> names = RestAssured.get(BASE + "/namespaces/" + ns + "/" + plural).jsonPath().getList("items.metadata.name");
            names.forEach(n -> delete(ns, plural, n));
            names.forEach(n -> awaitGone(ns, plural, n, timeout));
        }
        DockerCli.cleanNamespace(ns);
    }

    /** How many reconcile passes of the kind have finished, from /q/metrics. */
    public static double reconciles(String kind) {
        String metrics = RestAssured.get("/q/metrics").asString();
        double total = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("mooring_reconcile_seconds_count{") && line.contains("kind=\"" + kind + "\"")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** A simple App manifest: busybox sleeping, quick to stop. */
    public static String app(String ns, String name, int replicas, String extraSpec) {
        return app(ns, name, DockerCli.IMAGE, replicas, extraSpec);
    }

    /** {@link #app(String, String, int, String)} of another image (which must hold {@code sleep}). */
    public static String app(String ns, String name, String image, int replicas, String extraSpec) {
        return """
                apiVersion: mooring.dev/v1alpha1
                kind: App
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  image: %s
                  command: ["sleep", "100000"]
                  replicas: %d
                  stopGracePeriod: 1s
                %s
                """.formatted(name, ns, image, replicas, extraSpec == null ? "" : extraSpec.indent(2));
    }

    public static String uniqueNamespace(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    }
}
