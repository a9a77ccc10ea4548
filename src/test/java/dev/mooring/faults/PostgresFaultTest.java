package dev.mooring.faults;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.DockerCli.Ctr;
import dev.mooring.testing.PostgresServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL restarted in the middle of a rollout: while it is away the API answers 503 with
 * Retry-After (problem+json), the loop waits, and afterwards the rollout completes without a
 * duplicated container (issue 10, "Faults").
 */
@QuarkusTest
@TestProfile(PostgresFaultProfile.class)
@Tag("faults")
class PostgresFaultTest {
    static final Duration CONVERGE = Duration.ofSeconds(90);
    static final Duration OUTAGE = Duration.ofSeconds(20);
    static final int REPLICAS = 4;
    static final String ROLLOUT = "update: {parallelism: 1, monitor: 4s}";
    String ns;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("pgf");
    }

    @AfterEach
    void clean() {
        PostgresServer.startServer();
        Api.deleteNamespace(ns, CONVERGE);
    }

    @Test
    void aDatabaseRestartDuringARolloutAnswers503AndTheRolloutCompletesOnce() throws IOException {
        Api.applyOk(Api.app(ns, "roll", REPLICAS, "env: [{name: V, value: '1'}]\n" + ROLLOUT));
        Api.awaitReady(ns, "roll", CONVERGE);
        Api.applyOk(Api.app(ns, "roll", REPLICAS, "env: [{name: V, value: '2'}]\n" + ROLLOUT));
        Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).until(() ->
                DockerCli.appContainers(ns, "roll").stream().anyMatch(c -> "2".equals(c.label("dev.mooring.revision"))));

        long logBefore = logLines();
        java.time.Instant outageStart = java.time.Instant.now();
        PostgresServer.stopServer();
        long stopped = System.nanoTime();
        int[] refused = {0};
        Awaitility.await().during(OUTAGE).atMost(OUTAGE.plusSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Response r = Api.get(ns, "apps", "roll");
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(503);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.header("Retry-After")).isNotBlank();
            assertThat(r.jsonPath().getString("detail")).contains("database");
            Response write = Api.apply(Api.app(ns, "other", 1, null));
            assertThat(write.statusCode()).as(write.asString()).isEqualTo(503);
            refused[0] += 2;
            assertNoDuplicates();
        });
        long errorLines = logLinesSince(logBefore, " ERROR ");
        long warnLines = logLinesSince(logBefore, " WARN ");
        long auditHeld = logLinesSince(logBefore, "could not write audit lines");
        PostgresServer.startServer();
        long back = System.nanoTime();
        System.out.printf("FIGURE postgres away %d s: %d requests answered 503 with Retry-After; %d ERROR and %d WARN log lines during the outage, %d of them the audit writer's%n",
                (System.nanoTime() - stopped) / 1_000_000_000L, refused[0], errorLines, warnLines, auditHeld);

        Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonPath j = Api.get(ns, "apps", "roll").jsonPath();
            assertThat(Api.condition(j, "Ready")).isEqualTo("True");
            assertThat(j.getString("status.rollout.phase")).isEqualTo("Complete");
            assertThat(DockerCli.appContainers(ns, "roll")).hasSize(REPLICAS)
                    .allMatch(c -> "2".equals(c.label("dev.mooring.revision")) && c.running());
        });
        System.out.printf("FIGURE postgres back: rollout complete %.1f s later%n", (System.nanoTime() - back) / 1e9);
        assertNoDuplicates();
        assertThat(Api.get(ns, "apps", "other").statusCode()).as("a refused write stored nothing").isEqualTo(404);
        assertThat(errorLines).as("no ERROR log lines while the database is away").isZero();
        assertThat(auditHeld).as("the audit writer says once that it holds its lines").isLessThanOrEqualTo(1);
        // the writes refused during the outage are in the audit log once the database is back: held, not dropped
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<Integer> statuses = io.restassured.RestAssured.get(Api.BASE + "/audit?limit=1000&since=" + outageStart)
                    .then().statusCode(200).extract().jsonPath().getList("items.status");
            assertThat(statuses.stream().filter(st -> st == 503).count()).as("audit lines of the refused writes")
                    .isGreaterThanOrEqualTo(refused[0] / 2);
        });
    }

    private void assertNoDuplicates() {
        List<Ctr> all = DockerCli.appContainers(ns, "roll");
        Set<String> replicas = all.stream().map(c -> c.label("dev.mooring.replica") + "@" + c.label("dev.mooring.revision")).collect(Collectors.toSet());
        assertThat(replicas).as("one container per replica and revision: %s", all).hasSize(all.size());
        assertThat(all.size()).isLessThanOrEqualTo(REPLICAS + 1); // parallelism 1: at most one surplus in flight
    }

    private static long logLines() throws IOException {
        try (var lines = Files.lines(Path.of("target/mooring-test.log"))) {
            return lines.count();
        }
    }

    private static long logLinesSince(long skip, String level) throws IOException {
        try (var lines = Files.lines(Path.of("target/mooring-test.log"))) {
            return lines.skip(skip).filter(l -> l.contains(level)).count();
        }
    }
}
