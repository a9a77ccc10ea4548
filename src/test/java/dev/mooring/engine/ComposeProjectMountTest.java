package dev.mooring.engine;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.Tars;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A compose project's bind mounts of its own files run under the default baseline policy on the
 * real engine; a link in the project that leads out is refused, at import and at container
 * creation; the YAML of a dry run applies as it is; profiles are chosen through the endpoint.
 */
@QuarkusTest
class ComposeProjectMountTest {
    static final Duration CONVERGE = Duration.ofSeconds(120);
    String ns;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("cmount");
    }

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, CONVERGE);
    }

    static Map<String, String> project() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("compose.yaml", """
                services:
                  app:
                    image: mooring-test/busybox:1
                    command: ["sleep", "100000"]
                    stop_grace_period: 1s
                    volumes:
                      - ./conf/app.conf:/etc/app.conf:ro
                """);
        files.put("conf/app.conf", "greeting=hello from the project\n");
        return files;
    }

    private Response importTar(byte[] tar, String query) {
        return RestAssured.given().contentType("application/x-tar").body(tar).post(Api.BASE + "/namespaces/" + ns + "/compose" + query);
    }

    @Test
    void aProjectFileIsMountedUnderBaselineAndTheDryRunYamlAppliesAsItIs() throws Exception {
        Response yaml = importTar(Tars.of(project()), "?dryRun=true&format=yaml");
        assertThat(yaml.statusCode()).as(yaml.asString()).isEqualTo(200);
        String text = yaml.asString();
        assertThat(text).contains("# the project's files are kept in ").contains("hostPath: ");
        String hostPath = text.lines().filter(l -> l.contains("hostPath: ")).findFirst().orElseThrow(() -> new AssertionError(text))
                .replaceFirst("^.*hostPath: ", "").replace("\"", "").strip();
        assertThat(Path.of(hostPath)).as("the dry run kept the file its YAML names").hasContent("greeting=hello from the project");
        assertThat(Api.get(ns, "apps", "app").statusCode()).isEqualTo(404);
        // another import sweeps the namespace's unused projects: the one the YAML names is kept
        Response other = importTar(Tars.of(Map.of("compose.yaml", "services: {x: {image: mooring-test/busybox:1}}\n")), "?dryRun=true");
        assertThat(other.statusCode()).as(other.asString()).isEqualTo(200);
        assertThat(Path.of(other.jsonPath().getString("project.directory"))).as("a JSON dry run keeps nothing").doesNotExist();
        assertThat(Path.of(hostPath)).exists();

        assertThat(Api.applyOk(text).getList("results.result")).containsOnly("created");
        Api.awaitReady(ns, "app", CONVERGE);
        String c = ns + "-app-1";
        assertThat(DockerCli.run("exec", c, "cat", "/etc/app.conf")).isEqualTo("greeting=hello from the project");
        assertThat(DockerCli.inspect(c, "{{range .Mounts}}{{.Source}} {{.RW}}{{end}}")).isEqualTo(Path.of(hostPath).toRealPath() + " false");

        // the import itself finds what the YAML made
        Response real = importTar(Tars.of(project()), "");
        assertThat(real.statusCode()).as(real.asString()).isEqualTo(200);
        assertThat(real.jsonPath().getList("results.result")).as(real.asString()).containsOnly("unchanged");
    }

    @Test
    void aLinkLeadingOutOfTheProjectIsRefusedAtImportAndAtCreation() throws Exception {
        Response linked = importTar(Tars.withLink("conf/app.conf", "/etc/passwd", Map.of("compose.yaml", project().get("compose.yaml"))), "");
        assertThat(linked.statusCode()).as(linked.asString()).isEqualTo(422);
        assertThat(linked.asString()).contains("conf/app.conf is a link to /etc/passwd");
        assertThat(Api.get(ns, "apps", "app").statusCode()).isEqualTo(404);

        Response ok = importTar(Tars.of(project()), "");
        assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(200);
        Path dir = Path.of(ok.jsonPath().getString("project.directory"));
        Api.awaitReady(ns, "app", CONVERGE);
        String c = ns + "-app-1";

        // a link swapped in after the import (as a container writing in the project could): the next container is refused
        Path conf = dir.resolve("conf/app.conf");
        Files.delete(conf);
        Files.createSymbolicLink(conf, Path.of("/etc/hostname"));
        DockerCli.run("rm", "-f", c);
        JsonPath[] refused = new JsonPath[1];
        Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonPath j = Api.get(ns, "apps", "app").jsonPath();
            assertThat(Api.conditionReason(j, "Ready")).as(j.prettify()).isEqualTo("HostPathRefused");
            refused[0] = j;
        });
        assertThat(refused[0].getString("status.conditions.find { it.type == 'Ready' }.message"))
                .contains("spec.volumes[0].hostPath").contains("resolves to /etc/hostname (symlinks followed), outside its project " + dir);
        assertThat(DockerCli.appContainers(ns, "app")).as("no container was created").isEmpty();

        // the same project imported again lands in the same directory, link and all: refused at import, in compose terms
        Response again = importTar(Tars.of(project()), "");
        assertThat(again.statusCode()).as(again.asString()).isEqualTo(422);
        assertThat(again.jsonPath().getList("errors.field")).containsExactly("services.app.volumes[0]");
        assertThat(again.jsonPath().getString("errors[0].message")).isEqualTo("the bind mount ./conf/app.conf:/etc/app.conf:ro of service app: "
                + "./conf/app.conf resolves to /etc/hostname (symlinks followed), outside the project; mount only files inside the project "
                + "(copy the file into it), or use a named volume");
    }

    @Test
    void profilesAreSelectedWithAQueryParameter() {
        String compose = """
                services:
                  web: {image: mooring-test/busybox:1, command: [sleep, "100000"]}
                  debug: {image: mooring-test/busybox:1, profiles: [debug]}
                  tools: {image: mooring-test/busybox:1, profiles: [tools], depends_on: [debug]}
                """;
        Response plain = Api.givenYaml().body(compose).post(Api.BASE + "/namespaces/" + ns + "/compose?dryRun=true");
        assertThat(plain.statusCode()).as(plain.asString()).isEqualTo(200);
        assertThat(plain.jsonPath().getList("resources.findAll { it.kind == 'App' }.metadata.name")).containsExactly("web");
        assertThat(plain.jsonPath().getList("warnings.path")).contains("services.debug", "services.tools");

        Response debug = Api.givenYaml().body(compose).post(Api.BASE + "/namespaces/" + ns + "/compose?dryRun=true&profiles=debug");
        assertThat(debug.jsonPath().getList("resources.findAll { it.kind == 'App' }.metadata.name")).containsExactlyInAnyOrder("web", "debug");

        Response tools = Api.givenYaml().body(compose).post(Api.BASE + "/namespaces/" + ns + "/compose?profiles=tools");
        assertThat(tools.statusCode()).isEqualTo(422);
        assertThat(tools.jsonPath().getList("errors.field")).containsExactly("services.tools.depends_on.debug");
        assertThat(Api.get(ns, "apps", "web").statusCode()).as("nothing stored").isEqualTo(404);

        Response all = Api.givenYaml().body(compose).post(Api.BASE + "/namespaces/" + ns + "/compose?profiles=*");
        assertThat(all.statusCode()).as(all.asString()).isEqualTo(200);
        assertThat(all.jsonPath().getList("results.name")).containsExactlyInAnyOrder("default", "web", "debug", "tools");
    }
}
