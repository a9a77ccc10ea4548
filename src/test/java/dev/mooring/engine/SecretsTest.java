package dev.mooring.engine;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.DockerCli.Ctr;
import dev.mooring.testing.Secrets;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets in containers on the real engine: files with exactly the value's bytes, mode and owner,
 * there before the process starts; environment variables only through secretKeyRef; a changed
 * value rolls out exactly the Apps that use it; a missing Secret holds an App back; no value in
 * the log, the events or the metrics.
 */
@QuarkusTest
class SecretsTest {
    static final Duration CONVERGE = Duration.ofSeconds(60);
    /** The container's process records what it finds at its very start, before anything else can happen. */
    static final String RECORD_AT_START = "\"for f in /run/secrets/db /etc/app/cert; do sha256sum $f; done > /tmp/at-start 2>&1; exec sleep 100000\"";

    String ns;
    List<String> leaks;

    @BeforeEach
    void setUp() {
        ns = Api.uniqueNamespace("secret");
        leaks = new ArrayList<>();
    }

    @AfterEach
    void clean() {
        for (String plural : List.of("apps", "secrets")) {
            List<String> names = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/" + plural).jsonPath().getList("items.metadata.name");
            names.forEach(n -> Api.delete(ns, plural, n));
            names.forEach(n -> Api.awaitGone(ns, plural, n, CONVERGE));
        }
        DockerCli.cleanNamespace(ns);
    }

    private String exec(String container, String... cmd) {
        List<String> args = new ArrayList<>(List.of("exec", container));
        args.addAll(List.of(cmd));
        return DockerCli.run(args.toArray(String[]::new));
    }

    private Map<String, String> ids(String app) {
        return DockerCli.appContainers(ns, app).stream().collect(Collectors.toMap(Ctr::name, Ctr::id));
    }

    private String events(String plural, String name) {
        return Api.BASE + "/namespaces/" + ns + "/" + plural + "/" + name + "/events";
    }

    private String appWithCommand(String name, String command, String extra) {
        return Api.app(ns, name, 1, extra).replace("command: [\"sleep\", \"100000\"]", "command: [\"sh\", \"-c\", " + command + "]");
    }

    private String env(String container, String name) {
        return exec(container, "sh", "-c", "printf %s \"$" + name + "\"");
    }

    @Test
    void aContainerReadsTheExactBytesFromItsFilesWithTheirModesAndOwnersFromItsFirstInstant() throws Exception {
        String password = Secrets.uniqueValue("pw") + "\n"; // a trailing newline stays
        String marker = Secrets.uniqueValue("cert");
        byte[] cert = Secrets.binaryValue(marker); // not UTF-8, a NUL inside, a trailing newline
        leaks.addAll(Secrets.forms(password.strip()));
        leaks.addAll(Secrets.forms(cert, marker));
        Api.applyOk(Secrets.secret(ns, "db", "{password: " + jsonString(password) + "}", null) + "---\n"
                + Secrets.secret(ns, "tls", null, "{cert: " + Secrets.base64(cert) + ", key: " + Secrets.base64("other") + "}") + "---\n"
                + appWithCommand("web", RECORD_AT_START, """
                        user: "1000:1000"
                        secrets:
                          - {secret: db}
                          - {secret: tls, key: cert, target: /etc/app/cert, mode: 0440, uid: 0, gid: 1000}
                        """));
        Api.awaitReady(ns, "web", CONVERGE);
        String c = ns + "-web-1";

        String passwordSha = Secrets.sha256Hex(password.getBytes(StandardCharsets.UTF_8));
        String certSha = Secrets.sha256Hex(cert);
        // the process found both files, with these exact bytes, when it started
        assertThat(exec(c, "cat", "/tmp/at-start")).isEqualTo(passwordSha + "  /run/secrets/db\n" + certSha + "  /etc/app/cert");
        assertThat(exec(c, "sha256sum", "/run/secrets/db", "/etc/app/cert"))
                .isEqualTo(passwordSha + "  /run/secrets/db\n" + certSha + "  /etc/app/cert");
        assertThat(exec(c, "wc", "-c", "/etc/app/cert")).startsWith(cert.length + " ");
        // default: mode 0400, owned by the numeric spec.user; explicit: as given
        assertThat(exec(c, "stat", "-c", "%a %u %g %F", "/run/secrets/db")).isEqualTo("400 1000 1000 regular file");
        assertThat(exec(c, "stat", "-c", "%a %u %g %F", "/etc/app/cert")).isEqualTo("440 0 1000 regular file");
        // the value is in the file, not in the container's configuration
        String config = DockerCli.run("inspect", c);
        Secrets.assertAbsent("docker inspect", config, leaks);
        assertThat(DockerCli.inspect(c, "{{index .Config.Labels \"dev.mooring.config-hash\"}}"))
                .isEqualTo(Api.get(ns, "apps", "web").jsonPath().getString("status.configHash"));

        // a replica removed by hand comes back with the same files
        DockerCli.run("rm", "-f", c);
        Awaitility.await().atMost(CONVERGE).untilAsserted(() -> assertThat(DockerCli.appContainers(ns, "web")).singleElement().matches(Ctr::running));
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() ->
                assertThat(exec(c, "cat", "/tmp/at-start")).isEqualTo(passwordSha + "  /run/secrets/db\n" + certSha + "  /etc/app/cert"));

        Secrets.assertAbsent("the App", Api.get(ns, "apps", "web").asString(), leaks);
        Secrets.assertAbsent("the App's revisions", RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/web/revisions").asString(), leaks);
        Secrets.assertNowhere(leaks, events("apps", "web"), events("secrets", "db"), events("secrets", "tls"));
    }

    @Test
    void anEnvironmentVariableGetsAValueOnlyThroughSecretKeyRef() throws Exception {
        String token = Secrets.uniqueValue("tok");
        leaks.addAll(Secrets.forms(token));
        Api.applyOk(Secrets.secret(ns, "api", "{token: " + token + ", unused: " + Secrets.uniqueValue("u") + "}", null) + "---\n"
                + Api.app(ns, "web", 1, "env: [{name: PLAIN, value: x}, {name: TOKEN, valueFrom: {secretKeyRef: {name: api, key: token}}}]"));
        Api.awaitReady(ns, "web", CONVERGE);
        String c = ns + "-web-1";

        assertThat(env(c, "TOKEN")).isEqualTo(token);
        assertThat(env(c, "PLAIN")).isEqualTo("x");
        assertThat(exec(c, "sh", "-c", "ls /run/secrets 2>&1 || true")).doesNotContain("api"); // no file unless asked for
        Secrets.assertAbsent("the App", Api.get(ns, "apps", "web").asString(), leaks);
        Secrets.assertNowhere(leaks, events("apps", "web"), events("secrets", "api"));
    }

    @Test
    void changingAValueReplacesTheContainersOfTheAppsThatUseItAndOnlyThose() throws Exception {
        String v1 = Secrets.uniqueValue("one");
        String other = Secrets.uniqueValue("other");
        leaks.addAll(Secrets.forms(v1));
        leaks.addAll(Secrets.forms(other));
        Api.applyOk(Secrets.secret(ns, "shared", "{v: " + v1 + "}", null) + "---\n"
                + Secrets.secret(ns, "unrelated", "{v: " + other + "}", null) + "---\n"
                + Api.app(ns, "file", 2, "secrets: [{secret: shared}]") + "---\n"
                + Api.app(ns, "env", 1, "env: [{name: V, valueFrom: {secretKeyRef: {name: shared, key: v}}}]") + "---\n"
                + Api.app(ns, "bystander", 1, "secrets: [{secret: unrelated}]") + "---\n"
                + Api.app(ns, "plain", 1, null));
        for (String app : List.of("file", "env", "bystander", "plain")) {
            Api.awaitReady(ns, app, CONVERGE);
        }
        Map<String, String> fileIds = ids("file");
        Map<String, String> envIds = ids("env");
        Map<String, String> bystanderIds = ids("bystander");
        Map<String, String> plainIds = ids("plain");
        assertThat(Api.applyOk(Secrets.secret(ns, "shared", "{v: " + v1 + "}", null)).getList("results.result")).containsExactly("unchanged");

        String v2 = Secrets.uniqueValue("two");
        leaks.addAll(Secrets.forms(v2));
        Api.applyOk(Secrets.secret(ns, "shared", "{v: " + v2 + "}", null));
        Awaitility.await().atMost(CONVERGE).untilAsserted(() -> {
            assertThat(ids("file")).hasSize(2).doesNotContainValue(fileIds.get(ns + "-file-1")).doesNotContainValue(fileIds.get(ns + "-file-2"));
            assertThat(ids("env")).hasSize(1).doesNotContainValue(envIds.get(ns + "-env-1"));
        });
        Api.awaitReady(ns, "file", CONVERGE);
        Api.awaitReady(ns, "env", CONVERGE);
        String v2Sha = Secrets.sha256Hex(v2.getBytes(StandardCharsets.UTF_8));
        for (int r = 1; r <= 2; r++) {
            assertThat(exec(ns + "-file-" + r, "sha256sum", "/run/secrets/shared")).startsWith(v2Sha);
        }
        assertThat(env(ns + "-env-1", "V")).isEqualTo(v2);
        JsonPath revisions = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps/file/revisions").jsonPath();
        assertThat(revisions.getList("items.cause", String.class)).last().asString().contains("Secret").contains("shared");

        // the loop has looked at every App again since: the others kept their containers
        double passes = Api.reconciles("App");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Api.reconciles("App") >= passes + 4);
        assertThat(ids("bystander")).isEqualTo(bystanderIds);
        assertThat(ids("plain")).isEqualTo(plainIds);
        Secrets.assertNowhere(leaks, events("apps", "file"), events("apps", "env"), events("secrets", "shared"));
    }

    @Test
    void anAppWaitsWithoutContainersForAMissingSecretOrKey() {
        Api.applyOk(Api.app(ns, "web", 1, "secrets: [{secret: later}]"));
        Awaitility.await().atMost(CONVERGE).untilAsserted(() -> {
            JsonPath app = Api.get(ns, "apps", "web").jsonPath();
            assertThat(Api.condition(app, "Ready")).isEqualTo("False");
            assertThat(Api.conditionReason(app, "Ready")).isEqualTo("WaitingForDependencies");
            assertThat(app.getString("status.conditions.find { it.type == 'Ready' }.message")).contains("Secret later (not found)");
        });
        assertThat(DockerCli.appContainers(ns, "web")).isEmpty();

        Api.applyOk(Secrets.secret(ns, "later", "{a: " + Secrets.uniqueValue("a") + ", b: " + Secrets.uniqueValue("b") + "}", null));
        Awaitility.await().atMost(CONVERGE).untilAsserted(() ->
                assertThat(Api.get(ns, "apps", "web").jsonPath().getString("status.conditions.find { it.type == 'Ready' }.message"))
                        .contains("Secret later (has 2 keys: a, b; spec.secrets[0].key must name one)"));
        assertThat(DockerCli.appContainers(ns, "web")).isEmpty();

        Api.applyOk(Api.app(ns, "web", 1, "secrets: [{secret: later, key: b}]"));
        Api.awaitReady(ns, "web", CONVERGE);
        assertThat(DockerCli.appContainers(ns, "web")).hasSize(1);
    }

    @Test
    void rotatingTheKeyKeepsEveryFileRight() throws Exception {
        String value = Secrets.uniqueValue("rot");
        leaks.addAll(Secrets.forms(value));
        Api.applyOk(Secrets.secret(ns, "db", "{password: " + value + "}", null) + "---\n" + Api.app(ns, "web", 1, "secrets: [{secret: db}]"));
        Api.awaitReady(ns, "web", CONVERGE);
        Map<String, String> before = ids("web");
        String sha = Secrets.sha256Hex(value.getBytes(StandardCharsets.UTF_8));

        RestAssured.post(Api.BASE + "/secrets/rotate").then().statusCode(200);
        // nothing restarts for a rotation (values and digests are the same) ...
        double passes = Api.reconciles("App");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Api.reconciles("App") >= passes + 2);
        assertThat(ids("web")).isEqualTo(before);
        assertThat(exec(ns + "-web-1", "sha256sum", "/run/secrets/db")).startsWith(sha);
        // ... and a container made afterwards gets the same bytes, decrypted under the new encryption
        DockerCli.run("rm", "-f", ns + "-web-1");
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() ->
                assertThat(exec(ns + "-web-1", "sha256sum", "/run/secrets/db")).startsWith(sha));
        Secrets.assertNowhere(leaks, events("apps", "web"), events("secrets", "db"));
    }

    /** A YAML double-quoted string: keeps the newline. */
    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
