package dev.mooring.security;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ways to the host a hostile deployer found (issue 10, findings 1 and 4), each on the real
 * engine: a Volume that bind-mounts the host's root, Network drivers on the host's own network,
 * and symlinks inside an allowed directory, at admission and swapped in after it. The test
 * profile allows host paths under /tmp/mooring-allowed and build contexts under
 * /tmp/mooring-build-contexts; the namespaces here are baseline.
 */
@QuarkusTest
class HostEscapeTest {
    static final Duration CONVERGE = Duration.ofSeconds(60);
    static final String HOST_ROOT_VOLUME = """
            apiVersion: mooring.dev/v1alpha1
            kind: Volume
            metadata: {name: hostroot, namespace: %s}
            spec:
              driver: local
              driverOpts: {type: none, o: bind, device: /}
            """;
    String ns;
    String deployer;
    Path allowed;
    Path contexts;
    Path outside;

    @BeforeEach
    void setUp() throws IOException {
        ns = Api.uniqueNamespace("escape");
        deployer = Api.token("deployer-" + ns, Map.of(ns, "deployer"));
        allowed = Files.createDirectories(Path.of("/tmp/mooring-allowed", ns));
        contexts = Files.createDirectories(Path.of("/tmp/mooring-build-contexts", ns));
        outside = Files.createDirectories(Path.of("/tmp/mooring-outside-" + ns));
    }

    @AfterEach
    void clean() throws IOException {
        Api.deleteNamespace(ns, CONVERGE);
        assertThat(DockerCli.run("images", "-q", "--filter", "label=dev.mooring.namespace=" + ns)).as("the App's deletion removed its built image").isBlank();
        for (Path dir : List.of(allowed, contexts, outside)) {
            try (Stream<Path> walk = Files.walk(dir)) { // links are removed, never followed
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private void assertNoVolumeStoredOrOnTheEngine() {
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/volumes").jsonPath().getList("items")).isEmpty();
        assertThat(DockerCli.run("volume", "ls", "-q", "--filter", "label=dev.mooring.namespace=" + ns)).isBlank();
        assertThat(DockerCli.containers(Map.of("dev.mooring.namespace", ns))).isEmpty();
    }

    @Test
    void aDeployersVolumeBindingTheHostRootIsRefusedThroughRestAndNothingIsMade() {
        String volume = HOST_ROOT_VOLUME.formatted(ns);
        List<Response> attempts = List.of(
                Api.as(deployer).contentType("application/yaml").body(volume).post(Api.BASE + "/namespaces/" + ns + "/volumes"),
                Api.as(deployer).contentType("application/yaml").body(volume).post(Api.BASE + "/apply"),
                // with an App mounting it in the same request: the whole request is refused
                Api.as(deployer).contentType("application/yaml").body(volume + "---\n"
                        + Api.app(ns, "reader", 1, "volumes: [{volume: hostroot, mountPath: /host}]")).post(Api.BASE + "/apply"));
        for (Response r : attempts) {
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getList("errors.field", String.class)).as(r.asString())
                    .containsExactly("spec.driverOpts.device", "spec.driverOpts.o", "spec.driverOpts.type");
            assertThat(r.jsonPath().getString("detail")).contains("spec.driverOpts.device: baseline forbids the local driver's device /")
                    .contains("bind-mounts a host path").contains("namespace " + ns + " enforces baseline");
        }
        Api.get(ns, "apps", "reader").then().statusCode(404);
        assertNoVolumeStoredOrOnTheEngine();

        // a stored, harmless Volume cannot be turned into one by PUT either
        Api.as(deployer).contentType("application/yaml").body(volume.replace("driverOpts: {type: none, o: bind, device: /}",
                "driverOpts: {type: tmpfs, device: tmpfs, o: \"size=1m\"}")).post(Api.BASE + "/apply").then().statusCode(200);
        Response put = Api.as(deployer).contentType("application/yaml").body(volume).put(Api.BASE + "/namespaces/" + ns + "/volumes/hostroot");
        assertThat(put.statusCode()).as(put.asString()).isEqualTo(422);
        assertThat(Api.get(ns, "volumes", "hostroot").jsonPath().getString("spec.driverOpts.type")).isEqualTo("tmpfs");
    }

    @Test
    void theComposeFormOfTheHostRootVolumeIsRefusedToo() {
        String compose = """
                services:
                  reader:
                    image: %s
                    command: ["sleep", "100000"]
                    volumes: ["hostroot:/host"]
                volumes:
                  hostroot:
                    driver: local
                    driver_opts: {type: none, o: bind, device: /}
                """.formatted(DockerCli.IMAGE);
        Response r = Api.as(deployer).contentType("application/yaml").body(compose).post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getList("errors.field", String.class))
                .containsExactly("spec.driverOpts.device", "spec.driverOpts.o", "spec.driverOpts.type");
        assertThat(r.jsonPath().getList("errors.object", String.class)).containsOnly("Volume " + ns + "/hostroot");
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps").jsonPath().getList("items")).isEmpty();
        assertNoVolumeStoredOrOnTheEngine();

        // a tmpfs volume, the legitimate local form, still imports and runs
        Response ok = Api.as(deployer).contentType("application/yaml")
                .body(compose.replace("driver_opts: {type: none, o: bind, device: /}", "driver_opts: {type: tmpfs, device: tmpfs, o: \"size=8m\"}"))
                .post(Api.BASE + "/namespaces/" + ns + "/compose");
        assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(200);
        Api.awaitReady(ns, "reader", CONVERGE);
        assertThat(DockerCli.run("exec", ns + "-reader-1", "sh", "-c", "grep ' /host ' /proc/mounts | cut -d' ' -f3")).isEqualTo("tmpfs");
    }

    @Test
    void networkDriversOnTheHostsOwnNetworkAreRefused() {
        for (String driver : List.of("host", "macvlan", "ipvlan", "none")) {
            Response r = Api.as(deployer).contentType("application/yaml").body("""
                    apiVersion: mooring.dev/v1alpha1
                    kind: Network
                    metadata: {name: net, namespace: %s}
                    spec: {driver: %s}
                    """.formatted(ns, driver)).post(Api.BASE + "/apply");
            assertThat(r.statusCode()).as(driver + ": " + r.asString()).isEqualTo(422);
            assertThat(r.jsonPath().getList("errors.field", String.class)).containsExactly("spec.driver");
            assertThat(r.jsonPath().getString("detail")).contains("baseline forbids network driver " + driver);
        }
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/networks").jsonPath().getList("items")).isEmpty();
        assertThat(DockerCli.run("network", "ls", "-q", "--filter", "label=dev.mooring.namespace=" + ns)).isBlank();
    }

    @Test
    void aSymlinkInsideAnAllowedDirectoryIsJudgedByItsTarget() throws IOException {
        Files.createSymbolicLink(allowed.resolve("sock"), Path.of("/run/docker.sock"));
        Files.createSymbolicLink(allowed.resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(allowed.resolve("later"), Path.of("/etc/mooring-not-there-yet"));
        for (String link : List.of("sock", "etc", "etc/shadow", "later")) {
            Response r = Api.as(deployer).contentType("application/yaml")
                    .body(Api.app(ns, "web", 1, "volumes: [{hostPath: " + allowed.resolve(link) + ", mountPath: /mnt}]")).post(Api.BASE + "/apply");
            assertThat(r.statusCode()).as(link + ": " + r.asString()).isEqualTo(422);
            assertThat(r.jsonPath().getList("errors.field", String.class)).containsExactly("spec.volumes[0].hostPath");
            assertThat(r.jsonPath().getString("errors[0].message")).contains("(symlinks followed)")
                    .contains(link.equals("sock") ? "resolves to /run/docker.sock" : "resolves to /etc");
        }
        assertThat(DockerCli.containers(Map.of("dev.mooring.namespace", ns))).isEmpty();

        // build.context: a link to /etc inside the allowed build directory
        Files.createSymbolicLink(contexts.resolve("ctx"), Path.of("/etc"));
        Response build = Api.as(deployer).contentType("application/yaml").body(built(contexts.resolve("ctx"))).post(Api.BASE + "/apply");
        assertThat(build.statusCode()).as(build.asString()).isEqualTo(422);
        assertThat(build.jsonPath().getList("errors.field", String.class)).containsExactly("spec.build.context");
        assertThat(build.jsonPath().getString("detail")).contains("resolves to /etc (symlinks followed)");
        Api.get(ns, "apps", "built").then().statusCode(404);
    }

    /**
     * What a deployer's own container can do once admitted: swap a link inside the allowed
     * directory. The container gets the real path at creation; a link swapped in later makes the
     * next create, and the next start, refused, and nothing mounts /etc.
     */
    @Test
    void aSymlinkSwappedInAfterAdmissionMountsNothing() throws IOException {
        Path data = Files.createDirectories(allowed.resolve("data"));
        Files.writeString(data.resolve("marker"), "mine");
        Path link = Files.createSymbolicLink(allowed.resolve("link"), Path.of("data"));
        Api.as(deployer).contentType("application/yaml")
                .body(Api.app(ns, "web", 1, "volumes: [{hostPath: " + link + ", mountPath: /data}]")).post(Api.BASE + "/apply").then().statusCode(200);
        Api.awaitReady(ns, "web", CONVERGE);
        String c = ns + "-web-1";
        assertThat(DockerCli.inspect(c, "{{range .Mounts}}{{.Source}}{{end}}")).as("the engine gets the real path").isEqualTo(data.toRealPath().toString());

        // the link now leads to /etc: the running container keeps its directory; a new one is refused
        Files.delete(link);
        Files.createSymbolicLink(link, Path.of("/etc"));
        assertThat(DockerCli.run("exec", c, "cat", "/data/marker")).isEqualTo("mine");
        DockerCli.run("rm", "-f", c);
        JsonPath refused = awaitRefused();
        assertThat(refused.getString("status.conditions.find { it.type == 'Ready' }.message"))
                .contains("spec.volumes[0].hostPath").contains("resolves to /etc (symlinks followed)");
        assertThat(DockerCli.appContainers(ns, "web")).as("no container was created").isEmpty();
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/web/events").jsonPath()
                .getList("items.findAll { it.type == 'Warning' }.reason", String.class)).contains("HostPathRefused");

        // back to the directory: the App runs again; then the directory itself becomes a link to /etc
        Files.delete(link);
        Files.createSymbolicLink(link, Path.of("data"));
        Api.awaitReady(ns, "web", CONVERGE);
        Files.move(data, allowed.resolve("data.old"));
        Files.createSymbolicLink(data, Path.of("/etc"));
        DockerCli.run("kill", c); // Mooring restarts an exited replica itself: the engine would follow the link at start
        awaitRefused();
        assertThat(DockerCli.appContainers(ns, "web")).singleElement().satisfies(ctr -> assertThat(ctr.state()).isNotEqualTo("running"));
    }

    /** The same for a build: the context is resolved again right before it is read, and a link swapped in is refused. */
    @Test
    void aBuildContextSwappedForALinkAfterAdmissionIsNotRead() throws IOException {
        Path parent = Files.createDirectories(contexts.resolve("parent/ctx")).getParent();
        Files.writeString(parent.resolve("ctx/Dockerfile"), "FROM " + DockerCli.IMAGE + "\nCOPY . /ctx\n");
        Files.writeString(parent.resolve("ctx/owner"), ns); // an image of its own, shared with no other test's build (cache)
        Files.createDirectories(outside.resolve("ctx"));
        Files.writeString(outside.resolve("ctx/Dockerfile"), "FROM " + DockerCli.IMAGE + "\nCOPY . /ctx\n");
        Files.writeString(outside.resolve("ctx/not-yours"), "a file outside the allowed directories");
        Api.as(deployer).contentType("application/yaml").body(built(parent.resolve("ctx"))).post(Api.BASE + "/apply").then().statusCode(200);
        Awaitility.await().atMost(CONVERGE).untilAsserted(() ->
                assertThat(Api.get(ns, "apps", "built").jsonPath().getString("status.build.phase")).isEqualTo("Succeeded"));
        String images = DockerCli.run("images", "-q", "--filter", "label=dev.mooring.namespace=" + ns);

        // a parent directory of the context becomes a link to a directory outside: the context as written is unchanged
        Files.move(parent, contexts.resolve("parent.old"));
        Files.createSymbolicLink(parent, outside);
        Awaitility.await().atMost(CONVERGE).untilAsserted(() -> {
            JsonPath j = Api.get(ns, "apps", "built").jsonPath();
            assertThat(j.getString("status.build.phase")).as(j.prettify()).isEqualTo("Failed");
            assertThat(j.getString("status.build.step")).isEqualTo("checking the build context");
            assertThat(j.getString("status.build.message")).contains("spec.build.context").contains("resolves to " + outside.toRealPath().resolve("ctx"));
        });
        assertThat(DockerCli.run("images", "-q", "--filter", "label=dev.mooring.namespace=" + ns)).as("nothing built from outside").isEqualTo(images);
    }

    /**
     * App "built" with no replicas and no spec.image: a built image is also tagged with spec.image,
     * and the shared test image must never be retagged (nor removed with the App's images).
     */
    private String built(Path context) {
        return """
                apiVersion: mooring.dev/v1alpha1
                kind: App
                metadata: {name: built, namespace: %s}
                spec: {replicas: 0, build: {context: %s}}
                """.formatted(ns, context);
    }

    private JsonPath awaitRefused() {
        JsonPath[] last = new JsonPath[1];
        Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonPath j = Api.get(ns, "apps", "web").jsonPath();
            assertThat(Api.conditionReason(j, "Ready")).as(j.prettify()).isEqualTo("HostPathRefused");
            last[0] = j;
        });
        return last[0];
    }
}
