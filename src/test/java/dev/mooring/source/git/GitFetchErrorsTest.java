package dev.mooring.source.git;

import com.sun.net.httpserver.HttpServer;
import dev.mooring.testing.Api;
import dev.mooring.testing.GitFixture;
import dev.mooring.testing.GitHttpServer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a GitRepository's status says when its fetch fails (issue 10, finding 2): one text for
 * every address that is not a Git server (a closed port, an HTTP service, a 401, a TCP service
 * speaking something else, one that never answers, a path that is no repository), so status is no port scanner; and a
 * redirect to a host the policy refuses is refused at that connection; and a checkout whose
 * GitRepository is gone does not stay. Runs in the test profile,
 * which allows 127.0.0.1 and java.io.tmpdir so that the fetches are really attempted.
 */
@QuarkusTest
class GitFetchErrorsTest {
    static final Duration CONVERGE = Duration.ofSeconds(60);
    String ns;
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void setUp() {
        ns = Api.uniqueNamespace("gitfetch");
    }

    @AfterEach
    void clean() throws Exception {
        for (String name : RestAssured.get(Api.BASE + "/namespaces/" + ns + "/gitrepositories").jsonPath().<String>getList("items.metadata.name")) {
            Api.delete(ns, "gitrepositories", name);
            Api.awaitGone(ns, "gitrepositories", name, CONVERGE);
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void everyAddressThatIsNoGitServerGetsTheSameMessage() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", ex -> {
            byte[] page = "<html><body>an internal dashboard</body></html>".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/html");
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        web.createContext("/admin", ex -> {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"admin\"");
            ex.sendResponseHeaders(401, -1);
            ex.close();
        });
        web.start();
        closing.add(() -> web.stop(0));
        ServerSocket banner = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        closing.add(banner);
        Thread answering = new Thread(() -> {
            while (!banner.isClosed()) {
                try (Socket c = banner.accept(); OutputStream out = c.getOutputStream()) {
                    out.write("+OK redis-like banner\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }, "banner");
        answering.setDaemon(true);
        answering.start();
        // accepts and never answers: the fetch times out (after its 60 s read timeout)
        ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        closing.add(silent);
        List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread holding = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept());
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }, "silent");
        holding.setDaemon(true);
        holding.start();
        closing.add(() -> held.forEach(c -> {
            try {
                c.close();
            } catch (java.io.IOException e) {
                // closing anyway
            }
        }));
        Path notARepository = Files.createTempDirectory("mooring-not-a-repo");
        Files.writeString(notARepository.resolve("README"), "hello");
        int webPort = web.getAddress().getPort();

        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("closed", "http://127.0.0.1:" + closed + "/repo.git");
        urls.put("web", "http://127.0.0.1:" + webPort + "/repo.git");
        urls.put("auth", "http://127.0.0.1:" + webPort + "/admin/repo.git");
        urls.put("banner", "http://127.0.0.1:" + banner.getLocalPort() + "/repo.git");
        urls.put("sshbanner", "ssh://git@127.0.0.1:" + banner.getLocalPort() + "/repo.git");
        urls.put("timeout", "http://127.0.0.1:" + silent.getLocalPort() + "/repo.git");
        urls.put("nodir", "file://" + notARepository + "-missing");
        urls.put("notrepo", "file://" + notARepository);
        urls.forEach(this::create);

        Map<String, String> messages = new LinkedHashMap<>();
        for (var e : urls.entrySet()) {
            JsonPath j = Awaitility.await().atMost(Duration.ofSeconds(180)).until(() -> Api.get(ns, "gitrepositories", e.getKey()).jsonPath(),
                    s -> s.getString("status.lastError.message") != null);
            assertThat(Api.conditionReason(j, "Ready")).as(e.getKey()).isEqualTo("FetchFailed");
            messages.put(e.getKey(), j.getString("status.lastError.message").replace(e.getValue(), "<url>"));
        }
        System.out.println("fetch failure messages: " + messages);
        assertThat(messages.values()).as(messages.toString()).containsOnly("cannot fetch refs/heads/main from <url>: " + GitSync.NO_GIT_ANSWER);
        Files.delete(notARepository.resolve("README"));
        Files.delete(notARepository);
    }

    @Test
    void aRedirectToARefusedHostIsRefusedAtThatConnectionAndNothingIsFetched() throws Exception {
        GitFixture git = GitFixture.create();
        closing.add(git);
        git.commit("v1", Map.of("s.yaml", "apiVersion: mooring.dev/v1alpha1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n"));
        GitHttpServer target = new GitHttpServer(git.bareDir(), "u", "p");
        closing.add(target);
        String targetPort = target.url().replaceAll("^http://127\\.0\\.0\\.1:(\\d+)/.*$", "$1");
        AtomicInteger redirects = new AtomicInteger();
        HttpServer redirecting = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        redirecting.createContext("/", ex -> {
            redirects.incrementAndGet();
            // localhost is not in the test profile's allow-list (127.0.0.1 is): it resolves to loopback
            ex.getResponseHeaders().add("Location", "http://localhost:" + targetPort + ex.getRequestURI());
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        redirecting.start();
        closing.add(() -> redirecting.stop(0));
        String url = "http://127.0.0.1:" + redirecting.getAddress().getPort() + "/repo.git";
        create("redirected", url);

        JsonPath j = Awaitility.await().atMost(CONVERGE).until(() -> Api.get(ns, "gitrepositories", "redirected").jsonPath(),
                s -> s.getString("status.lastError.message") != null);
        assertThat(redirects.get()).isPositive();
        assertThat(Api.conditionReason(j, "Ready")).isEqualTo("URLRefused");
        assertThat(j.getString("status.lastError.message")).isEqualTo("cannot fetch refs/heads/main from " + url
                + ": the fetch was sent to http://localhost:" + targetPort + " and refused: host localhost resolves to 127.0.0.1, a loopback address:"
                + " Mooring does not fetch from its own host's services or link-local ones (an operator can allow it: mooring.git.allowed-hosts=localhost:" + targetPort + ")");
        assertThat(j.getString("status.lastSyncedCommit")).isNull();
        assertThat(Api.get(ns, "secrets", "s").statusCode()).isEqualTo(404);
    }

    @Test
    void checkoutsOfRepositoriesThatNoLongerExistAreRemovedAndOthersKept() throws Exception {
        create("live", "http://127.0.0.1:9/repo.git");
        Path live = dataDir.toAbsolutePath().normalize().resolve("git").resolve(ns).resolve("live");
        Awaitility.await().atMost(CONVERGE).until(() -> Files.isDirectory(live.resolve("repo.git")));
        Path ghost = Files.createDirectories(live.resolveSibling("ghost").resolve("repo.git"));
        Files.writeString(ghost.resolve("HEAD"), "ref: refs/heads/main\n");
        Path ghostCheckout = Files.createDirectories(ghost.resolveSibling("0123abcd"));
        Files.writeString(ghostCheckout.resolve("secret.yaml"), "kind: Secret\n");

        assertThat(sync.removeOrphanCheckouts()).isEqualTo(1);
        assertThat(ghost.getParent()).doesNotExist();
        assertThat(live.resolve("repo.git")).isDirectory();
    }

    @Inject
    GitSync sync;
    @ConfigProperty(name = "mooring.data-dir")
    Path dataDir;

    private void create(String name, String url) {
        Response r = Api.givenYaml().body("""
                apiVersion: mooring.dev/v1alpha1
                kind: GitRepository
                metadata: {name: %s, namespace: %s}
                spec: {url: "%s", interval: 1h}
                """.formatted(name, ns, url)).post(Api.BASE + "/namespaces/" + ns + "/gitrepositories");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    }
}
