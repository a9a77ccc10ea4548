package dev.mooring.engine;

import dev.mooring.testing.Api;
import io.restassured.RestAssured;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cost at rest (issue 12): 20 converged Apps on one engine, nothing changing, over several
 * resync intervals. Each interval costs one container list (the watched view's relist) and the
 * network list of the resync's owners; no App lists anything. An instance of its own, so no other
 * test's containers or events reach this engine's view (image events do: every App's image is
 * looked up again after one, as a tag may have moved).
 */
@QuarkusTest
@TestProfile(IdleCallsTest.Resync.class)
class IdleCallsTest {
    static final Duration RESYNC = Duration.ofSeconds(5);
    static final Duration WINDOW = Duration.ofSeconds(20);
    static final int APPS = 20;

    public static class Resync implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mooring.controller.resync-interval", RESYNC.toSeconds() + "s", "mooring.instance", "mooring-idle-test");
        }
    }

    final String ns = Api.uniqueNamespace("idle");

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, Duration.ofSeconds(120));
    }

    @Test
    void twentyAppsAtRestCostOneContainerListPerResync() {
        for (int i = 1; i <= APPS; i++) {
            Api.applyOk(Api.app(ns, "a" + i, 1, null));
        }
        for (int i = 1; i <= APPS; i++) {
            Api.awaitReady(ns, "a" + i, Duration.ofSeconds(120));
        }
        // settled: a resync interval with nothing but the resync's own calls
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(RESYNC.plusSeconds(1)).until(() -> {
            Map<String, Double> a = calls();
            Awaitility.await().pollDelay(RESYNC).atMost(RESYNC.plusSeconds(1)).until(() -> true);
            return !diff(a, calls()).containsKey("container.start");
        });
        Map<String, Double> before = calls();
        Awaitility.await().pollDelay(WINDOW).atMost(WINDOW.plusSeconds(1)).until(() -> true); // the measurement window
        Map<String, Double> used = diff(before, calls());
        double resyncs = (double) WINDOW.toSeconds() / RESYNC.toSeconds();
        double total = used.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf("FIGURE idle, %d Apps: %.1f Docker calls per resync interval (%s), %.1f per minute at a 30 s resync%n",
                APPS, total / resyncs, used, total / resyncs * 2);
        assertThat(used.getOrDefault("container.list", 0.0) / resyncs).as("container lists per resync").isLessThanOrEqualTo(1.5);
        // image.inspect follows image events, which the shared engine has from other tests' builds and tags (a tag may have moved)
        used.remove("image.inspect");
        assertThat(used.keySet()).as("operations at rest").isSubsetOf("container.list", "network.list");
    }

    /** Docker calls by operation so far, from /q/metrics. */
    private static Map<String, Double> calls() {
        Map<String, Double> out = new TreeMap<>();
        for (String line : RestAssured.get("/q/metrics").asString().split("\n")) {
            if (line.startsWith("mooring_docker_api_calls_total{")) {
                int at = line.indexOf("operation=\"") + 11;
                out.merge(line.substring(at, line.indexOf('"', at)), Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
            }
        }
        return out;
    }

    private static Map<String, Double> diff(Map<String, Double> a, Map<String, Double> b) {
        Map<String, Double> out = new TreeMap<>();
        b.forEach((k, v) -> {
            double d = v - a.getOrDefault(k, 0.0);
            if (d > 0) {
                out.put(k, d);
            }
        });
        return out;
    }
}
