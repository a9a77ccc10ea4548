package dev.mooring.it;

import dev.mooring.testing.DockerCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The first admin token of the packaged service: without MOORING_ADMIN_TOKEN one is generated at
 * the first start and printed once, never again on later starts, and it keeps working; with
 * MOORING_ADMIN_TOKEN set, that one works too.
 */
class AdminTokenIT {
    private static final Pattern TOKEN = Pattern.compile("mr_[A-Za-z0-9_-]{43}");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final List<Process> processes = new ArrayList<>();
    private static Path dataDir;

    @AfterAll
    static void tearDown() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theGeneratedAdminTokenIsPrintedAtTheFirstStartOnly() throws Exception {
        dataDir = Files.createTempDirectory("mooring-admin-token-");
        Path workDir = Files.createDirectories(Paths.get("target", "admin-token-it").toAbsolutePath());

        Started first = start(workDir.resolve("first.log"), null);
        String log = Files.readString(first.log);
        Matcher m = TOKEN.matcher(log);
        assertThat(m.find()).as("a generated token in %s", first.log).isTrue();
        String token = m.group();
        assertThat(m.find()).as("the token is printed once").isFalse();
        assertThat(get(first.base + "/api/v1alpha1/apps", token).statusCode()).isEqualTo(200);
        assertThat(get(first.base + "/api/v1alpha1/apps", null).statusCode()).isEqualTo(401);
        HttpResponse<String> tokens = get(first.base + "/api/v1alpha1/tokens", token);
        assertThat(tokens.body()).contains("\"origin\":\"generated\"").doesNotContain(token);
        stop(first);

        Started second = start(workDir.resolve("second.log"), null);
        String secondLog = Files.readString(second.log);
        assertThat(TOKEN.matcher(secondLog).find()).as("no token printed on a later start").isFalse();
        assertThat(secondLog).doesNotContain("First start");
        assertThat(get(second.base + "/api/v1alpha1/apps", token).statusCode()).isEqualTo(200);
        stop(second);

        String configured = "configured-" + UUID.randomUUID();
        Started third = start(workDir.resolve("third.log"), configured);
        assertThat(TOKEN.matcher(Files.readString(third.log)).find()).isFalse();
        assertThat(Files.readString(third.log)).doesNotContain(configured);
        assertThat(get(third.base + "/api/v1alpha1/apps", configured).statusCode()).isEqualTo(200);
        assertThat(get(third.base + "/api/v1alpha1/apps", token).statusCode()).isEqualTo(200);
        stop(third);
    }

    private record Started(Process process, String base, Path log) {
    }

    private static Started start(Path log, String adminToken) {
        Path jar = Paths.get(System.getProperty("mooring.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        int port = DockerCli.freePort();
        ProcessBuilder pb = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-Dmooring.data-dir=" + dataDir, "-Dmooring.instance=admin-token-" + RUN,
                "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("MOORING_ADMIN_TOKEN");
        if (adminToken != null) {
            pb.environment().put("MOORING_ADMIN_TOKEN", adminToken);
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        processes.add(p);
        String base = "http://127.0.0.1:" + port;
        await("Mooring is ready (log " + log + ")").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e -> e instanceof IOException || e instanceof UncheckedIOException)
                .until(() -> {
                    assertThat(p.isAlive()).as("Mooring exited early, see %s", log).isTrue();
                    return get(base + "/q/health/ready", null).statusCode() == 200;
                });
        return new Started(p, base, log);
    }

    private static void stop(Started s) throws InterruptedException {
        s.process.destroy();
        assertThat(s.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private static HttpResponse<String> get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
