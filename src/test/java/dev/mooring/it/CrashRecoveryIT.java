package dev.mooring.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.DockerCli.Ctr;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crash recovery of the packaged service: Mooring is SIGKILLed while it creates the containers
 * of ten freshly applied Apps, restarted on the same data directory, and must then converge every
 * App without duplicating a replica or leaving anything behind.
 * <p>
 * The kill is timed by the engine itself: a {@code docker events} stream filtered on the test's
 * namespace is read from before the apply (with {@code --since}, so no event can be missed), and
 * the first container {@code create} event kills the process at once, from the reader thread.
 * The same stream counts every create and destroy of the namespace over the whole test, so a
 * duplicate that was made and then removed again still fails the test.
 */
class CrashRecoveryIT {
    private static final int APPS = 10;
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration CONVERGENCE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String NS = "crash-" + UUID.randomUUID().toString().substring(0, 8);
    private static final List<String> NAMES = IntStream.rangeClosed(1, APPS).mapToObj(i -> "app-" + i).toList();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Path jar;
    private static Path workDir;
    private static Path dataDir;
    private static Process mooring;
    private static Process events;
    private static final List<String> engineEvents = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void setUp() throws IOException {
        jar = Paths.get(System.getProperty("mooring.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        assertThat(jar).as("the packaged service (mvn package)").isRegularFile();
        workDir = Paths.get("target", "crash-recovery-it", NS).toAbsolutePath();
        Files.createDirectories(workDir);
        dataDir = Files.createTempDirectory("mooring-crash-it-");
    }

    @AfterAll
    static void tearDown() throws Exception {
        stop(mooring);
        stop(events);
        DockerCli.cleanNamespace(NS);
        if (dataDir != null) {
            try (var files = Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void convergesWithoutDuplicatesOrOrphansAfterSigkillDuringCreation() throws Exception {
        // ---- first life: apply ten Apps, die as soon as the first container exists ----------------
        String base = start("run1");
        CountDownLatch killed = new CountDownLatch(1);
        AtomicReference<String> killedAt = new AtomicReference<>();
        Process first = mooring;
        watchEngine(Instant.now().getEpochSecond() - 1, line -> {
            if (killed.getCount() > 0 && line.startsWith("create ")) {
                first.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flush
                killedAt.set(line);
                killed.countDown();
            }
        });

        HttpResponse<String> applied = post(base + "/api/v1alpha1/apply", appsYaml());
        assertThat(applied.statusCode()).as("apply: %s", applied.body()).isEqualTo(200);
        assertThat(JSON.readTree(applied.body()).path("results")).hasSize(APPS);

        assertThat(killed.await(60, TimeUnit.SECONDS)).as("a container of namespace %s was created", NS).isTrue();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("Mooring died of SIGKILL").isTrue();
        List<Ctr> atKill = namespaceContainers();
        long runningAtKill = atKill.stream().filter(Ctr::running).count();
        System.out.printf("[CrashRecoveryIT] killed at \"%s\"; on the engine then: %s%n", killedAt.get(),
                atKill.stream().map(c -> c.name() + " " + c.state()).toList());
        assertThat(runningAtKill).as("the kill must interrupt the creation (otherwise there is nothing to recover): %s", atKill)
                .isLessThan(APPS);

        // ---- second life: same data directory ------------------------------------------------
        long restarted = System.nanoTime();
        String base2 = start("run2");
        long ready = System.nanoTime();
        // The apply was acknowledged before the kill, so the store must still have every App.
        HttpResponse<String> stored = get(base2 + "/api/v1alpha1/namespaces/" + NS + "/apps");
        assertThat(stored.statusCode()).isEqualTo(200);
        List<String> survived = new ArrayList<>();
        JSON.readTree(stored.body()).path("items").forEach(a -> survived.add(a.path("metadata").path("name").asText()));
        assertThat(survived).as("Apps in the store after SIGKILL; the apply had answered 200 for all %d of them", APPS)
                .containsExactlyInAnyOrderElementsOf(NAMES);
        await("all Apps converge after the restart").atMost(CONVERGENCE).pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsMatching(e -> e instanceof IOException || e instanceof UncheckedIOException)
                .untilAsserted(() -> assertConverged(base2));
        System.out.printf("[CrashRecoveryIT] restart: ready after %d ms, converged %d ms later%n",
                (ready - restarted) / 1_000_000, (System.nanoTime() - ready) / 1_000_000);

        // Every replica was created once over both lives, and nothing had to be removed again.
        await("the engine's create events are all seen").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(actions("create")).hasSize(APPS));
        Map<String, Long> creates = actions("create").stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
        assertThat(creates).as("containers created per name over both lives (a duplicate replica shows here)")
                .isEqualTo(NAMES.stream().collect(Collectors.toMap(n -> NS + "-" + n + "-1", n -> 1L)));
        assertThat(actions("destroy")).as("containers removed (duplicates or orphans that had to be cleaned up)").isEmpty();
    }

    // ---- assertions ----------------------------------------------------------------------------

    private static void assertConverged(String base) throws Exception {
        HttpResponse<String> list = get(base + "/api/v1alpha1/namespaces/" + NS + "/apps");
        assertThat(list.statusCode()).isEqualTo(200);
        List<String> notConverged = new ArrayList<>();
        Set<String> listed = new LinkedHashSet<>();
        for (JsonNode app : JSON.readTree(list.body()).path("items")) {
            String name = app.path("metadata").path("name").asText();
            listed.add(name);
            long generation = app.path("metadata").path("generation").asLong(-1);
            long observed = app.path("status").path("observedGeneration").asLong(-2);
            String ready = "missing";
            for (JsonNode c : app.path("status").path("conditions")) {
                if ("Ready".equals(c.path("type").asText())) {
                    ready = c.path("status").asText() + " (" + c.path("reason").asText() + ": " + c.path("message").asText() + ")";
                }
            }
            if (!ready.startsWith("True") || observed != generation) {
                notConverged.add(name + ": Ready " + ready + ", observedGeneration " + observed + "/" + generation);
            }
        }
        assertThat(listed).as("Apps the store still has after the crash").containsExactlyInAnyOrderElementsOf(NAMES);
        assertThat(notConverged).as("Apps not converged").isEmpty();

        List<Ctr> all = namespaceContainers();
        for (String name : NAMES) {
            List<Ctr> mine = all.stream().filter(c -> name.equals(c.label("dev.mooring.name"))).toList();
            assertThat(mine).as("containers of App %s", name).hasSize(1);
            Ctr c = mine.get(0);
            assertThat(c.label("dev.mooring.replica")).as("replica label of %s", c.name()).isEqualTo("1");
            assertThat(c.label("dev.mooring.kind")).as("kind label of %s", c.name()).isEqualTo("App");
            assertThat(c.label("dev.mooring.managed")).as("managed label of %s", c.name()).isEqualTo("true");
            assertThat(c.name()).isEqualTo(NS + "-" + name + "-1");
            assertThat(c.running()).as("%s is running (state %s)", c.name(), c.state()).isTrue();
        }
        assertThat(all).as("containers in namespace %s: no orphan, no -next leftover", NS)
                .allSatisfy(c -> {
                    assertThat(NAMES).contains(c.label("dev.mooring.name"));
                    assertThat(c.name()).doesNotEndWith("-next");
                })
                .hasSize(APPS);
    }

    private static List<Ctr> namespaceContainers() {
        return DockerCli.containers(Map.of("dev.mooring.namespace", NS));
    }

    private static List<String> actions(String action) {
        synchronized (engineEvents) {
            return engineEvents.stream().filter(l -> l.startsWith(action + " ")).map(l -> l.substring(action.length() + 1)).toList();
        }
    }

    // ---- the service under test --------------------------------------------------------------

    /** Starts the packaged jar on a free port and the shared data directory; returns its base URL once ready. */
    private static String start(String run) {
        int port = DockerCli.freePort();
        File log = workDir.resolve("mooring-" + run + ".log").toFile();
        List<String> cmd = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port,
                "-Dmooring.data-dir=" + dataDir,
                // its own installation name: other Mooring instances on this engine are not its orphans, nor it theirs
                "-Dmooring.instance=" + NS,
                "-jar", jar.toString());
        try {
            mooring = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String base = "http://127.0.0.1:" + port;
        Process p = mooring;
        await("Mooring (" + run + ", log " + log + ") is ready").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e -> e instanceof IOException || e instanceof UncheckedIOException)
                .until(() -> {
                    assertThat(p.isAlive()).as("Mooring exited early, see %s", log).isTrue();
                    return get(base + "/q/health/ready").statusCode() == 200;
                });
        return base;
    }

    /**
     * Follows the engine's container events of the namespace from {@code since} on, lines
     * "{@code <action> <container name>}"; each line is kept and handed to {@code onLine}.
     */
    private static void watchEngine(long since, java.util.function.Consumer<String> onLine) throws IOException {
        events = new ProcessBuilder("docker", "events", "--since", Long.toString(since),
                "--filter", "type=container", "--filter", "label=dev.mooring.namespace=" + NS,
                "--format", "{{.Action}} {{.Actor.Attributes.name}}")
                .redirectError(workDir.resolve("docker-events.err").toFile()).start();
        Process p = events;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    engineEvents.add(line.trim());
                    onLine.accept(line.trim());
                }
            } catch (IOException ignored) {
                // the stream is closed when the test stops it
            }
        }, "docker-events-" + NS);
        reader.setDaemon(true);
        reader.start();
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    // ---- HTTP ----------------------------------------------------------------------------------

    private static String appsYaml() {
        StringBuilder y = new StringBuilder();
        for (String name : NAMES) {
            y.append("---\n")
                    .append("apiVersion: mooring.dev/v1alpha1\n")
                    .append("kind: App\n")
                    .append("metadata: {name: ").append(name).append(", namespace: ").append(NS).append("}\n")
                    .append("spec: {image: \"").append(DockerCli.IMAGE)
                    .append("\", command: [\"sleep\", \"100000\"], replicas: 1, stopGracePeriod: 1s}\n");
        }
        return y.toString();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String yaml) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/yaml")
                        .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
