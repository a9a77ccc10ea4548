package dev.mooring.engine;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.Tars;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 on the real engine: a compose project using the keys that used to be refused runs,
 * and its container has what each key asks for, as {@code docker inspect} and the container
 * itself ({@code hostname}, {@code /etc/hosts}, {@code ulimit -n}, ...) show.
 */
@QuarkusTest
class ComposeKeysEngineTest {
    static final Duration CONVERGE = Duration.ofSeconds(120);
    String ns;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("ckeys");
    }

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, CONVERGE);
    }

    private static String exec(String container, String script) {
        return DockerCli.run("exec", container, "sh", "-c", script).strip();
    }

    @Test
    void aServiceGetsItsHostnameHostsDnsSysctlUlimitsInitTtyAddressConfigsAndTheVolumesOfAnother() throws Exception {
        // a subnet of its own per run, away from Docker's default pools (172.17-31, 192.168)
        String net = "10.123." + ThreadLocalRandom.current().nextInt(1, 250);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("compose.yaml", """
                services:
                  data:
                    image: mooring-test/busybox:1
                    command: ["sh", "-c", "echo from-data > /shared/hello && exec sleep 100000"]
                    volumes: [shared:/shared]
                    stop_grace_period: 1s
                  app:
                    image: mooring-test/busybox:1
                    command: ["sleep", "100000"]
                    hostname: app-host
                    domainname: shop.example
                    extra_hosts:
                      - "db.example:10.9.9.9"
                      - "cache.example=10.9.9.8"
                    dns: [10.9.9.53]
                    dns_search: [svc.example]
                    dns_opt: ["ndots:3"]
                    sysctls:
                      net.ipv4.tcp_keepalive_time: 700
                    ulimits:
                      nofile: {soft: 1024, hard: 2048}
                    init: true
                    tty: true
                    stdin_open: true
                    networks:
                      back:
                        ipv4_address: ${NET}.10
                    configs:
                      - app_conf
                      - source: motd
                        target: /etc/motd
                        mode: 0440
                    volumes_from: ["data:ro"]
                    depends_on: [data]
                    stop_grace_period: 1s
                networks:
                  back:
                    ipam:
                      config:
                        - subnet: ${NET}.0/24
                volumes:
                  shared: {}
                configs:
                  app_conf: {file: ./app.conf}
                  motd: {content: "hello ${WHO}"}
                """);
        files.put(".env", "NET=" + net + "\nWHO=motd\n");
        files.put("app.conf", "listen 8080\n");
        Response r = RestAssured.given().contentType("application/x-tar").body(Tars.of(files)).post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);

        Api.awaitReady(ns, "data", CONVERGE);
        Api.awaitReady(ns, "app", CONVERGE);
        String app = ns + "-app-1";
        assertThat(exec(app, "hostname")).isEqualTo("app-host");
        assertThat(DockerCli.inspect(app, "{{.Config.Domainname}}")).isEqualTo("shop.example");
        assertThat(exec(app, "cat /etc/hosts")).contains("10.9.9.9\tdb.example").contains("10.9.9.8\tcache.example");
        // on a user-defined network the engine's own resolver answers and forwards to the servers given
        assertThat(DockerCli.inspect(app, "{{json .HostConfig.Dns}}")).isEqualTo("[\"10.9.9.53\"]");
        assertThat(exec(app, "cat /etc/resolv.conf")).contains("search svc.example").contains("ndots:3");
        assertThat(exec(app, "cat /proc/sys/net/ipv4/tcp_keepalive_time")).isEqualTo("700");
        assertThat(exec(app, "ulimit -n; ulimit -Hn")).isEqualTo("1024\n2048");
        assertThat(exec(app, "tr '\\0' ' ' < /proc/1/cmdline")).startsWith("/sbin/docker-init -- sleep 100000");
        assertThat(DockerCli.inspect(app, "{{.Config.Tty}} {{.Config.OpenStdin}}")).isEqualTo("true true");
        assertThat(DockerCli.inspect(app, "{{(index .NetworkSettings.Networks \"" + ns + "-back\").IPAddress}}")).isEqualTo(net + ".10");
        assertThat(exec(app, "cat /app_conf")).isEqualTo("listen 8080");
        assertThat(exec(app, "cat /etc/motd; echo; stat -c %a /etc/motd")).isEqualTo("hello motd\n440");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(exec(app, "cat /shared/hello")).isEqualTo("from-data"));
        assertThat(exec(app, "touch /shared/x 2>&1 || echo refused")).as(":ro").endsWith("refused");
    }

    @Test
    void aFixedAddressOutsideItsNetworksSubnetIsRefusedBeforeAnythingIsStored() {
        Response r = Api.givenYaml().body("""
                apiVersion: mooring.dev/v1alpha1
                kind: Network
                metadata: {name: back, namespace: %s}
                spec: {subnet: 10.126.7.0/24}
                ---
                %s
                """.formatted(ns, Api.app(ns, "web", 1, """
                networks:
                  - name: back
                    ipv4Address: 10.125.0.10
                """))).post(Api.BASE + "/apply");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
        assertThat(r.asString()).contains("spec.networks[0].ipv4Address").contains("10.125.0.10 is not in the subnet 10.126.7.0/24 of Network back");
        assertThat(Api.get(ns, "networks", "back").statusCode()).as("nothing half-written").isEqualTo(404);

        // against a stored Network: refused outside its subnet, accepted inside
        String net = "10.124." + ThreadLocalRandom.current().nextInt(1, 250);
        assertThat(Api.apply("""
                apiVersion: mooring.dev/v1alpha1
                kind: Network
                metadata: {name: back, namespace: %s}
                spec: {subnet: %s.0/24}
                """.formatted(ns, net)).statusCode()).isEqualTo(200);
        Response outside = Api.apply(Api.app(ns, "web", 1, "networks: [{name: back, ipv4Address: 10.125.0.10}]"));
        assertThat(outside.statusCode()).as(outside.asString()).isEqualTo(422);
        assertThat(outside.asString()).contains("spec.networks[0].ipv4Address");
        Response inside = Api.apply(Api.app(ns, "web", 1, "networks: [{name: back, ipv4Address: " + net + ".20}]"));
        assertThat(inside.statusCode()).as(inside.asString()).isEqualTo(200);
        Api.awaitReady(ns, "web", CONVERGE);
        assertThat(DockerCli.inspect(ns + "-web-1", "{{(index .NetworkSettings.Networks \"" + ns + "-back\").IPAddress}}")).isEqualTo(net + ".20");
    }

    /**
     * This engine has no GPU: it takes the device request at creation and refuses the start
     * (could not select device driver), and the App says so. The request itself is what inspect shows.
     */
    @Test
    void aGpuRequestReachesTheEngineWhichWithoutAGpuRefusesToStartIt() {
        Response r = Api.givenYaml().body("""
                services:
                  train:
                    image: mooring-test/busybox:1
                    command: ["sleep", "100000"]
                    deploy:
                      resources:
                        reservations:
                          devices:
                            - capabilities: [gpu]
                              count: 1
                """).post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        String train = ns + "-train-1";
        Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(DockerCli.exists("container", train)).isTrue());
        assertThat(DockerCli.inspect(train, "{{range .HostConfig.DeviceRequests}}{{.Count}} {{.Capabilities}}{{end}}")).isEqualTo("1 [[gpu]]");
        Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(Api.get(ns, "apps", "train").asString()).contains("could not select device driver"));
    }
}
