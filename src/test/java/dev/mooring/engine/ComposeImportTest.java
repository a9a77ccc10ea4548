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
                    runtime: runc
                    frobnicate: true
                """).post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getList("errors.field")).containsExactlyInAnyOrder("services.web.runtime", "services.web.frobnicate");
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

    // ---- Compose semantics (issue 13) ---------------------------------------------------------

    /**
     * One-shot jobs (restart "no", and no restart at all, Compose's default) that web waits for
     * with service_completed_successfully: each runs once and stays exited, web starts after both.
     */
    @Test
    void aOneShotJobRunsOnceAndTheServiceWaitingForItStartsAfterIt() throws Exception {
        Response r = Api.givenYaml().body("""
                services:
                  migrate:
                    image: mooring-test/busybox:1
                    command: ["sh", "-c", "echo migrated; sleep 2"]
                    restart: "no"
                  seed:
                    image: mooring-test/busybox:1
                    command: ["sh", "-c", "echo seeded"]
                  web:
                    image: mooring-test/busybox:1
                    command: ["sleep", "100000"]
                    stop_grace_period: 1s
                    depends_on:
                      migrate: {condition: service_completed_successfully}
                      seed: {condition: service_completed_successfully}
                  reporter:
                    image: mooring-test/busybox:1
                    command: ["sleep", "100000"]
                    stop_grace_period: 1s
                    depends_on: [seed]
                """).post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(DockerCli.appContainers(ns, "web")).singleElement().satisfies(c -> assertThat(c.running()).isTrue()));
        String webStarted = DockerCli.inspect(ns + "-web-1", "{{.State.StartedAt}}");
        Map<String, String> jobs = new LinkedHashMap<>();
        for (String job : List.of("migrate", "seed")) {
            String c = ns + "-" + job + "-1";
            assertThat(DockerCli.inspect(c, "{{.State.Status}} {{.State.ExitCode}}")).isEqualTo("exited 0");
            String finished = DockerCli.inspect(c, "{{.State.FinishedAt}}");
            assertThat(java.time.Instant.parse(webStarted)).as("web starts after " + job).isAfter(java.time.Instant.parse(finished));
            jobs.put(job, DockerCli.inspect(c, "{{.Id}} {{.State.StartedAt}}"));
        }
        // Mooring's first restart would come at once, the next after 10 s: several passes later, each job ran once
        Thread.sleep(4000);
        for (String job : List.of("migrate", "seed")) {
            String c = ns + "-" + job + "-1";
            assertThat(DockerCli.appContainers(ns, job)).hasSize(1);
            assertThat(DockerCli.inspect(c, "{{.Id}} {{.State.StartedAt}}")).as(job + " not restarted or recreated").isEqualTo(jobs.get(job));
            assertThat(DockerCli.inspect(c, "{{.State.Status}} {{.RestartCount}}")).isEqualTo("exited 0");
            assertThat(DockerCli.run("logs", c).lines().toList()).containsExactly(job.equals("migrate") ? "migrated" : "seeded");
        }
        var migrate = Api.get(ns, "apps", "migrate").jsonPath();
        assertThat(migrate.getString("spec.restartPolicy")).isEqualTo("no");
        assertThat(migrate.getList("status.containers.exitCode")).containsExactly(0);
        assertThat(Api.conditionReason(migrate, "Ready")).isEqualTo("Completed");
        assertThat(Api.condition(migrate, "Progressing")).isEqualTo("False");
        // a started dependency on a job that ran already is met (Compose's service_started), not waited for forever
        Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(DockerCli.appContainers(ns, "reporter")).singleElement().satisfies(c -> assertThat(c.running()).isTrue()));
        assertThat(Api.get(ns, "apps", "seed").jsonPath().getString("spec.restartPolicy")).isEqualTo("no");
    }

    /**
     * A short port "8080" is published on an ephemeral host port, shown in status and reachable on
     * 127.0.0.1; its container_name is the name another service reaches it by.
     */
    @Test
    void aContainerPortAloneIsPublishedOnAnEphemeralPortAndContainerNameIsReachable() throws Exception {
        Response r = Api.givenYaml().body("""
                services:
                  web:
                    image: mooring-test/busybox:1
                    container_name: the_site
                    command: ["sh", "-c", "mkdir -p /www && echo ephemeral > /www/index.html && exec httpd -f -p 8080 -h /www"]
                    ports: ["8080"]
                    stop_grace_period: 1s
                  probe:
                    image: mooring-test/busybox:1
                    command: ["sh", "-c", "for i in $$(seq 60); do wget -q -O - http://the_site:8080/index.html && exit 0; sleep 0.5; done; exit 1"]
                    depends_on: [web]
                """).post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.jsonPath().getList("warnings.path")).containsExactly("services.web.container_name");
        var web = Api.awaitReady(ns, "web", CONVERGE);
        List<String> ports = web.getList("status.containers[0].ports");
        assertThat(ports).isNotEmpty().allMatch(p -> p.matches(".*:\\d+->8080/tcp"));
        int port = Integer.parseInt(ports.get(0).replaceAll("^.*:(\\d+)->8080/tcp$", "$1"));
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ephemeral\n"));

        Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() ->
                assertThat(DockerCli.inspect(ns + "-probe-1", "{{.State.Status}} {{.State.ExitCode}}")).isEqualTo("exited 0"));
        assertThat(DockerCli.run("logs", ns + "-probe-1")).contains("ephemeral");
    }

    // ---- bounds (issue 10) ------------------------------------------------------------------

    private Response importTar(byte[] tar, String contentType) {
        return RestAssured.given().contentType(contentType).body(tar).post(Api.BASE + "/namespaces/" + ns + "/compose");
    }

    /** 100 KB of gzip that unpacks to 101 MB: refused with 413 before the disk fills, and nothing of it stays. */
    @Test
    void aGzipBombIsRefusedWith413AndNothingKept() throws Exception {
        List<String> before = projects();
        byte[] bomb = Tars.gzipWithZeros(Map.of("compose.yaml", "services: {web: {image: mooring-test/busybox:1}}\n"),
                "zeros.bin", 101L * 1000 * 1000);
        assertThat(bomb.length).as("gzip bytes").isLessThan(150 * 1024);
        Response r = importTar(bomb, "application/gzip");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(413);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("detail")).contains("mooring.compose.max-project-size");
        assertThat(projects()).isEqualTo(before);
        assertThat(incoming()).isEmpty();
        assertThat(Api.get(ns, "apps", "web").statusCode()).isEqualTo(404);
    }

    /** A project whose App builds from it: its Dockerfile and {@code bytes} bytes of data the build does not need. */
    private static byte[] builtProject(String app, int bytes) {
        return Tars.gzipWithZeros(Map.of(
                "compose.yaml", "services: {" + app + ": {build: ./" + app + ", deploy: {replicas: 0}}}\n",
                app + "/Dockerfile", "FROM mooring-test/busybox:1\nCMD [\"sleep\", \"100000\"]\n"),
                "data/" + app + ".bin", bytes);
    }

    @Test
    void projectsStayUnderTheNamespaceQuotaAndGoWhenNoResourceUsesThem() throws Exception {
        // the test profile's quota is 6 MiB: one project of 4 MiB fits, a second does not
        Response a = importTar(builtProject("a", 4 * 1024 * 1024), "application/gzip");
        assertThat(a.statusCode()).as(a.asString()).isEqualTo(200);
        assertThat(projects()).hasSize(1);
        Response b = importTar(builtProject("b", 4 * 1024 * 1024), "application/gzip");
        assertThat(b.statusCode()).as(b.asString()).isEqualTo(413);
        assertThat(b.contentType()).startsWith("application/problem+json");
        assertThat(b.jsonPath().getString("detail")).contains("mooring.compose.namespace-quota");
        assertThat(Api.get(ns, "apps", "b").statusCode()).isEqualTo(404);
        assertThat(projects()).hasSize(1);

        // once no resource uses project a, its files go (the sweep), and b fits
        Api.delete(ns, "apps", "a");
        Api.awaitGone(ns, "apps", "a", CONVERGE);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(projects()).isEmpty());
        Response again = importTar(builtProject("b", 4 * 1024 * 1024), "application/gzip");
        assertThat(again.statusCode()).as(again.asString()).isEqualTo(200);
        assertThat(projects()).hasSize(1);

        // a project no resource uses (an image only, nothing built or mounted from it) is not kept at all
        Response imageOnly = importTar(Tars.of(Map.of("compose.yaml", "services: {c: {image: mooring-test/busybox:1, deploy: {replicas: 0}}}\n",
                "notes.txt", "x")), "application/x-tar");
        assertThat(imageOnly.statusCode()).as(imageOnly.asString()).isEqualTo(200);
        assertThat(projects()).hasSize(1);
    }

    /** A compose file secret becomes an encrypted Secret; no plain copy of its value stays anywhere under the data dir. */
    @Test
    void fileSecretsAreKeptEncryptedNotAsPlainFiles() throws Exception {
        String value = "plain-value-" + java.util.UUID.randomUUID();
        byte[] tar = Tars.of(Map.of(
                "compose.yaml", """
                        services: {web: {build: ./web, deploy: {replicas: 0}, secrets: [pw]}}
                        secrets: {pw: {file: ./pw.txt}, unused: {file: ./unused.txt}}
                        """,
                "web/Dockerfile", "FROM mooring-test/busybox:1\n",
                "pw.txt", value,
                "unused.txt", value + "-unused"));
        Response r = importTar(tar, "application/x-tar");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        Path dir = Path.of(r.jsonPath().getString("project.directory"));
        assertThat(dir.resolve("web/Dockerfile")).exists();
        assertThat(dir.resolve("pw.txt")).doesNotExist();
        assertThat(dir.resolve("unused.txt")).doesNotExist();
        assertThat(filesHolding(value)).isEmpty();

        // the same project again: the Secret's value is read again, and goes again
        Response again = importTar(tar, "application/x-tar");
        assertThat(again.statusCode()).as(again.asString()).isEqualTo(200);
        assertThat(again.jsonPath().getString("project.directory")).isEqualTo(dir.toString());
        assertThat(again.jsonPath().getList("results.result")).containsOnly("unchanged");
        assertThat(dir.resolve("pw.txt")).doesNotExist();
        assertThat(filesHolding(value)).isEmpty();
        assertThat(Api.get(ns, "secrets", "pw").statusCode()).isEqualTo(200);
    }

    /** Data dir directories are 0700 and its files have no group or other bits (issue 10: 0755 and 0644 before). */
    @Test
    void theDataDirAndAnImportedProjectArePrivate() throws Exception {
        Response r = importTar(builtProject("m", 1024), "application/gzip");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        Path data = PROJECTS.getParent();
        Path project = Path.of(r.jsonPath().getString("project.directory"));
        for (Path d : List.of(data, PROJECTS, PROJECTS.resolve(ns), project, project.resolve("m"), project.resolve("data"))) {
            assertThat(mode(d)).as(d.toString()).isEqualTo("rwx------");
        }
        assertThat(mode(project.resolve("m/Dockerfile"))).isEqualTo("rw-------");
        assertThat(mode(project.resolve("data/m.bin"))).isEqualTo("rw-------");
        // made before this test, at start-up: the H2 file and the generated secret key
        assertThat(mode(data.resolve("mooring.mv.db"))).isEqualTo("rw-------");
        assertThat(mode(data.resolve("secret.key"))).isEqualTo("rw-------");
        // everything else Mooring made under it: directories 0700, files at least behind 0700 parents
        try (var walk = Files.walk(data)) {
            for (Path p : walk.filter(p -> !Files.isSymbolicLink(p)).toList()) {
                if (Files.isDirectory(p)) {
                    assertThat(mode(p)).as(p.toString()).isEqualTo("rwx------");
                }
            }
        }
    }

    private static String mode(Path p) throws Exception {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    /** Files under the data dir whose bytes contain {@code value}. */
    private static List<Path> filesHolding(String value) throws Exception {
        byte[] needle = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (var walk = Files.walk(PROJECTS.getParent())) {
            return walk.filter(Files::isRegularFile).filter(p -> {
                try {
                    byte[] bytes = Files.readAllBytes(p);
                    outer:
                    for (int i = 0; i + needle.length <= bytes.length; i++) {
                        for (int j = 0; j < needle.length; j++) {
                            if (bytes[i + j] != needle[j]) {
                                continue outer;
                            }
                        }
                        return true;
                    }
                    return false;
                } catch (java.io.IOException e) {
                    return false; // gone meanwhile
                }
            }).toList();
        }
    }

    private List<String> incoming() throws Exception {
        Path dir = PROJECTS.resolve(ns);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".incoming-")).toList();
        }
    }

    private List<String> projects() throws Exception {
        Path dir = PROJECTS.resolve(ns);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }
}
