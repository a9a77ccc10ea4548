package dev.mooring.testing;

import org.awaitility.Awaitility;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real image registry for pull and push tests: Debian's {@code docker-registry} serving on
 * 127.0.0.1 (which Docker trusts without TLS) from a temporary directory, answering once started.
 */
public final class Registry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private Registry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a registry on a free port and waits until {@code /v2/} answers 200. */
    public static Registry start() throws IOException {
        int port = DockerCli.freePort();
        Path root = Files.createTempDirectory("mooring-registry");
        Files.writeString(root.resolve("config.yml"), """
                version: 0.1
                storage:
                  filesystem: {rootdirectory: %s}
                http:
                  addr: 127.0.0.1:%d
                """.formatted(root.resolve("data"), port));
        Process p = new ProcessBuilder("docker-registry", "serve", root.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("registry.log").toFile()).start();
        Registry registry = new Registry(p, port);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> registry.get("/v2/").statusCode() == 200);
        } catch (RuntimeException e) {
            p.destroy();
            throw e;
        }
        return registry;
    }

    /** {@code 127.0.0.1:<port>}, the registry part of an image reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** A GET of the registry's HTTP API, e.g. {@code /v2/<repository>/tags/list}. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + host() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.destroy();
    }
}
