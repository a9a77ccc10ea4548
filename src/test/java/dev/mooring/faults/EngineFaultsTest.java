package dev.mooring.faults;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli.Ctr;
import dev.mooring.testing.TestHost;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An engine that restarts or goes away, on a test host (never the shared engine): what runs there
 * comes back without duplicates, and while the engine is away status says {@code Unknown} and
 * nothing is recreated (issue 10, "Faults").
 */
@QuarkusTest
@TestProfile(TestHostProfile.class)
@Tag("faults")
class EngineFaultsTest {
    static final Duration CONVERGE = Duration.ofSeconds(90);
    /** How long the engine stays cut off: 30 resync intervals of the test profile (production: several minutes at 30 s). */
    static final Duration OUTAGE = Duration.ofSeconds(60);
    final TestHost host = new TestHost(TestHostProfile.ENGINE, TestHostProfile.INDEX);
    String ns;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("flt");
    }

    @AfterEach
    void clean() {
        host.mend();
        host.start();
        List<String> names = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps").jsonPath().getList("items.metadata.name");
        names.forEach(n -> Api.delete(ns, "apps", n));
        names.forEach(n -> Api.awaitGone(ns, "apps", n, CONVERGE));
        host.cleanNamespace(ns);
    }

    private String app(String name, int replicas) {
        return Api.app(ns, name, replicas, "engine: " + TestHostProfile.ENGINE);
    }

    @Test
    void theEngineRestartedUnderLoadBringsEveryReplicaBackOnce() {
        Api.applyOk(app("load", 10));
        Api.awaitReady(ns, "load", CONVERGE);
        assertThat(host.appContainers(ns, "load")).hasSize(10);

        host.restart(); // returns when the engine answers again; its containers stopped with it
        long answered = System.nanoTime();
        Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(host.appContainers(ns, "load")).hasSize(10).allMatch(Ctr::running);
            JsonPath j = Api.get(ns, "apps", "load").jsonPath();
            assertThat(Api.condition(j, "Ready")).isEqualTo("True");
            assertThat(j.getInt("status.readyReplicas")).isEqualTo(10);
        });
        double seconds = (System.nanoTime() - answered) / 1e9;
        System.out.printf("FIGURE engine restart: 10 replicas Ready %.1f s after the engine answered%n", seconds);

        List<Ctr> after = host.appContainers(ns, "load");
        assertThat(after).hasSize(10);
        assertThat(after.stream().map(c -> c.label("dev.mooring.replica")).distinct()).hasSize(10);
    }

    @Test
    void anEngineAwayForManyResyncsKeepsItsContainersAndSaysUnknown() {
        Api.applyOk(app("away", 3));
        Api.awaitReady(ns, "away", CONVERGE);
        Map<String, String> before = ids();
        assertThat(before).hasSize(3);

        host.cut();
        long cut = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(55)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonPath j = Api.get(ns, "apps", "away").jsonPath();
            assertThat(Api.condition(j, "Ready")).isEqualTo("Unknown");
            assertThat(Api.conditionReason(j, "Ready")).isEqualTo("EngineUnavailable");
        });
        System.out.printf("FIGURE engine cut off: Ready Unknown after %.1f s%n", (System.nanoTime() - cut) / 1e9);
        // for the whole outage the status stays Unknown and still lists the containers last seen
        // the rest of the outage, and at least several resyncs of watching however long the first call waited
        Duration rest = OUTAGE.minus(Duration.ofNanos(System.nanoTime() - cut));
        rest = rest.compareTo(Duration.ofSeconds(15)) < 0 ? Duration.ofSeconds(15) : rest;
        Awaitility.await().during(rest).atMost(rest.plusSeconds(10)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            JsonPath j = Api.get(ns, "apps", "away").jsonPath();
            return "Unknown".equals(Api.condition(j, "Ready")) && j.getList("status.containers").size() == 3;
        });
        host.mend();
        long mended = System.nanoTime();

        Api.awaitReady(ns, "away", CONVERGE);
        System.out.printf("FIGURE engine back after %d s away: Ready again %.1f s later%n", OUTAGE.toSeconds(), (System.nanoTime() - mended) / 1e9);
        assertThat(ids()).as("no container recreated or removed").isEqualTo(before);
        assertThat(host.appContainers(ns, "away")).allMatch(Ctr::running);
    }

    private Map<String, String> ids() {
        return host.appContainers(ns, "away").stream().collect(Collectors.toMap(Ctr::name, Ctr::id));
    }
}
