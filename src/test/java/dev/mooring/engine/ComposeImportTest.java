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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /namespaces/{ns}/compose: a compose project (file or tar) runs on the real engine; bad input stores nothing. */
@QuarkusTest
class ComposeImportTest {
    static final Duration CONVERGE = Duration.ofSeconds(120);
    static final Path PROJECTS = Path.of("target/test-data/projects");
    String ns;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("compose");
    }

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, CONVERGE);
    }

    /** A web service built from a Dockerfile (busybox httpd, a CGI script speaking RESP to redis through nc) and redis. */
    static Map<String, String> redisProject(int webPort) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("compose.yaml", """
                services:
                  web:
                    build: ./web
                    environment:
                      REDIS_HOST: redis
                    ports:
                      - "127.0.0.1:${WEB_PORT}:8080"
                    depends_on:
                      redis:
                        condition: service_healthy
                    healthcheck:
                      test: wget -q -O /dev/null http://127.0.0.1:8080/index.html || exit 1
                      interval: 1s
                      timeout: 2s
                      retries: 3
                    stop_grace_period: 1s
                  redis:
                    image: mooring-test/redis:7
                    healthcheck:
                      test: ["CMD-SHELL", "printf 'PING\\r\\n' | nc -w 1 127.0.0.1 6379 | grep -q PONG"]
                      interval: 1s
                      timeout: 3s
                      retries: 5
                    stop_grace_period: 1s
                """);
        files.put(".env", "WEB_PORT=" + webPort + "\n");
        files.put("web/Dockerfile", """
                FROM mooring-test/busybox:1
                COPY www /www
                CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
                """);
        files.put("web/www/index.html", "kv\n");
        // GET ?key=k reads, POST ?key=k (body: the value) writes; RESP arrays, so any value fits
        files.put("web/www/cgi-bin/kv*", """
                #!/bin/sh
                key=$(echo "$QUERY_STRING" | sed -n 's/^.*key=\\([A-Za-z0-9_-]*\\).*$/\\1/p')
                host=${REDIS_HOST:-redis}
                echo "Content-Type: text/plain"
                echo ""
                if [ "$REQUEST_METHOD" = "POST" ]; then
                  value=$(head -c "${CONTENT_LENGTH:-0}")
                  printf '*3\\r\\n$3\\r\\nSET\\r\\n$%d\\r\\n%s\\r\\n$%d\\r\\n%s\\r\\n' ${#key} "$key" ${#value} "$value" \\
                    | nc -w 1 "$host" 6379 | tr -d '\\r'
                else
                  printf '*2\\r\\n$3\\r\\nGET\\r\\n$%d\\r\\n%s\\r\\n' ${#key} "$key" | nc -w 1 "$host" 6379 | sed -n 2p | tr -d '\\r'
                fi
                """);
        return files;
    }

    @Test
    void aBuiltWebAppAndRedisFromATarServeAWriteAndARead() throws Exception {
        int port = DockerCli.freePort();
        long start = System.nanoTime();
        Response r = RestAssured.given().contentType("application/x-tar").body(Tars.of(redisProject(port)))
                .post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.jsonPath().getList("results.name")).containsExactlyInAnyOrder("default", "redis", "web");
        assertThat(r.jsonPath().getList("results.result")).containsOnly("created");
        String dir = r.jsonPath().getString("project.directory");
        assertThat(Path.of(dir, "web/www/cgi-bin/kv")).isExecutable();
        long imported = System.nanoTime();

        Api.awaitReady(ns, "redis", CONVERGE);
        var web = Api.awaitReady(ns, "web", CONVERGE);
        long ready = System.nanoTime();
        assertThat(web.getString("status.build.image")).startsWith("mooring.local/" + ns + "/web:ctx-");
        assertThat(DockerCli.inspect(ns + "-web-1", "{{index .Config.Image}}")).isEqualTo(web.getString("status.build.image"));

        HttpClient http = HttpClient.newHttpClient();
        URI kv = URI.create("http://127.0.0.1:" + port + "/cgi-bin/kv?key=greeting");
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            HttpResponse<String> w = http.send(HttpRequest.newBuilder(kv).POST(HttpRequest.BodyPublishers.ofString("hello from compose")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(w.body().strip()).isEqualTo("+OK");
        });
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(kv).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body().strip()).isEqualTo("hello from compose");
        System.out.printf("compose e2e: import %d ms, both Ready %d ms later, write+read %d ms later%n",
                (imported - start) / 1_000_000, (ready - imported) / 1_000_000, (System.nanoTime() - ready) / 1_000_000);

        // the same tar again: same directory, nothing changes
        Response again = RestAssured.given().contentType("application/x-tar").body(Tars.of(redisProject(port)))
                .post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(again.jsonPath().getString("project.directory")).isEqualTo(dir);
        assertThat(again.jsonPath().getList("results.result")).containsOnly("unchanged");
    }

    @Test
    void dryRunStoresNothingAndFormatYamlRoundTripsThroughApply() {
        String compose = """
                version: "3"
                services:
                  sleeper:
                    image: mooring-test/busybox:1
                    command: sleep 100000
                    container_name: ignored
                    stop_grace_period: 1s
                    deploy: {replicas: 2}
                volumes:
                  data: {}
                """;
        Response dry = Api.givenYaml().body(compose).post(Api.BASE + "/namespaces/" + ns + "/compose?dryRun=true");
        assertThat(dry.statusCode()).as(dry.asString()).isEqualTo(200);
        assertThat(dry.jsonPath().getBoolean("dryRun")).isTrue();
        assertThat(dry.jsonPath().getList("results.result")).containsOnly("created");
        assertThat(dry.jsonPath().getList("warnings.path")).containsExactly("version", "services.sleeper.container_name");
        assertThat(Api.get(ns, "apps", "sleeper").statusCode()).isEqualTo(404);
        assertThat(Api.get(ns, "volumes", "data").statusCode()).isEqualTo(404);

        Response yaml = Api.givenYaml().accept("application/yaml").body(compose)
                .post(Api.BASE + "/namespaces/" + ns + "/compose?dryRun=true&format=yaml");
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.contentType()).startsWith("application/yaml");
        assertThat(yaml.asString()).contains("# warning: services.sleeper.container_name", "kind: App", "kind: Volume");
        assertThat(Api.get(ns, "apps", "sleeper").statusCode()).isEqualTo(404);

        var applied = Api.applyOk(yaml.asString());
        assertThat(applied.getList("results.result")).containsOnly("created");
        var app = Api.awaitReady(ns, "sleeper", CONVERGE);
        assertThat(app.getList("spec.command")).containsExactly("sleep", "100000");
        assertThat(DockerCli.appContainers(ns, "sleeper")).hasSize(2);
        // importing the compose file now finds everything as the YAML made it
        Response same = Api.givenYaml().body(compose).post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(same.jsonPath().getList("results.result")).as(same.asString()).containsOnly("unchanged");
    }

    @Test
    void anUnsupportedKeyThatWouldChangeBehaviourIsA422NamingItAndNothingIsStored() {
        Response r = Api.givenYaml().body("""
                services:
                  web:
                    image: mooring-test/busybox:1
                    sysctls: {net.core.somaxconn: 1024}
                    profiles: [debug]
                """).post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getList("errors.field")).containsExactlyInAnyOrder("services.web.sysctls", "services.web.profiles");
        assertThat(Api.get(ns, "apps", "web").statusCode()).isEqualTo(404);
        assertThat(Api.get(ns, "networks", "default").statusCode()).isEqualTo(404);

        // Mooring's own validation of the result names the resource and field too
        Response invalid = Api.givenYaml().body("services: {web: {image: \"Not An Image\"}}").post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.asString()).contains("spec.image", "App " + ns + "/web");
    }

    @Test
    void badTarsAreRefusedWithNothingStoredOrLeftOnDisk() throws Exception {
        List<String> before = projects();
        String ok = "services: {web: {image: mooring-test/busybox:1}}\n";
        Map<String, byte[]> hostile = new LinkedHashMap<>();
        hostile.put("traversal", Tars.of(Map.of("compose.yaml", ok, "../../escaped.txt", "x")));
        hostile.put("absolute", Tars.of(Map.of("compose.yaml", ok, "/tmp/mooring-absolute.txt", "x")));
        hostile.put("link out", Tars.withLink("evil", "../../..", Map.of("compose.yaml", ok)));
        hostile.put("through link", Tars.withLink("sub", "/etc", Map.of("compose.yaml", ok, "sub/passwd", "x")));
        hostile.put("no compose file", Tars.of(Map.of("README", "x")));
        hostile.put("not a tar", "this is not a tar archive, just text that is long enough to look like a header block".repeat(10).getBytes());
        for (var e : hostile.entrySet()) {
            Response r = RestAssured.given().contentType("application/x-tar").body(e.getValue()).post(Api.BASE + "/namespaces/" + ns + "/compose");
            assertThat(r.statusCode()).as(e.getKey() + ": " + r.asString()).isBetween(400, 422);
            assertThat(r.contentType()).startsWith("application/problem+json");
        }
        assertThat(Path.of("/tmp/mooring-absolute.txt")).doesNotExist();
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps").jsonPath().getList("items")).isEmpty();
        assertThat(projects()).isEqualTo(before);

        // a valid project whose compose file is refused leaves no directory behind either
        Response refused = RestAssured.given().contentType("application/x-tar")
                .body(Tars.of(Map.of("compose.yaml", "services: {web: {image: a, extends: {service: b}}}"))).post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.jsonPath().getList("errors.field")).containsExactly("services.web.extends");
        assertThat(projects()).isEqualTo(before);
    }

    @Test
    void aDeployerCannotSmuggleASecretInThroughAnImport() {
        String token = Api.token("compose-deployer-" + ns, Map.of(ns, "deployer"));
        Response r = Api.as(token).contentType("application/x-tar")
                .body(Tars.of(Map.of("compose.yaml", """
                        services: {web: {image: mooring-test/busybox:1, secrets: [pw]}}
                        secrets: {pw: {file: ./pw.txt}}
                        """, "pw.txt", "s3cret")))
                .post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(403);
        assertThat(r.jsonPath().getString("detail")).contains("admin", "secrets");
        assertThat(Api.get(ns, "apps", "web").statusCode()).isEqualTo(404);
    }

    private List<String> projects() throws Exception {
        Path dir = PROJECTS.resolve(ns);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
