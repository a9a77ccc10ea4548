package dev.mooring.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.DockerCli.Ctr;
import dev.mooring.testing.EngineProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One active controller: two packaged Mooring processes on one PostgreSQL database elect a leader
 * through it (mooring.leader-election.mode=auto, which is database on PostgreSQL). Each reaches the
 * engine through its own {@link EngineProxy}, which records every request it forwards, so the test
 * sees who acted: only the leader's requests change the engine, the follower only reads. Then the
 * leader is SIGKILLed; the follower must take over within lease-duration + 2 × retry-period and
 * finish the work without a duplicate container. The measured failover time is printed.
 * <p>
 * The database is one this test creates and drops (other test runs clean the shared test database
 * at their start); the election is keyed by this run's own {@code mooring.instance} all the same.
 */
class LeaderElectionIT {
    private static final Duration LEASE = Duration.ofSeconds(6);
    private static final Duration RENEW = Duration.ofSeconds(4);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String NS = "le-" + RUN;
    private static final String DB = "mooring_le_" + RUN;
    private static final String TOKEN = "le-it-" + UUID.randomUUID();
    private static final String PG = System.getProperty("mooring.test.pg-server", "jdbc:postgresql://localhost:5432/");
    private static final List<Process> processes = new CopyOnWriteArrayList<>();
    private static final List<EngineProxy> proxies = new CopyOnWriteArrayList<>();
    private static final List<String> engineEvents = Collections.synchronizedList(new ArrayList<>());
    private static Path jar;
    private static Path workDir;

    private record Mooring(String name, Process process, String base, List<String> engineRequests) {
        /** Requests that change something on the engine (create, start, stop, remove, pull, ...). */
        List<String> writes() {
            synchronized (engineRequests) {
                return engineRequests.stream().filter(r -> !r.startsWith("GET ") && !r.startsWith("HEAD ")).toList();
            }
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        jar = Paths.get(System.getProperty("mooring.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        assertThat(jar).as("the packaged service (mvn package)").isRegularFile();
        workDir = Files.createDirectories(Paths.get("target", "leader-election-it", RUN).toAbsolutePath());
        try (Connection c = DriverManager.getConnection(PG + "mooring_test", "mooring", "mooring")) {
            c.createStatement().execute("CREATE DATABASE " + DB);
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        for (EngineProxy proxy : proxies) {
            proxy.close();
        }
        DockerCli.cleanNamespace(NS);
        try (Connection c = DriverManager.getConnection(PG + "mooring_test", "mooring", "mooring")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + DB);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void onlyTheLeaderActsAndTheOtherTakesOverWhenItDies() throws Exception {
        watchEngine();
        Mooring a = start("a");
        await("a leads").atMost(Duration.ofSeconds(20)).until(() -> isLeader(a));
        Mooring b = start("b");
        assertThat(isLeader(b)).as("b follows while a leads").isFalse();

        // A write through the follower's API: stored, and carried out by the leader alone.
        HttpResponse<String> applied = post(b.base + "/api/v1alpha1/apply", app(2));
        assertThat(applied.statusCode()).as("apply through the follower: %s", applied.body()).isEqualTo(200);
        await("2 replicas running").atMost(CONVERGE).untilAsserted(() -> assertRunning(2));
        assertThat(a.writes()).as("the leader's requests to the engine").anyMatch(r -> r.startsWith("POST ") && r.contains("/containers/create"));
        assertThat(b.writes()).as("the follower changes nothing on the engine").isEmpty();
        assertThat(isLeader(b)).isFalse();

        // The leader dies; the follower takes over within the configured time and goes on.
        a.process.destroyForcibly();
        long killed = System.nanoTime();
        assertThat(a.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        HttpResponse<String> scaled = post(b.base + "/api/v1alpha1/apply", app(3));
        assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
        Duration bound = LEASE.plus(RETRY.multipliedBy(2)).plusSeconds(3);
        await("b takes over").atMost(bound).pollInterval(Duration.ofMillis(100)).until(() -> isLeader(b));
        long failover = System.nanoTime() - killed;
        await("3 replicas running").atMost(CONVERGE).untilAsserted(() -> assertRunning(3));
        long converged = System.nanoTime() - killed;
        System.out.printf("[LeaderElectionIT] failover: b led %d ms after a was killed (lease %s, retry %s); the scale-up ran %d ms after the kill%n",
                failover / 1_000_000, LEASE, RETRY, converged / 1_000_000);
        assertThat(Duration.ofNanos(failover)).as("failover time").isGreaterThanOrEqualTo(LEASE.minus(RETRY)); // it waited for the lease to run out
        assertThat(b.writes()).as("the new leader's requests").anyMatch(r -> r.contains("/containers/create"));

        // No duplicate: every replica was created exactly once over both leaders, none removed again.
        await("the engine's events are in").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(actions("create")).hasSizeGreaterThanOrEqualTo(3));
        Map<String, Long> creates = actions("create").stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
        assertThat(creates).as("containers created per name").isEqualTo(Map.of(NS + "-web-1", 1L, NS + "-web-2", 1L, NS + "-web-3", 1L));
        assertThat(actions("destroy")).as("containers removed").isEmpty();
    }

    // ---- the two instances ------------------------------------------------------------------------

    private static Mooring start(String name) throws IOException {
        int port = DockerCli.freePort();
        int enginePort = DockerCli.freePort();
        List<String> requests = Collections.synchronizedList(new ArrayList<>());
        proxies.add(new EngineProxy(enginePort, requests::add));
        Path data = Files.createDirectories(workDir.resolve("data-" + name));
        File log = workDir.resolve("mooring-" + name + ".log").toFile();
        List<String> cmd = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port,
                "-Dmooring.data-dir=" + data,
                "-Dmooring.instance=" + NS,
                "-Dmooring.store.kind=postgresql",
                "-Dmooring.store.jdbc-url=" + PG + DB,
                "-Dmooring.store.username=mooring",
                "-Dmooring.store.password=mooring",
                "-Dmooring.engines.local.host=tcp://127.0.0.1:" + enginePort,
                "-Dmooring.leader-election.lease-duration=" + LEASE.toSeconds() + "s",
                "-Dmooring.leader-election.renew-deadline=" + RENEW.toSeconds() + "s",
                "-Dmooring.leader-election.retry-period=" + RETRY.toSeconds() + "s",
                "-jar", jar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log);
        pb.environment().put("MOORING_ADMIN_TOKEN", TOKEN);
        // one key for both, as instances sharing a store must have
        pb.environment().put("MOORING_SECRETS_KEY", Base64.getEncoder().encodeToString(("le-it-key-" + RUN + "-0123456789abcdef").substring(0, 32).getBytes(StandardCharsets.US_ASCII)));
        Process p = pb.start();
        processes.add(p);
        String base = "http://127.0.0.1:" + port;
        await("Mooring " + name + " (log " + log + ") is ready").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e -> e instanceof IOException || e instanceof UncheckedIOException)
                .until(() -> {
                    assertThat(p.isAlive()).as("Mooring %s exited early, see %s", name, log).isTrue();
                    return get(base + "/q/health/ready").statusCode() == 200;
                });
        return new Mooring(name, p, base, requests);
    }

    /** What the instance's liveness check says: data.leader of the control-loop check. */
    private static boolean isLeader(Mooring m) {
        try {
            JsonNode health = JSON.readTree(get(m.base + "/q/health/live").body());
            for (JsonNode check : health.path("checks")) {
                if ("control-loop".equals(check.path("name").asText())) {
                    return check.path("data").path("leader").asBoolean();
                }
            }
            return false;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String app(int replicas) {
        return """
                apiVersion: mooring.dev/v1alpha1
                kind: App
                metadata: {name: web, namespace: %s}
                spec: {image: "%s", command: ["sleep", "100000"], replicas: %d, stopGracePeriod: 1s}
                """.formatted(NS, DockerCli.IMAGE, replicas);
    }

    private static void assertRunning(int replicas) {
        List<Ctr> all = DockerCli.containers(Map.of("dev.mooring.namespace", NS));
        assertThat(all).extracting(Ctr::name).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, replicas).mapToObj(i -> NS + "-web-" + i).toList());
        assertThat(all).allSatisfy(c -> assertThat(c.running()).as("%s running", c.name()).isTrue());
    }

    // ---- the engine's own record --------------------------------------------------------------------

    private static void watchEngine() throws IOException {
        Process p = new ProcessBuilder("docker", "events", "--since", Long.toString(Instant.now().getEpochSecond() - 1),
                "--filter", "type=container", "--filter", "label=dev.mooring.namespace=" + NS,
                "--format", "{{.Action}} {{.Actor.Attributes.name}}")
                .redirectError(workDir.resolve("docker-events.err").toFile()).start();
        processes.add(p);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    engineEvents.add(line.trim());
                }
            } catch (IOException ignored) {
                // ends with the test
            }
        }, "docker-events-" + NS);
        reader.setDaemon(true);
        reader.start();
    }

    private static List<String> actions(String action) {
        synchronized (engineEvents) {
            return engineEvents.stream().filter(l -> l.startsWith(action + " ")).map(l -> l.substring(action.length() + 1)).toList();
        }
    }

    // ---- HTTP ------------------------------------------------------------------------------------------

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String yaml) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/yaml").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
