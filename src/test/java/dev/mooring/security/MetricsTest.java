package dev.mooring.security;

import dev.mooring.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /q/metrics is open to any token (issue 10, finding 6): it carries no resource or namespace
 * names, only paths as templates, kinds, outcomes and engines, so a viewer of one namespace
 * learns nothing there of another's Apps.
 */
@QuarkusTest
class MetricsTest {
    String mine;
    String theirs;

    @BeforeEach
    void namespaces() {
        mine = Api.uniqueNamespace("metrics-a");
        theirs = Api.uniqueNamespace("metrics-b");
    }

    @AfterEach
    void clean() {
        Api.deleteNamespace(theirs, Duration.ofSeconds(30));
    }

    @Test
    void aViewerOfOneNamespaceReadsNoNameOfAnotherNamespacesAppsInMetrics() {
        String app = "hidden" + Long.toString(System.nanoTime() % 1_000_000, 36);
        String base = Api.BASE + "/namespaces/" + theirs + "/apps";
        Api.applyOk(Api.app(theirs, app, 0, null));
        // what their own users and the loop do with it: reads, a replace, events, a missing one
        RestAssured.get(base + "/" + app).then().statusCode(200);
        RestAssured.get(base + "/" + app + "/events").then().statusCode(200);
        RestAssured.get(base + "/" + app + "-gone").then().statusCode(404);
        Api.givenYaml().body(Api.app(theirs, app, 0, "env: [{name: A, value: b}]"))
                .put(base + "/" + app).then().statusCode(200);
        Api.givenYaml().queryParam("dryRun", true).body(Api.app(theirs, app, 0, null))
                .post(Api.BASE + "/apply").then().statusCode(200);
        Api.anonymous().get(base + "/" + app).then().statusCode(401);
        String viewer = Api.token(Api.uniqueNamespace("viewer"), Map.of(mine, "viewer"));
        Api.as(viewer).get(base + "/" + app).then().statusCode(403);
        Api.as(viewer).delete(base + "/" + app).then().statusCode(403);

        String metrics = Api.as(viewer).get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics.lines().filter(l -> l.contains(app) || l.contains(theirs)).toList()).isEmpty();
        // the requests are still counted, by path template
        assertThat(metrics).contains("status=\"403\",uri=\"/api/v1alpha1/namespaces/{ns}/apps/{name}\"");
    }
}
