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
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crash recovery of the packaged service (target/quarkus-app, run as a child process): Mooring is
 * SIGKILLed ({@link Process#destroyForcibly()}) while it brings up ten freshly applied Apps,
 * restarted on the same data directory, and must then converge every App without duplicating a
 * replica or leaving anything behind.
 * <p>
 * The kill is timed by the engine itself: a {@code docker events} stream filtered on the test's
 * namespace is read from before the apply (with {@code --since}, so no event can be missed), and
 * the first container {@code create} event kills the process at once, from the reader thread.
 * The same stream counts every create and destroy in the namespace over both lives, so a
 * duplicate that was made and then removed again still fails the test.
 * <p>
 * Each scenario uses its own namespace, data directory and {@code mooring.instance}, so other
 * Mooring instances on the engine (other tests) and this one leave each other alone.
 */
class CrashRecoveryIT {
    private static final int APPS = 10;
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration CONVERGENCE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> NAMES = IntStream.rangeClosed(1, APPS).mapToObj(i -> "app-" + i).toList();

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** The admin token the packaged service is started with (env MOORING_ADMIN_TOKEN) and every request sends. */
    private static final String TOKEN = "crash-it-" + UUID.randomUUID();
    /** What the tests started or made, for {@link #tearDown()}. */
    private static final List<Process> processes = new CopyOnWriteArrayList<>();
    private static final List<String> namespaces = new CopyOnWriteArrayList<>();
    private static final List<Path> dataDirs = new CopyOnWriteArrayList<>();
    private static Path jar;

    @BeforeAll
    static void findJar() {
        jar = Paths.get(System.getProperty("mooring.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        assertThat(jar).as("the packaged service (mvn package)").isRegularFile();
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        for (String ns : namespaces) {
            DockerCli.cleanNamespace(ns);
        }
        for (Path dir : dataDirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void convergesWithoutDuplicatesOrOrphansAfterSigkillDuringCreation() throws Exception {
        Scenario s = new Scenario("crash-" + RUN);
        // ---- first life: apply ten Apps, die as soon as the first container exists --------------
        Mooring first = s.start("run1");
        CountDownLatch killed = new CountDownLatch(1);
        AtomicReference<String> killedAt = new AtomicReference<>();
        s.watchEngine(line -> {
            if (killed.getCount() > 0 && line.startsWith("create ")) {
                first.process.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, nothing flushed
                killedAt.set(line);
                killed.countDown();
            }
        });

        HttpResponse<String> applied = post(first.base + "/api/v1alpha1/apply", s.appsYaml());
        assertThat(applied.statusCode()).as("apply: %s", applied.body()).isEqualTo(200);
        assertThat(JSON.readTree(applied.body()).path("results")).hasSize(APPS);

        assertThat(killed.await(60, TimeUnit.SECONDS)).as("a container of namespace %s was created", s.ns).isTrue();
        assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).as("Mooring died of SIGKILL").isTrue();
        List<Ctr> atKill = s.containers();
        System.out.printf("[CrashRecoveryIT] killed at \"%s\"; on the engine then: %s%n", killedAt.get(),
                atKill.stream().map(c -> c.name() + " " + c.state()).toList());
        assertThat(atKill.stream().filter(Ctr::running).count())
                .as("the kill must interrupt the creation (otherwise there is nothing to recover): %s", atKill)
                .isLessThan(APPS);

        // ---- second life: same data directory -----------------------------------------------------
        long restarted = System.nanoTime();
        Mooring second = s.start("run2");
        long ready = System.nanoTime();
        s.assertStoreKeptEveryApp(second);
        await("all Apps of " + s.ns + " converge after the restart").atMost(CONVERGENCE).pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsMatching(e -> e instanceof IOException || e instanceof UncheckedIOException)
                .untilAsserted(() -> s.assertConverged(second));
        System.out.printf("[CrashRecoveryIT] restart: ready after %d ms, converged %d ms later%n",
                (ready - restarted) / 1_000_000, (System.nanoTime() - ready) / 1_000_000);

        // Every replica was created once over both lives, and nothing had to be removed again.
        await("the engine's create events are all seen").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(s.actions("create")).hasSizeGreaterThanOrEqualTo(APPS));
        Map<String, Long> creates = s.actions("create").stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
        assertThat(creates).as("containers created per name over both lives (a duplicate replica shows here)")
                .isEqualTo(NAMES.stream().collect(Collectors.toMap(n -> s.ns + "-" + n + "-1", n -> 1L)));
        assertThat(s.actions("destroy")).as("containers removed (duplicates or orphans that had to be cleaned up)").isEmpty();
    }

    /**
     * An apply that answered 200 is durable: SIGKILL right after the answer loses none of it.
     * (With a write-behind store the restarted Mooring would find nothing, and would then remove
     * whatever containers the first life made, as orphans.)
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void acknowledgedApplySurvivesSigkill() throws Exception {
        Scenario s = new Scenario("crash-ack-" + RUN);
        Mooring first = s.start("run1");
        HttpResponse<String> applied = post(first.base + "/api/v1alpha1/apply", s.appsYaml());
        first.process.destroyForcibly();
        assertThat(applied.statusCode()).as("apply: %s", applied.body()).isEqualTo(200);
        assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).as("Mooring died of SIGKILL").isTrue();

        Mooring second = s.start("run2");
        s.assertStoreKeptEveryApp(second);
        await("all Apps of " + s.ns + " converge after the restart").atMost(CONVERGENCE).pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsMatching(e -> e instanceof IOException || e instanceof UncheckedIOException)
                .untilAsserted(() -> s.assertConverged(second));
    }

    // ---- one scenario: a namespace, a data directory, the engine's events ------------------------------

    private record Mooring(Process process, String base) {
    }

    private static final class Scenario {
        final String ns;
        final Path workDir;
        final Path dataDir;
        final List<String> engineEvents = Collections.synchronizedList(new ArrayList<>());

        Scenario(String ns) throws IOException {
            this.ns = ns;
            namespaces.add(ns);
            workDir = Files.createDirectories(Paths.get("target", "crash-recovery-it", ns).toAbsolutePath());
            dataDir = Files.createTempDirectory("mooring-" + ns + "-");
            dataDirs.add(dataDir);
        }

        /** Starts the packaged jar on a free port and the scenario's data directory, and waits until it is ready. */
        Mooring start(String run) {
            int port = DockerCli.freePort();
            File log = workDir.resolve("mooring-" + run + ".log").toFile();
            List<String> cmd = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dquarkus.http.port=" + port,
                    "-Dmooring.data-dir=" + dataDir,
                    // its own installation name: other Mooring instances on this engine are not its orphans, nor it theirs
                    "-Dmooring.instance=" + ns,
                    "-jar", jar.toString());
            Process p;
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log);
                pb.environment().put("MOORING_ADMIN_TOKEN", TOKEN);
                p = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            processes.add(p);
            String base = "http://127.0.0.1:" + port;
            await("Mooring (" + run + ", log " + log + ") is ready").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsMatching(e -> e instanceof IOException || e instanceof UncheckedIOException)
                    .until(() -> {
                        assertThat(p.isAlive()).as("Mooring exited early, see %s", log).isTrue();
                        return get(base + "/q/health/ready").statusCode() == 200;
                    });
            return new Mooring(p, base);
        }

        /**
         * Follows the engine's container events in the namespace from a second before now on, as
         * lines "{@code <action> <container name>}"; each line is kept and handed to {@code onLine}.
         */
        void watchEngine(Consumer<String> onLine) throws IOException {
            Process p = new ProcessBuilder("docker", "events", "--since", Long.toString(Instant.now().getEpochSecond() - 1),
                    "--filter", "type=container", "--filter", "label=dev.mooring.namespace=" + ns,
                    "--format", "{{.Action}} {{.Actor.Attributes.name}}")
                    .redirectError(workDir.resolve("docker-events.err").toFile()).start();
            processes.add(p);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        engineEvents.add(line.trim());
                        onLine.accept(line.trim());
                    }
                } catch (IOException ignored) {
                    // the stream ends when the test stops it
                }
            }, "docker-events-" + ns);
            reader.setDaemon(true);
            reader.start();
        }

        /** Names of the containers the engine reported this action for, once per event. */
        List<String> actions(String action) {
            synchronized (engineEvents) {
                return engineEvents.stream().filter(l -> l.startsWith(action + " ")).map(l -> l.substring(action.length() + 1)).toList();
            }
        }

        List<Ctr> containers() {
            return DockerCli.containers(Map.of("dev.mooring.namespace", ns));
        }

        String appsYaml() {
            StringBuilder y = new StringBuilder();
            for (String name : NAMES) {
                y.append("---\n")
                        .append("apiVersion: mooring.dev/v1alpha1\n")
                        .append("kind: App\n")
                        .append("metadata: {name: ").append(name).append(", namespace: ").append(ns).append("}\n")
                        .append("spec: {image: \"").append(DockerCli.IMAGE)
                        .append("\", command: [\"sleep\", \"100000\"], replicas: 1, stopGracePeriod: 1s}\n");
            }
            return y.toString();
        }

        /** The apply was acknowledged before the kill, so the restarted store must have every App at once. */
        void assertStoreKeptEveryApp(Mooring m) throws Exception {
            HttpResponse<String> stored = get(m.base + "/api/v1alpha1/namespaces/" + ns + "/apps");
            assertThat(stored.statusCode()).isEqualTo(200);
            List<String> survived = new ArrayList<>();
            JSON.readTree(stored.body()).path("items").forEach(a -> survived.add(a.path("metadata").path("name").asText()));
            assertThat(survived).as("Apps in the store after SIGKILL; the apply had answered 200 for all %d of them", APPS)
                    .containsExactlyInAnyOrderElementsOf(NAMES);
        }

        /** Every App Ready and observed at its generation; exactly its one running replica on the engine; nothing else. */
        void assertConverged(Mooring m) throws Exception {
            HttpResponse<String> list = get(m.base + "/api/v1alpha1/namespaces/" + ns + "/apps");
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
            assertThat(listed).as("Apps in the store").containsExactlyInAnyOrderElementsOf(NAMES);
            assertThat(notConverged).as("Apps not converged").isEmpty();

            List<Ctr> all = containers();
            for (String name : NAMES) {
                List<Ctr> mine = all.stream().filter(c -> name.equals(c.label("dev.mooring.name"))).toList();
                assertThat(mine).as("containers of App %s (exactly one: replica 1)", name).hasSize(1);
                Ctr c = mine.get(0);
                assertThat(c.label("dev.mooring.replica")).as("replica label of %s", c.name()).isEqualTo("1");
                assertThat(c.label("dev.mooring.kind")).as("kind label of %s", c.name()).isEqualTo("App");
                assertThat(c.label("dev.mooring.managed")).as("managed label of %s", c.name()).isEqualTo("true");
                assertThat(c.name()).isEqualTo(ns + "-" + name + "-1");
                assertThat(c.running()).as("%s is running (state %s)", c.name(), c.state()).isTrue();
            }
            assertThat(all).as("containers in namespace %s: no orphan, no -next leftover", ns)
                    .allSatisfy(c -> {
                        assertThat(NAMES).contains(c.label("dev.mooring.name"));
                        assertThat(c.name()).doesNotEndWith("-next");
                    })
                    .hasSize(APPS);
        }
    }

    // ---- HTTP --------------------------------------------------------------------------------------

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String yaml) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/yaml")
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
