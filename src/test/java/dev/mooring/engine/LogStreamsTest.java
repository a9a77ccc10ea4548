package dev.mooring.engine;

import dev.mooring.testing.AdminToken;
import dev.mooring.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Log streams cannot exhaust the server (issue 10, finding 3): follow streams opened and closed
 * by a viewer leave no thread, file descriptor or engine connection behind, health answers
 * quickly while they are open, caps per token and in all answer 429, and a stream without output
 * ends after the idle timeout. Streams are plain sockets, so the test decides when a client goes.
 */
@QuarkusTest
class LogStreamsTest {
    static final Duration CONVERGE = Duration.ofSeconds(60);
    static final String TICKER = "command: [\"sh\", \"-c\", \"while true; do echo tick; sleep 1; done\"]";
    String ns;
    @ConfigProperty(name = "mooring.streams.idle-timeout")
    Duration idleTimeout;
    @ConfigProperty(name = "mooring.streams.max-per-caller")
    int maxPerCaller;
    @ConfigProperty(name = "mooring.streams.max")
    int max;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("logs");
    }

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, CONVERGE);
    }

    private void ticker(String app, int replicas) {
        Api.applyOk(Api.app(ns, app, replicas, null).replace("command: [\"sleep\", \"100000\"]", TICKER));
        Api.awaitReady(ns, app, CONVERGE);
    }

    private String follow(String app, Integer replica) {
        return Api.BASE + "/namespaces/" + ns + "/apps/" + app + "/logs?follow=true" + (replica == null ? "" : "&replica=" + replica);
    }

    private List<String> viewers(String prefix, int n) {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tokens.add(Api.token(prefix + "-" + ns + "-" + i, Map.of(ns, "viewer")));
        }
        return tokens;
    }

    @Test
    void threeHundredFollowStreamsOpenedAndClosedLeaveNothingBehindAndHealthStaysQuick() {
        ticker("ticker", 1);
        List<String> viewers = viewers("wave", 10);
        String path = follow("ticker", null);
        try (HealthProbe health = new HealthProbe(RestAssured.port)) {
            // the same probes without any stream, for comparison: the machine's own noise
            long controlEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() > controlEnd);
            String control = health.summary();
            long controlMax = health.maxMillis();
            health.reset();
            // a first small wave starts what starts lazily (pools, classes) before the baseline
            int eventStreams = Snapshot.engineStreamThreads();
            List<Follow> warmUp = open(path, viewers, 10);
            warmUp.forEach(Follow::close);
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Snapshot.engineStreamThreads())
                    .as("engine log streams after 10 clients closed (%s)", Snapshot.now()).isLessThanOrEqualTo(eventStreams));
            Snapshot before = Snapshot.now();
            health.reset();
            Snapshot peak = before;
            long slowestRelease = 0;
            for (int wave = 0; wave < 6; wave++) {
                List<Follow> streams = open(path, viewers, 50);
                Snapshot during = Snapshot.now();
                if (during.threads > peak.threads) {
                    peak = during;
                }
                assertThat(during.engineStreams - before.engineStreams).as("engine log streams open in wave " + wave).isEqualTo(50);
                long closed = System.nanoTime();
                streams.forEach(Follow::close);
                Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                        .until(() -> Snapshot.engineStreamThreads() <= before.engineStreams);
                slowestRelease = Math.max(slowestRelease, System.nanoTime() - closed);
                assertThat(openGauge()).as("streams the limiter counts after wave " + wave).isZero();
            }
            long dockerdTolerance = Math.max(30, (peak.dockerdFds - before.dockerdFds) / 2);
            Snapshot[] after = new Snapshot[1];
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                after[0] = Snapshot.now();
                assertThat(after[0].threads).as("JVM threads").isLessThanOrEqualTo(before.threads + 5);
                // other tests' work in this JVM (Git syncs, engine calls) moves the count a little; one
                // descriptor kept per stream would be 300
                assertThat(after[0].fds).as("open file descriptors").isLessThanOrEqualTo(before.fds + 25);
                assertThat(after[0].engineStreams).as("engine log streams").isLessThanOrEqualTo(before.engineStreams);
                // dockerd is shared with other test runs: a tolerance for their work of half what one wave held there
                assertThat(after[0].dockerdFds).as("dockerd file descriptors").isLessThanOrEqualTo(before.dockerdFds + dockerdTolerance);
            });
            System.out.printf("log streams, 300 follow streams in 6 waves of 50: threads %d before, %d with 50 open, %d after; "
                            + "fds %d / %d / %d; dockerd fds %d / %d / %d; engine stream threads %d / %d / %d; "
                            + "slowest wave released %d ms after its clients closed; /q/health/ready max %d ms over %d probes (%d failed)%n",
                    before.threads, peak.threads, after[0].threads, before.fds, peak.fds, after[0].fds,
                    before.dockerdFds, peak.dockerdFds, after[0].dockerdFds, before.engineStreams, peak.engineStreams, after[0].engineStreams,
                    TimeUnit.NANOSECONDS.toMillis(slowestRelease), health.maxMillis(), health.probes(), health.failures());
            System.out.println("log streams: /q/health/ready with streams: " + health.summary() + "; without (15 s before): " + control
                    + "; load average " + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            assertThat(TimeUnit.NANOSECONDS.toMillis(slowestRelease)).as("ms from 50 clients closing to their streams released")
                    .isLessThan(1000);
            assertThat(health.failures()).as("failed /q/health/ready probes").isZero();
            assertThat(health.probes()).isGreaterThan(20);
            // Under 100 ms every time where the machine allows measuring it: on a host so loaded that the
            // same probes without any stream (the control) take longer, the streams must not make the
            // slowest answer worse than that, and the median stays under 100 ms.
            assertThat(health.percentileMillis(50)).as("median /q/health/ready in ms while streams were open").isLessThan(100);
            assertThat(health.maxMillis()).as("slowest /q/health/ready in ms while streams were open (control: " + control + ")")
                    .isLessThan(Math.max(100, controlMax));
        }
    }

    @Test
    void aTokenPastItsCapGets429AndOthersStillStream() {
        ticker("capped", 2);
        List<String> tokens = viewers("cap", 2);
        String a = tokens.get(0);
        // without follow, the replicas' output one after the other, each line with its container's name
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Api.as(a).queryParam("tail", 2).get(Api.BASE + "/namespaces/" + ns + "/apps/capped/logs").asString())
                .isEqualTo((ns + "-capped-1 | tick\n").repeat(2) + (ns + "-capped-2 | tick\n").repeat(2)));
        List<Follow> streams = new ArrayList<>();
        try {
            // an unfiltered stream of a 2-replica App follows two containers: 3 of them and 2 of one replica fill the 8
            for (int i = 0; i < maxPerCaller / 2 - 1; i++) {
                streams.add(Follow.open(RestAssured.port, follow("capped", null), a).awaitOutput("tick"));
            }
            streams.add(Follow.open(RestAssured.port, follow("capped", 1), a).awaitOutput("tick"));
            Follow last = Follow.open(RestAssured.port, follow("capped", 2), a).awaitOutput("tick");
            streams.add(last);

            Follow refused = Follow.open(RestAssured.port, follow("capped", 1), a);
            assertThat(refused.status).as(refused.head).isEqualTo(429);
            assertThat(refused.header("retry-after")).isEqualTo("5");
            assertThat(refused.header("content-type")).startsWith("application/problem+json");
            assertThat(refused.readToEnd()).contains("\"status\":429").contains("at most " + maxPerCaller + " are allowed per token")
                    .contains("mooring.streams.max-per-caller");
            refused.close();

            streams.add(Follow.open(RestAssured.port, follow("capped", null), tokens.get(1)).awaitOutput("tick"));

            long closed = System.nanoTime();
            last.close();
            streams.remove(last);
            Follow again = Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
                Follow f = Follow.open(RestAssured.port, follow("capped", 1), a);
                if (f.status != 200) {
                    f.close();
                }
                return f;
            }, f -> f.status == 200);
            long release = System.nanoTime() - closed;
            streams.add(again.awaitOutput("tick"));
            System.out.printf("log streams: a token's place was free again %d ms after its client closed%n",
                    TimeUnit.NANOSECONDS.toMillis(release));
            assertThat(TimeUnit.NANOSECONDS.toMillis(release)).isLessThan(1000);
        } finally {
            streams.forEach(Follow::close);
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> openGauge() == 0);
    }

    @Test
    void pastTheGlobalCapEveryTokenGets429() {
        ticker("busy", 2);
        int tokensToFill = max / maxPerCaller;
        List<String> tokens = viewers("all", tokensToFill + 1);
        List<Follow> streams = new ArrayList<>();
        try {
            for (int t = 0; t < tokensToFill; t++) {
                for (int i = 0; i < maxPerCaller / 2; i++) {
                    streams.add(Follow.open(RestAssured.port, follow("busy", null), tokens.get(t)));
                }
            }
            streams.forEach(f -> f.awaitOutput("tick"));
            assertThat(openGauge()).isEqualTo(max);
            Follow refused = Follow.open(RestAssured.port, follow("busy", 1), tokens.get(tokensToFill));
            assertThat(refused.status).as(refused.head).isEqualTo(429);
            assertThat(refused.header("retry-after")).isEqualTo("5");
            assertThat(refused.readToEnd()).contains("at most " + max + " are allowed in all").contains("mooring.streams.max");
            refused.close();
            // /q/health and the rest of the API answer while the cap is reached
            RestAssured.get("/q/health/ready").then().statusCode(200);
            Api.get(ns, "apps", "busy").then().statusCode(200);

            streams.remove(0).close();
            Follow admitted = Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
                Follow f = Follow.open(RestAssured.port, follow("busy", 1), tokens.get(tokensToFill));
                if (f.status != 200) {
                    f.close();
                }
                return f;
            }, f -> f.status == 200);
            streams.add(admitted.awaitOutput("tick"));
        } finally {
            streams.forEach(Follow::close);
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> openGauge() == 0);
    }

    @Test
    void aFollowStreamWithoutOutputEndsAfterTheIdleTimeout() {
        Api.applyOk(Api.app(ns, "quiet", 1, null));
        Api.awaitReady(ns, "quiet", CONVERGE);
        int engineStreams = Snapshot.engineStreamThreads();
        long start = System.nanoTime();
        Follow quiet = Follow.open(RestAssured.port, follow("quiet", null), AdminToken.TOKEN);
        assertThat(quiet.status).as(quiet.head).isEqualTo(200);
        long headMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String body = quiet.readToEnd(); // the server ends the response
        long endedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        quiet.close();
        System.out.printf("log streams: a quiet follow stream answered its head after %d ms and ended after %d ms (idle timeout %s)%n",
                headMillis, endedMillis, idleTimeout);
        assertThat(headMillis).as("the head comes before any output").isLessThan(idleTimeout.toMillis() / 2);
        assertThat(body).isEqualTo("0\r\n\r\n"); // only the last chunk: a clean end, not a cut connection
        assertThat(endedMillis).isBetween(idleTimeout.toMillis() - 100, idleTimeout.toMillis() + 5000);
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> Snapshot.engineStreamThreads() <= engineStreams && openGauge() == 0);
    }

    @Test
    void aClientThatStopsReadingIsCutOffAndItsStreamReleased() {
        // about 1.3 MB of output a second, in lines of 76 characters
        Api.applyOk(Api.app(ns, "flood", 1, null).replace("command: [\"sleep\", \"100000\"]",
                "command: [\"sh\", \"-c\", \"while true; do head -c 1000000 /dev/zero | base64; sleep 1; done\"]"));
        Api.awaitReady(ns, "flood", CONVERGE);
        int engineStreams = Snapshot.engineStreamThreads();
        Follow stuck = Follow.open(RestAssured.port, follow("flood", null), AdminToken.TOKEN, 4096).awaitOutput("AAAA");
        try {
            long start = System.nanoTime();
            // the client reads nothing more and keeps its connection: back-pressure holds the engine
            // stream, and the idle timeout (nothing sent) ends it
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> openGauge() == 0 && Snapshot.engineStreamThreads() <= engineStreams);
            long cutOff = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("log streams: a client that stopped reading was cut off after %d ms (idle timeout %s)%n", cutOff, idleTimeout);
            assertThat(cutOff).isLessThan(idleTimeout.toMillis() + 5000);
            assertThat(stuck.socket.isClosed()).isFalse();
        } finally {
            stuck.close();
        }
    }

    /** Opens n follow streams, the tokens in turn, and waits until each shows output. */
    private static List<Follow> open(String path, List<String> tokens, int n) {
        List<Follow> streams = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            streams.add(Follow.open(RestAssured.port, path, tokens.get(i % tokens.size())));
        }
        for (Follow f : streams) {
            assertThat(f.status).as(f.head).isEqualTo(200);
            f.awaitOutput("tick");
        }
        return streams;
    }

    /** mooring_streams_open from /q/metrics. */
    private static int openGauge() {
        for (String line : RestAssured.get("/q/metrics").asString().split("\n")) {
            if (line.startsWith("mooring_streams_open")) {
                return (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no mooring_streams_open in /q/metrics");
    }

    /** What the process (and the engine) hold at one moment. */
    record Snapshot(int threads, long fds, long dockerdFds, int engineStreams) {
        static Snapshot now() {
            return new Snapshot(ManagementFactory.getThreadMXBean().getThreadCount(), count(Path.of("/proc/self/fd")),
                    count(Path.of("/proc", dockerdPid(), "fd")), engineStreamThreads());
        }

        /** docker-java runs each engine stream (logs here, besides the engines' event streams) on a thread of its own. */
        static int engineStreamThreads() {
            // enumerated from the root group: Thread.getAllStackTraces() would stop every thread at a safepoint
            ThreadGroup root = Thread.currentThread().getThreadGroup();
            while (root.getParent() != null) {
                root = root.getParent();
            }
            Thread[] all = new Thread[root.activeCount() + 64];
            int n = root.enumerate(all, true);
            int streams = 0;
            for (int i = 0; i < n; i++) {
                if (all[i].getName().startsWith("docker-java-stream")) {
                    streams++;
                }
            }
            return streams;
        }

        private static String dockerdPid() {
            try {
                return Files.readString(Path.of("/var/run/docker.pid")).trim();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static long count(Path dir) {
            try (Stream<Path> s = Files.list(dir)) {
                return s.count();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Asks /q/health/ready every 50 ms and keeps the slowest answer. */
    static final class HealthProbe implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final HttpRequest request;
        private final AtomicLong maxNanos = new AtomicLong();
        private final AtomicInteger probes = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private final List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());

        HealthProbe(int port) {
            request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build();
            timer.scheduleWithFixedDelay(this::probe, 0, 50, TimeUnit.MILLISECONDS);
        }

        private void probe() {
            long start = System.nanoTime();
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status != 200) {
                    failures.incrementAndGet();
                }
            } catch (IOException e) {
                failures.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long took = System.nanoTime() - start;
            maxNanos.accumulateAndGet(took, Math::max);
            latencies.add(took);
            probes.incrementAndGet();
        }

        long percentileMillis(int p) {
            List<Long> all;
            synchronized (latencies) {
                all = new ArrayList<>(latencies);
            }
            all.sort(null);
            return all.isEmpty() ? 0 : TimeUnit.NANOSECONDS.toMillis(all.get(Math.min(all.size() - 1, all.size() * p / 100)));
        }

        /** Latency percentiles in ms (50, 99, 100) and how many probes took 100 ms or more. */
        String summary() {
            List<Long> all;
            synchronized (latencies) {
                all = new ArrayList<>(latencies);
            }
            all.sort(null);
            if (all.isEmpty()) {
                return "no probes";
            }
            java.util.function.IntFunction<Long> ms = p -> TimeUnit.NANOSECONDS.toMillis(all.get(Math.min(all.size() - 1, all.size() * p / 100)));
            return "p50 " + ms.apply(50) + " ms, p99 " + ms.apply(99) + " ms, max " + ms.apply(100) + " ms, "
                    + all.stream().filter(n -> n >= 100_000_000L).count() + " of " + all.size() + " at 100 ms or more";
        }

        void reset() {
            latencies.clear();
            maxNanos.set(0);
            probes.set(0);
            failures.set(0);
        }

        long maxMillis() {
            return TimeUnit.NANOSECONDS.toMillis(maxNanos.get());
        }

        int probes() {
            return probes.get();
        }

        int failures() {
            return failures.get();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** One HTTP/1.1 request on a socket of its own; closing the socket is the client going away. */
    static final class Follow implements Closeable {
        final Socket socket;
        final InputStream in;
        final int status;
        final String head;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        private Follow(int port, String path, String token, int receiveBuffer) throws IOException {
            socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            in = socket.getInputStream();
            ByteArrayOutputStream h = new ByteArrayOutputStream();
            while (!h.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed after " + h);
                }
                h.write(b);
            }
            head = h.toString(StandardCharsets.ISO_8859_1);
            status = Integer.parseInt(head.substring(9, 12));
        }

        static Follow open(int port, String path, String token) {
            return open(port, path, token, 0);
        }

        /** A request whose socket has a receive buffer of this size (0: the system's). */
        static Follow open(int port, String path, String token, int receiveBuffer) {
            try {
                return new Follow(port, path, token, receiveBuffer);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String header(String name) {
            return head.lines().filter(l -> l.toLowerCase().startsWith(name.toLowerCase() + ":"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
        }

        /** Reads until the body (chunk framing and all) holds the text: the engine stream is up. */
        Follow awaitOutput(String text) {
            byte[] buf = new byte[4096];
            try {
                while (!body.toString(StandardCharsets.UTF_8).contains(text)) {
                    int n = in.read(buf);
                    if (n < 0) {
                        throw new AssertionError("the stream ended before \"" + text + "\": " + head + body);
                    }
                    body.write(buf, 0, n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /** Reads until the server closes the connection. */
        String readToEnd() {
            try {
                body.write(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return body.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
    }
}
