package dev.mooring.engine;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.DockerCli.Ctr;
import dev.mooring.testing.EngineProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docker events drive repairs, and their stream reconnects by itself. The resync is an hour
 * here, so a replica removed by hand can only come back within seconds through the event
 * stream — after every connection to the engine was cut.
 */
@QuarkusTest
@TestProfile(EventStreamTest.ThroughProxy.class)
class EventStreamTest {
    public static class ThroughProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the local engine itself goes through the proxy, so every event stream can be cut
            return Map.of("mooring.engines.local.host", "tcp://127.0.0.1:" + proxyPort(),
                    "mooring.controller.resync-interval", "1h");
        }
    }

    /**
     * One proxy per JVM, found through (string) system properties: Quarkus loads test classes in
     * more than one class loader, and each would otherwise start its own. It lives until the JVM ends.
     */
    static synchronized int proxyPort() {
        String port = System.getProperty("mooring.test.proxy-port");
        if (port == null) {
            int p = DockerCli.freePort();
            try {
                EngineProxy proxy = new EngineProxy(p);
                System.setProperty("mooring.test.proxy-control", Integer.toString(proxy.controlPort()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            System.setProperty("mooring.test.proxy-port", Integer.toString(p));
            return p;
        }
        return Integer.parseInt(port);
    }

    static int cutAll() {
        return EngineProxy.cut(Integer.parseInt(System.getProperty("mooring.test.proxy-control")));
    }

    String ns = Api.uniqueNamespace("evs");

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, Duration.ofSeconds(60));
    }

    @Test
    void afterTheEngineConnectionIsCutARemovedReplicaStillComesBackAtOnce() {
        Api.applyOk(Api.app(ns, "ev", 1, null));
        Api.awaitReady(ns, "ev", Duration.ofSeconds(60));
        String first = DockerCli.appContainers(ns, "ev").get(0).id();

        assertThat(cutAll()).as("connections cut").isGreaterThan(0);
        DockerCli.run("rm", "-f", first);
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            List<Ctr> now = DockerCli.appContainers(ns, "ev");
            assertThat(now).hasSize(1).allMatch(Ctr::running);
            assertThat(now.get(0).id()).isNotEqualTo(first);
        });
    }
}
