package dev.mooring.engine;

import dev.mooring.testing.Api;
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
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the real engine, the plan ({@code GET …/plan}) and the loop do the same: what the plan shows
 * while the loop waits for a Network is, operation for operation, what the loop performs once the
 * Network is there (its events name each operation it performed). The fast counterpart, pass after
 * pass of rollouts and rollbacks, is {@code dev.mooring.reconcile.AppPlanEquivalenceTest}.
 */
@QuarkusTest
class PlanEquivalenceTest {
    static final Duration CONVERGE = Duration.ofSeconds(90);
    static final Set<String> PERFORMED = Set.of("Created", "Started", "Stopped", "Removed", "Renamed");
    String ns;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("equiv");
    }

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, CONVERGE);
    }

    @Test
    @SuppressWarnings("unchecked")
    void whatThePlanShowsDuringAWaitForANetworkIsWhatTheLoopPerformsWhenTheWaitEnds() {
        Api.applyOk(Api.app(ns, "waits", 2, "networks: [{name: late}]"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                "WaitingForDependencies".equals(Api.conditionReason(Api.get(ns, "apps", "waits").jsonPath(), "Progressing")));

        JsonPath plan = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/waits/plan").then().statusCode(200).extract().jsonPath();
        assertThat(plan.getString("waitingFor")).isEqualTo("Network late (not found)");
        List<String> planned = plan.getList("changes", Map.class).stream()
                .flatMap(c -> ((List<String>) c.get("operations")).stream())
                .filter(op -> op.startsWith("[1] ")).map(op -> op.substring(4)).sorted().toList();

        Api.applyOk("""
                apiVersion: mooring.dev/v1alpha1
                kind: Network
                metadata: {name: late, namespace: %s}
                spec: {subnet: 10.214.%d.0/24}
                """.formatted(ns, (int) (System.nanoTime() % 200) + 1));
        Api.awaitReady(ns, "waits", CONVERGE);

        List<String> performed = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/waits/events").jsonPath()
                .getList("items", Map.class).stream().filter(e -> PERFORMED.contains(e.get("reason")))
                .map(e -> (String) e.get("message")).sorted().toList();
        assertThat(performed).hasSize(4).isEqualTo(planned);
    }
}
