package dev.mooring.engine;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.Registry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** spec.build on the real engine: digest tags, rollouts on a changed context, no needless builds, failures, pushes. */
@QuarkusTest
class ImageBuildTest {
    static final Duration CONVERGE = Duration.ofSeconds(120);
    static final String DOCKERFILE = """
            FROM mooring-test/busybox:1
            COPY index.html /www/index.html
            CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
            """;
    /** Where baseline lets these tests build from (%test.mooring.admission.allowed-build-contexts). */
    static final Path CONTEXTS = Path.of("/tmp/mooring-build-contexts");
    String ns;
    Path context;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() throws Exception {
        ns = Api.uniqueNamespace("build");
        Files.createDirectories(CONTEXTS);
        context = Files.createTempDirectory(CONTEXTS, "web");
        Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
        Files.writeString(context.resolve("index.html"), "v1\n");
        Files.writeString(context.resolve(".dockerignore"), "notes/\n");
    }

    /** Deleting the App removes the images built for it. */
    @AfterEach
    void clean() throws Exception {
        Api.deleteNamespace(ns, CONVERGE);
        assertThat(DockerCli.run("images", "-q", "--filter", "label=dev.mooring.namespace=" + ns)).isBlank();
        try (var files = Files.walk(context)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private String app(int port, String extra) {
        return """
                apiVersion: mooring.dev/v1alpha1
                kind: App
                metadata: {name: web, namespace: %s}
                spec:
                  build:
                    context: %s
                    args: {UNUSED: "1"}
                %s
                  ports: [{containerPort: 8080, hostPort: %d, hostIP: 127.0.0.1}]
                  stopGracePeriod: 1s
                  update: {monitor: 1s}
                  healthcheck:
                    test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/index.html || exit 1"]
                    interval: 1s
                    timeout: 1s
                    retries: 2
                """.formatted(ns, context, extra == null ? "" : extra.indent(4).stripTrailing(), port);
    }

    private String page(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html")).build(),
                HttpResponse.BodyHandlers.ofString()).body().strip();
    }

    private long events(String reason) {
        List<String> reasons = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/web/events").jsonPath().getList("items.reason");
        List<Integer> counts = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/web/events").jsonPath().getList("items.count");
        long n = 0;
        for (int i = 0; i < reasons.size(); i++) {
            if (reasons.get(i).equals(reason)) {
                n += counts.get(i);
            }
        }
        return n;
    }

    /**
     * spec.image beside build names a tag that another image holds (on a shared engine another
     * namespace's Apps may run it): the built image does not take that name, and deleting the App
     * leaves it where it was (issue 10).
     */
    @Test
    void aBuildNeverTakesATagThatNamesAnImageItDidNotBuild() throws Exception {
        String foreign = "mooring-test/foreign-" + ns + ":1";
        DockerCli.run("tag", DockerCli.IMAGE, foreign);
        try {
            String before = DockerCli.run("image", "inspect", "--format", "{{.Id}}", foreign).strip();
            int port = DockerCli.freePort();
            Api.applyOk(app(port, null).replace("  stopGracePeriod: 1s", "  image: " + foreign + "\n  stopGracePeriod: 1s"));
            JsonPath ready = Api.awaitReady(ns, "web", CONVERGE);
            assertThat(ready.getString("status.build.image")).startsWith("mooring.local/" + ns + "/web:ctx-");
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(events("ImageTagInUse")).isEqualTo(1));
            assertThat(DockerCli.run("image", "inspect", "--format", "{{.Id}}", foreign).strip()).isEqualTo(before);
            Api.deleteNamespace(ns, CONVERGE);
            assertThat(DockerCli.run("image", "inspect", "--format", "{{.Id}}", foreign).strip()).isEqualTo(before);
        } finally {
            DockerCli.run("rmi", foreign);
        }
    }

    @Test
    void aChangedContextRollsOutAnUnchangedOneIsNeverRebuiltAndAFailedBuildKeepsTheOldContainersServing() throws Exception {
        int port = DockerCli.freePort();
        Api.applyOk(app(port, null));
        JsonPath v1 = Api.awaitReady(ns, "web", CONVERGE);
        String image1 = v1.getString("status.build.image");
        assertThat(image1).matches("mooring\\.local/" + ns + "/web:ctx-[0-9a-f]{16}");
        assertThat(v1.getString("status.build.digest")).startsWith(image1.substring(image1.indexOf("ctx-") + 4));
        assertThat(DockerCli.inspect(ns + "-web-1", "{{.Config.Image}}")).isEqualTo(image1);
        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(page(port)).isEqualTo("v1"));
        assertThat(events("BuildStarted")).isEqualTo(1);
        assertThat(events("BuildSucceeded")).isEqualTo(1);
        String log = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/web/buildlog").then().statusCode(200).extract().asString();
        assertThat(log).contains("COPY index.html /www/index.html", "# built " + image1);

        // unchanged context (an ignored file, another spec field): no build, the same tag
        Files.createDirectories(context.resolve("notes"));
        Files.writeString(context.resolve("notes/todo.txt"), "ignored by .dockerignore\n");
        String id1 = DockerCli.inspect(ns + "-web-1", "{{.Id}}");
        Api.applyOk(app(port, null).replace("  stopGracePeriod: 1s", "  stopGracePeriod: 1s\n  env: [{name: MODE, value: two}]"));
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() ->
                assertThat(DockerCli.inspect(ns + "-web-1", "{{.Id}}")).isNotEqualTo(id1));
        JsonPath sameImage = Api.awaitReady(ns, "web", CONVERGE);
        assertThat(sameImage.getString("status.build.image")).isEqualTo(image1);
        assertThat(events("BuildStarted")).isEqualTo(1);

        // a changed file in the context: a new digest tag, rolled out
        Files.writeString(context.resolve("index.html"), "v2\n");
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() -> assertThat(page(port)).isEqualTo("v2"));
        JsonPath v2 = Api.awaitReady(ns, "web", CONVERGE);
        String image2 = v2.getString("status.build.image");
        assertThat(image2).isNotEqualTo(image1).startsWith("mooring.local/" + ns + "/web:ctx-");
        assertThat(DockerCli.inspect(ns + "-web-1", "{{.Config.Image}}")).isEqualTo(image2);
        assertThat(events("BuildStarted")).isEqualTo(2);
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/web/revisions").jsonPath().getList("items.cause", String.class))
                .anyMatch(c -> c.startsWith("build context changed"));

        // a failing Dockerfile: status says which step and why; the v2 container keeps serving
        String id2 = DockerCli.inspect(ns + "-web-1", "{{.Id}}");
        Files.writeString(context.resolve("Dockerfile"), DOCKERFILE.replace("COPY", "RUN echo about to fail && exit 3\nCOPY"));
        Awaitility.await().atMost(CONVERGE).untilAsserted(() -> {
            JsonPath j = Api.get(ns, "apps", "web").jsonPath();
            assertThat(Api.conditionReason(j, "Degraded")).isEqualTo("BuildFailed");
            assertThat(j.getString("status.build.phase")).isEqualTo("Failed");
            assertThat(j.getString("status.build.step")).contains("RUN echo about to fail && exit 3");
        });
        JsonPath failed = Api.get(ns, "apps", "web").jsonPath();
        assertThat(failed.getList("status.conditions").toString()).contains("returned a non-zero code: 3");
        assertThat(events("BuildFailed")).isEqualTo(1);
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/web/buildlog").asString()).contains("about to fail", "build failed");
        assertThat(DockerCli.inspect(ns + "-web-1", "{{.Id}}")).isEqualTo(id2);
        assertThat(page(port)).isEqualTo("v2");
        // the same failing inputs are not built again at every pass
        long passes = (long) Api.reconciles("App");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Api.reconciles("App") > passes + 3);
        assertThat(events("BuildStarted")).isEqualTo(3);
    }

    @Test
    void aBuildWithPushLandsInTheRegistryUnderItsDigestTag() throws Exception {
        Registry registry = Registry.start();
        int registryPort = registry.port();
        String pulled = null;
        try {
            Response secret = Api.givenYaml().body("""
                    apiVersion: mooring.dev/v1alpha1
                    kind: Secret
                    metadata: {name: registry, namespace: %s}
                    stringData: {user: mooring, pass: not-checked-by-this-registry}
                    """.formatted(ns)).post(Api.BASE + "/namespaces/" + ns + "/secrets");
            assertThat(secret.statusCode()).as(secret.asString()).isEqualTo(201);
            int port = DockerCli.freePort();
            Api.applyOk(app(port, """
                    push:
                      registry: 127.0.0.1:%d
                      repository: mooring/pushed
                      secret: registry
                      usernameKey: user
                      passwordKey: pass
                    """.formatted(registryPort)));
            JsonPath j = Api.awaitReady(ns, "web", CONVERGE);
            String ref = j.getString("status.build.pushed");
            assertThat(ref).matches("127\\.0\\.0\\.1:" + registryPort + "/mooring/pushed:ctx-[0-9a-f]{16}");
            assertThat(j.getString("status.build.image")).isEqualTo(ref);
            String tag = ref.substring(ref.lastIndexOf(':') + 1);
            String tags = registry.get("/v2/mooring/pushed/tags/list").body();
            assertThat(tags).contains(tag);
            assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/web/buildlog").asString()).contains("# pushed " + ref, "as mooring");

            // the CLI oracle pulls it back under another name: the registry has the image
            String id = DockerCli.inspect(ns + "-web-1", "{{.Image}}");
            DockerCli.run("image", "rm", "-f", ref);
            DockerCli.run("pull", ref);
            pulled = ref;
            assertThat(DockerCli.run("image", "inspect", "--format", "{{.Id}}", ref)).isEqualTo(id);
        } finally {
            registry.close();
            if (pulled != null) {
                DockerCli.run("image", "rm", "-f", pulled);
            }
            Api.delete(ns, "secrets", "registry");
        }
    }

    @Test
    void validationNamesTheBuildFields() {
        Response r = Api.apply("""
                apiVersion: mooring.dev/v1alpha1
                kind: App
                metadata: {name: bad, namespace: %s}
                spec:
                  build:
                    context: relative/dir
                    dockerfile: ../Dockerfile
                    push: {registry: "not a registry", repository: Team/Web, usernameKey: u}
                """.formatted(ns));
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.jsonPath().getList("errors.field")).containsExactlyInAnyOrder("spec.build.context", "spec.build.dockerfile",
                "spec.build.push.registry", "spec.build.push.repository", "spec.build.push.secret");
        Response none = Api.apply("""
                apiVersion: mooring.dev/v1alpha1
                kind: App
                metadata: {name: bad, namespace: %s}
                spec: {replicas: 1}
                """.formatted(ns));
        assertThat(none.jsonPath().getList("errors.field")).containsExactly("spec.image");
        assertThat(none.jsonPath().getString("errors[0].message")).contains("spec.build");

        // admission: Mooring reads the context itself, so baseline allows only known directories
        Response outside = Api.apply(app(DockerCli.freePort(), null).replace(context.toString(), "/etc"));
        assertThat(outside.statusCode()).isEqualTo(422);
        assertThat(outside.jsonPath().getList("errors.field")).containsExactly("spec.build.context");
        assertThat(outside.jsonPath().getString("errors[0].message")).contains("/tmp/mooring-build-contexts", "projects");
    }
}
