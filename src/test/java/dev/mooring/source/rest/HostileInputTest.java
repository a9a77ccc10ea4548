package dev.mooring.source.rest;

import dev.mooring.api.ResourceParser;
import dev.mooring.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Bodies meant to hurt: each is refused with a clear 4xx before any work, and the service keeps answering. */
@QuarkusTest
class HostileInputTest {
    String ns;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("hostile");
    }

    private void assertStillAnswering() {
        long t0 = System.nanoTime();
        RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps").then().statusCode(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms for a GET right after").isLessThan(1000);
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps").jsonPath().getList("items")).isEmpty();
    }

    /** Billion laughs with 50 aliases: ten lists of ten, each level ten times the one before (10^6 strings). */
    @Test
    void aYamlAliasBombIsRefusedFastAndTheServiceKeepsAnswering() {
        StringBuilder bomb = new StringBuilder("apiVersion: mooring.dev/v1alpha1\nkind: App\nmetadata: {name: lol, namespace: " + ns + "}\n");
        bomb.append("spec:\n  image: busybox:1\n  labels:\n    a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        String previous = "a";
        for (int level = 0; level < 5; level++) {
            String name = "l" + level;
            bomb.append("    ").append(name).append(": &").append(name).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*" + previous))).append("]\n");
            previous = name;
        }
        assertThat(bomb.toString().split("\\*", -1)).hasSize(51);
        // a harmless YAML request first, so that the clock below does not count class loading in a fresh JVM
        Api.apply("apiVersion: mooring.dev/v1alpha1\nkind: App\nmetadata: {name: warm, namespace: " + ns + "}\nspec: {image: \"\"}\n");
        long t0 = System.nanoTime();
        Response r = Api.apply(bomb.toString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("detail")).contains("YAML aliases");
        assertThat(ms).as("ms to refuse the bomb").isLessThan(1000);
        assertStillAnswering();
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "apiVersion: mooring.dev/v1alpha1\nkind: App\nmetadata: {name: deep}\nspec: {image: busybox:1, labels: {a: "
                + "[".repeat(50_000) + "]".repeat(50_000) + "}}\n";
        Response yaml = Api.apply(deep);
        assertThat(yaml.statusCode()).as(yaml.asString()).isEqualTo(400);
        assertThat(yaml.jsonPath().getString("detail")).contains("nested too deeply");
        Response json = RestAssured.given().contentType("application/json").body("{\"a\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}")
                .post(Api.BASE + "/apply");
        assertThat(json.statusCode()).as(json.asString()).isEqualTo(400);
        assertStillAnswering();
    }

    @Test
    void oversizedFieldsAreNamed() {
        Response longValue = Api.apply(Api.app(ns, "web", 0, "env: [{name: A, value: \"" + "x".repeat(ResourceParser.MAX_STRING + 1) + "\"}]"));
        assertThat(longValue.statusCode()).as(longValue.asString()).isEqualTo(422);
        assertThat(longValue.jsonPath().getList("errors.field", String.class)).containsExactly("spec.env[0].value");
        assertThat(longValue.jsonPath().getString("detail")).contains("at most 65536");

        StringBuilder env = new StringBuilder("env:\n");
        for (int i = 0; i <= ResourceParser.MAX_ENTRIES; i++) {
            env.append("  - {name: V").append(i).append(", value: x}\n");
        }
        Response manyEnv = Api.apply(Api.app(ns, "web", 0, env.toString()));
        assertThat(manyEnv.statusCode()).as(manyEnv.asString()).isEqualTo(422);
        assertThat(manyEnv.jsonPath().getList("errors.field", String.class)).containsExactly("spec.env");
        assertThat(manyEnv.jsonPath().getString("detail")).contains("has 1001 entries");
        assertStillAnswering();
    }

    /**
     * Issue 10, finding 6: a chunked body (no Content-Length to refuse up front) past
     * mooring.api.max-body-size is a 413 problem+json too, audited as 413, and no ERROR in the log.
     */
    @Test
    void aChunkedBodyOverTheLimitIsA413AuditedAs413WithoutAnErrorInTheLog() throws Exception {
        java.nio.file.Path log = java.nio.file.Path.of("target/mooring-test.log");
        long logBefore = java.nio.file.Files.size(log);
        String headers = "Authorization: Bearer " + dev.mooring.testing.AdminToken.TOKEN + "\r\nContent-Type: application/yaml\r\n";
        dev.mooring.testing.RawHttp.Response r;
        try (dev.mooring.testing.RawHttp http = dev.mooring.testing.RawHttp.connect(null)) {
            // 2 MiB in 64 KiB chunks, over the test's 1 MiB limit
            r = http.sendChunked("POST", Api.BASE + "/namespaces/" + ns + "/apps", headers, "x".repeat(2 << 20).getBytes(), 64 * 1024);
        }
        assertThat(r.status()).as(r.body()).isEqualTo(413);
        assertThat(r.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(r.body()).contains("mooring.api.max-body-size");
        assertStillAnswering();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                RestAssured.given().queryParam("namespace", ns).queryParam("kind", "App").get(Api.BASE + "/audit").then().statusCode(200)
                        .body("items.size()", org.hamcrest.Matchers.equalTo(1))
                        .body("items[0].status", org.hamcrest.Matchers.equalTo(413))
                        .body("items[0].outcome", org.hamcrest.Matchers.equalTo("rejected")));
        String logged;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(log)) {
            in.skipNBytes(logBefore);
            logged = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(logged.lines().filter(l -> l.contains(" ERROR ")).toList()).isEmpty();
        assertThat(logged).doesNotContain("\tat ");

        // a chunked body within the limit is read as ever
        try (dev.mooring.testing.RawHttp http = dev.mooring.testing.RawHttp.connect(null)) {
            r = http.sendChunked("POST", Api.BASE + "/namespaces/" + ns + "/apps", headers, Api.app(ns, "chunked", 0, null).getBytes(), 16);
        }
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(Api.get(ns, "apps", "chunked").jsonPath().getInt("spec.replicas")).isZero();
        Api.delete(ns, "apps", "chunked");
    }

    @Test
    void aBodyOverTheLimitIsA413() {
        String huge = Api.app(ns, "web", 0, "labels: {a: \"" + "x".repeat(1024 * 1024) + "\"}");
        Response r = Api.apply(huge);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(413);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("detail")).contains("mooring.api.max-body-size");
        assertStillAnswering();
        assertThat(List.of(RestAssured.get(Api.BASE + "/apps").statusCode())).containsExactly(200);
    }

    private void assertReplicasRefused(Response r, String because) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getList("errors.field", String.class)).containsExactly("spec.replicas");
        assertThat(r.asString()).contains(because);
    }

    private String appYaml(String replicas) {
        return "apiVersion: mooring.dev/v1alpha1\nkind: App\nmetadata: {name: web, namespace: " + ns + "}\n"
                + "spec: {image: busybox:1, replicas: " + replicas + "}\n";
    }

    private Response applyJson(String replicas) {
        return RestAssured.given().contentType("application/json")
                .body("{\"apiVersion\":\"mooring.dev/v1alpha1\",\"kind\":\"App\",\"metadata\":{\"name\":\"web\",\"namespace\":\"" + ns
                        + "\"},\"spec\":{\"image\":\"busybox:1\",\"replicas\":" + replicas + "}}")
                .post(Api.BASE + "/apply");
    }

    /** {@code replicas: 1.5} used to run one replica and {@code "3"} three: a number field takes a whole number only. */
    @Test
    void replicasMustBeAnIntegerInJsonAndYaml() {
        assertReplicasRefused(Api.apply(appYaml("1.5")), "an integer");
        assertReplicasRefused(Api.apply(appYaml("\"3\"")), "an integer");
        assertReplicasRefused(applyJson("1.5"), "an integer");
        assertReplicasRefused(applyJson("\"3\""), "an integer");
        assertReplicasRefused(applyJson("3.0"), "an integer");
        assertStillAnswering(); // nothing was stored
        // a string field still takes a YAML number, as before (env values, labels)
        Response ok = Api.apply(Api.app(ns, "plain", 0, "env: [{name: PORT, value: 8080}]\nlabels: {tier: 1}"));
        assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(200);
        assertThat(Api.get(ns, "apps", "plain").jsonPath().getString("spec.env[0].value")).isEqualTo("8080");
        Api.delete(ns, "apps", "plain");
    }

    @Test
    void replicasAboveTheMaximumAreRefused() {
        assertReplicasRefused(Api.apply(appYaml("101")), "at most 100");
        assertReplicasRefused(applyJson("100000"), "mooring.limits.max-replicas");
        Response dryRun = Api.givenYaml().body(appYaml("100000")).post(Api.BASE + "/apply?dryRun=true");
        assertReplicasRefused(dryRun, "at most 100");
        assertStillAnswering();
    }
}
