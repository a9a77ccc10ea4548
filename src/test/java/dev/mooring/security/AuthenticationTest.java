package dev.mooring.security;

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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** Tokens, roles and the audit log through the API (the test profile's admin token is test-admin-token). */
@QuarkusTest
class AuthenticationTest {
    String ns;
    String other;

    @BeforeEach
    void namespaces() {
        ns = Api.uniqueNamespace("auth");
        other = Api.uniqueNamespace("auth-other");
    }

    @AfterEach
    void clean() {
        for (String n : List.of(ns, other)) {
            List<String> names = RestAssured.get(Api.BASE + "/namespaces/" + n + "/apps").jsonPath().getList("items.metadata.name");
            names.forEach(a -> Api.delete(n, "apps", a));
            names.forEach(a -> Api.awaitGone(n, "apps", a, Duration.ofSeconds(30)));
            DockerCli.cleanNamespace(n);
        }
    }

    private static String name(String prefix) {
        return Api.uniqueNamespace(prefix);
    }

    @Test
    void withoutAValidTokenEveryApiCallIsA401() {
        Api.anonymous().get(Api.BASE + "/apps").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("detail", containsString("Authorization: Bearer"));
        Api.as("not-a-token").get(Api.BASE + "/namespaces/" + ns + "/apps").then().statusCode(401)
                .body("detail", containsString("not valid"));
        Api.anonymous().contentType("application/yaml").body(Api.app(ns, "web", 0, null)).post(Api.BASE + "/apply")
                .then().statusCode(401);
        Api.anonymous().get(Api.BASE + "/tokens").then().statusCode(401);
        RestAssured.given().header("Authorization", "Basic dGVzdDp0ZXN0").get(Api.BASE + "/apps").then().statusCode(401);
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps").jsonPath().getList("items")).isEmpty();

        // health and the OpenAPI document stay open; metrics need a token (mooring.auth.public-metrics)
        Api.anonymous().get("/q/health/ready").then().statusCode(200);
        Api.anonymous().get("/q/health/live").then().statusCode(200);
        Api.anonymous().accept("application/json").get("/q/openapi").then().statusCode(200);
        Api.anonymous().get("/q/metrics").then().statusCode(401);
        RestAssured.get("/q/metrics").then().statusCode(200);
    }

    /**
     * Issue 10, finding 6: a flood of requests without a valid token, each naming what it likes,
     * is one audit line per source address and minute with the count, and none of the names.
     */
    @Test
    void requestsWithoutAValidTokenAreCountedPerAddressAndMinuteWithoutTheirNames() throws Exception {
        java.util.Random random = new java.util.Random();
        String address = "127." + (1 + random.nextInt(250)) + "." + random.nextInt(256) + "." + (2 + random.nextInt(250));
        List<String> names = new java.util.ArrayList<>();
        try (dev.mooring.testing.RawHttp http = dev.mooring.testing.RawHttp.connect(address)) {
            for (int i = 0; i < 500; i++) {
                String a = "flood" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
                String b = "name" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
                names.add(a);
                names.add(b);
                if (i % 5 == 0) {
                    // the one public write: a webhook, here of GitRepositories that do not exist (404)
                    var r = http.send("POST", Api.BASE + "/namespaces/" + a + "/gitrepositories/" + b + "/webhook", "Content-Length: 0\r\n");
                    assertThat(r.status()).isEqualTo(404);
                    continue;
                }
                String auth = i % 2 == 0 ? "" : "Authorization: Bearer " + b + "\r\n"; // half without a token, half with a bad one
                String method = i % 3 == 0 ? "DELETE" : "GET";
                var r = http.send(method, Api.BASE + "/namespaces/" + a + "/apps/" + b, auth);
                assertThat(r.status()).isEqualTo(401);
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            List<Map<String, Object>> lines = RestAssured.given().queryParam("user", "anonymous").queryParam("limit", 1000)
                    .get(Api.BASE + "/audit").then().statusCode(200).extract().jsonPath().getList("items");
            List<Map<String, Object>> mine = lines.stream().filter(l -> address.equals(l.get("sourceAddress"))).toList();
            List<Map<String, Object>> denied = mine.stream().filter(l -> "authenticate".equals(l.get("verb"))).toList();
            List<Map<String, Object>> webhooks = mine.stream().filter(l -> "webhook".equals(l.get("verb"))).toList();
            // one line per minute and kind of refusal: two when the requests straddled a minute's end
            assertThat(mine).hasSize(denied.size() + webhooks.size());
            assertThat(denied).hasSizeBetween(1, 2);
            assertThat(webhooks).hasSizeBetween(1, 2);
            assertThat(denied.stream().mapToLong(l -> ((Number) l.get("requests")).longValue()).sum()).isEqualTo(400);
            assertThat(webhooks.stream().mapToLong(l -> ((Number) l.get("requests")).longValue()).sum()).isEqualTo(100);
            assertThat(denied).allSatisfy(l -> assertThat(l).containsEntry("outcome", "denied").containsEntry("status", 401)
                    .containsEntry("namespace", null).containsEntry("name", null));
            assertThat(webhooks).allSatisfy(l -> assertThat(l).containsEntry("outcome", "rejected").containsEntry("status", 404)
                    .containsEntry("kind", "GitRepository").containsEntry("namespace", null).containsEntry("name", null));
        });
        String all = RestAssured.given().queryParam("limit", 1000).get(Api.BASE + "/audit").asString();
        assertThat(names).noneMatch(all::contains);
    }

    @Test
    void aViewerReadsButItsWriteIsA403NamingTheRole() {
        Api.apply(Api.app(ns, "web", 0, null)).then().statusCode(200);
        String viewer = Api.token(name("viewer"), Map.of(ns, "viewer"));

        Api.as(viewer).get(Api.BASE + "/namespaces/" + ns + "/apps/web").then().statusCode(200);
        Api.as(viewer).get(Api.BASE + "/namespaces/" + ns + "/apps/web/events").then().statusCode(200);
        Api.as(viewer).get(Api.BASE + "/namespaces/" + ns + "/apps/web/logs").then().statusCode(200);
        Api.as(viewer).get(Api.BASE + "/namespaces/" + other + "/apps").then().statusCode(403)
                .body("detail", containsString("viewer role in namespace " + other + " needed to read apps"));
        Api.as(viewer).get(Api.BASE + "/apps").then().statusCode(403)
                .body("detail", containsString("in all namespaces (*)"));

        String changed = Api.app(ns, "web", 0, "env: [{name: A, value: b}]");
        Api.as(viewer).contentType("application/yaml").body(changed).post(Api.BASE + "/apply").then().statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("deployer role in namespace " + ns + " needed to write apps"));
        Api.as(viewer).contentType("application/yaml").body(Api.app(ns, "web2", 0, null)).post(Api.BASE + "/namespaces/" + ns + "/apps")
                .then().statusCode(403).body("detail", containsString("deployer role in namespace " + ns));
        Api.as(viewer).delete(Api.BASE + "/namespaces/" + ns + "/apps/web").then().statusCode(403);
        Api.as(viewer).contentType("application/json").body(Map.of()).post(Api.BASE + "/namespaces/" + ns + "/apps/web/rollback")
                .then().statusCode(403);

        JsonPath web = Api.get(ns, "apps", "web").jsonPath();
        assertThat(web.getList("spec.env")).as("nothing of the refused writes was stored").isNull();
        Api.get(ns, "apps", "web2").then().statusCode(404);
    }

    @Test
    void aDeployerWritesItsNamespacesOnlyAndCannotCreateTokensOrReadSecrets() {
        String deployer = Api.token(name("deployer"), Map.of(ns, "deployer"));
        Api.as(deployer).contentType("application/yaml").body(Api.app(ns, "web", 0, null)).post(Api.BASE + "/apply").then().statusCode(200);

        // an apply checks every resource's own namespace: one outside makes the whole request a 403, nothing stored
        String both = Api.app(ns, "second", 0, null) + "---\n" + Api.app(other, "web", 0, null);
        Api.as(deployer).contentType("application/yaml").body(both).post(Api.BASE + "/apply").then().statusCode(403)
                .body("detail", containsString("deployer role in namespace " + other + " needed to write apps"));
        Api.get(ns, "apps", "second").then().statusCode(404);
        Api.get(other, "apps", "web").then().statusCode(404);

        Api.as(deployer).contentType("application/json").body(Map.of("name", name("mine"), "roles", Map.of(ns, "admin")))
                .post(Api.BASE + "/tokens").then().statusCode(403).body("detail", containsString("admin role in all namespaces (*) needed to manage tokens"));
        Api.as(deployer).get(Api.BASE + "/tokens").then().statusCode(403);
        // Secrets are admin-only whether or not this build serves them: the rule is the path's
        Api.as(deployer).get(Api.BASE + "/namespaces/" + ns + "/secrets/db").then().statusCode(403)
                .body("detail", containsString("admin role in namespace " + ns + " needed to read secrets"));
        Api.as(deployer).get(Api.BASE + "/namespaces/" + ns + "/secrets").then().statusCode(403);
        Api.as(deployer).contentType("application/json").body("{}").post(Api.BASE + "/namespaces/" + ns + "/secrets")
                .then().statusCode(403).body("detail", containsString("admin role in namespace " + ns + " needed to write secrets"));
        // a namespace admin may
        String nsAdmin = Api.token(name("nsadmin"), Map.of(ns, "admin"));
        assertThat(Api.as(nsAdmin).get(Api.BASE + "/namespaces/" + ns + "/secrets/db").statusCode()).isNotEqualTo(403);
    }

    @Test
    void tokensAreShownOnceListedWithoutSecretsAndCanBeRevokedOrExpire() {
        String name = name("ci");
        Response created = RestAssured.given().contentType("application/json")
                .body(Map.of("name", name, "roles", Map.of(ns, "viewer", "*", "viewer"), "expiresIn", "1h")).post(Api.BASE + "/tokens");
        created.then().statusCode(201).body("token", startsWith("mr_")).body("state", equalTo("active"))
                .body("createdBy", equalTo("admin"));
        String secret = created.jsonPath().getString("token");
        String id = created.jsonPath().getString("id");

        String listed = RestAssured.get(Api.BASE + "/tokens").asString();
        assertThat(listed).contains(id).doesNotContain(secret).doesNotContain(dev.mooring.security.Tokens.hash(secret));
        RestAssured.get(Api.BASE + "/tokens/" + id).then().statusCode(200).body("name", equalTo(name)).body("token", equalTo(null));
        Api.as(secret).get(Api.BASE + "/apps").then().statusCode(200);
        // a second active token by the same name is refused
        RestAssured.given().contentType("application/json").body(Map.of("name", name, "roles", Map.of(ns, "viewer")))
                .post(Api.BASE + "/tokens").then().statusCode(409);

        RestAssured.delete(Api.BASE + "/tokens/" + id).then().statusCode(200).body("state", equalTo("revoked"));
        Api.as(secret).get(Api.BASE + "/apps").then().statusCode(401).body("detail", containsString("revoked"));
        RestAssured.delete(Api.BASE + "/tokens/nope").then().statusCode(404);

        String shortLived = RestAssured.given().contentType("application/json")
                .body(Map.of("name", name("short"), "roles", Map.of(ns, "viewer"), "expiresIn", "2s")).post(Api.BASE + "/tokens")
                .then().statusCode(201).extract().jsonPath().getString("token");
        Api.as(shortLived).get(Api.BASE + "/namespaces/" + ns + "/apps").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                Api.as(shortLived).get(Api.BASE + "/namespaces/" + ns + "/apps").then().statusCode(401)
                        .body("detail", containsString("expired")));

        RestAssured.given().contentType("application/json").body(Map.of("name", "bad name", "roles", Map.of("Shop", "boss")))
                .post(Api.BASE + "/tokens").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.hasItems("name", "roles.Shop"));
    }

    @Test
    void theAuditLogSaysWhoDidWhatWithResourceVersionsBeforeAndAfter() {
        String who = name("auditor");
        String deployer = Api.token(who, Map.of(ns, "deployer"));
        JsonPath first = Api.as(deployer).contentType("application/yaml").body(Api.app(ns, "web", 0, null)).post(Api.BASE + "/apply")
                .then().statusCode(200).extract().jsonPath();
        String rv1 = first.getString("results[0].resourceVersion");
        JsonPath second = Api.as(deployer).contentType("application/yaml").body(Api.app(ns, "web", 0, "env: [{name: A, value: b}]"))
                .post(Api.BASE + "/apply").then().statusCode(200).extract().jsonPath();
        String rv2 = second.getString("results[0].resourceVersion");
        Api.as(deployer).contentType("application/yaml").body(Api.app(other, "web", 0, null)).post(Api.BASE + "/apply").then().statusCode(403);
        Api.as(deployer).get(Api.BASE + "/audit").then().statusCode(403).body("detail", containsString("admin role"));

        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonPath audit = RestAssured.given().queryParam("user", who).get(Api.BASE + "/audit").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> items = audit.getList("items");
            assertThat(items).hasSize(4);
            // newest first
            assertThat(items.get(0)).containsEntry("verb", "list").containsEntry("outcome", "denied").containsEntry("status", 403);
            assertThat(items.get(1)).containsEntry("verb", "apply").containsEntry("outcome", "denied").containsEntry("status", 403);
            assertThat((String) items.get(1).get("detail")).contains("deployer role in namespace " + other);
            assertThat(items.get(2)).containsEntry("verb", "apply").containsEntry("kind", "App").containsEntry("namespace", ns)
                    .containsEntry("name", "web").containsEntry("resourceVersionAfter", rv2)
                    .containsEntry("outcome", "allowed").containsEntry("status", 200).containsEntry("detail", "configured")
                    .containsEntry("sourceAddress", "127.0.0.1").containsEntry("user", who);
            // before: what the second write found (the loop's status writes move it on from rv1 meanwhile)
            long before = Long.parseLong((String) items.get(2).get("resourceVersionBefore"));
            assertThat(before).isGreaterThanOrEqualTo(Long.parseLong(rv1)).isLessThan(Long.parseLong(rv2));
            assertThat(items.get(3)).containsEntry("verb", "apply").containsEntry("resourceVersionBefore", null)
                    .containsEntry("resourceVersionAfter", rv1).containsEntry("detail", "created");
            assertThat(items.get(3).get("tokenId")).isNotNull();
        });
        // filters: namespace, kind, name, verb; a namespace admin reads its own namespace's lines only
        RestAssured.given().queryParam("namespace", ns).queryParam("kind", "App").queryParam("name", "web").queryParam("verb", "apply")
                .get(Api.BASE + "/audit").then().statusCode(200).body("items.size()", equalTo(2));
        RestAssured.given().queryParam("user", who).queryParam("limit", 1).get(Api.BASE + "/audit").then().body("items.size()", equalTo(1));
        RestAssured.given().queryParam("user", who).queryParam("since", "2099-01-01T00:00:00Z").get(Api.BASE + "/audit")
                .then().body("items.size()", equalTo(0));
        String nsAdmin = Api.token(name("nsadmin"), Map.of(ns, "admin"));
        Api.as(nsAdmin).queryParam("namespace", ns).get(Api.BASE + "/audit").then().statusCode(200);
        Api.as(nsAdmin).get(Api.BASE + "/audit").then().statusCode(403);

        // the admin's deletion is audited too, with the resourceVersion it started from
        Api.delete(ns, "apps", "web").then().statusCode(202);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                RestAssured.given().queryParam("namespace", ns).queryParam("verb", "delete").get(Api.BASE + "/audit").then()
                        .body("items.size()", equalTo(1)).body("items[0].user", equalTo("admin"))
                        .body("items[0].resourceVersionBefore", org.hamcrest.Matchers.notNullValue())
                        .body("items[0].resourceVersionAfter", org.hamcrest.Matchers.notNullValue()));
    }
}
