package dev.mooring.security;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

/**
 * Pod Security levels on the real engine. The test profile sets sec-privileged to privileged,
 * sec-restricted to restricted and sec-audit to audit mode; every other namespace is baseline.
 */
@QuarkusTest
class AdmissionTest {
    static final Duration CONVERGE = Duration.ofSeconds(60);
    static final String PRIVILEGED = "sec-privileged";
    static final String RESTRICTED = "sec-restricted";
    static final String AUDIT = "sec-audit";
    String ns;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("adm");
        for (String n : List.of(PRIVILEGED, RESTRICTED, AUDIT)) {
            DockerCli.cleanNamespace(n); // fixed names: nothing may be left from an earlier run
        }
    }

    @AfterEach
    void clean() {
        for (String n : List.of(ns, PRIVILEGED, RESTRICTED, AUDIT)) {
            List<String> names = RestAssured.get(Api.BASE + "/namespaces/" + n + "/apps").jsonPath().getList("items.metadata.name");
            names.forEach(a -> Api.delete(n, "apps", a));
            names.forEach(a -> Api.awaitGone(n, "apps", a, CONVERGE));
            DockerCli.cleanNamespace(n);
        }
    }

    @Test
    void eachSettingBaselineForbidsIsA422AndNothingReachesTheEngine() {
        Map<String, String> forbidden = new LinkedHashMap<>();
        forbidden.put("spec.privileged", "privileged: true");
        forbidden.put("spec.networkMode", "networkMode: host");
        forbidden.put("spec.pidMode", "pidMode: host");
        forbidden.put("spec.ipcMode", "ipcMode: host");
        forbidden.put("spec.capAdd[0]", "capAdd: [SYS_ADMIN]");
        forbidden.put("spec.devices[0]", "devices: [{hostPath: /dev/null}]");
        forbidden.put("spec.volumes[0].hostPath", "volumes: [{hostPath: /var/run/docker.sock, mountPath: /docker.sock}]");
        Api.apply(Api.app(ns, "ok", 0, null)).then().statusCode(200);

        forbidden.forEach((field, setting) -> {
            for (String name : List.of("bad", "ok")) { // a new App by apply, and a change of a stored one by PUT
                String yaml = Api.app(ns, name, 1, setting);
                Response r = name.equals("bad") ? Api.apply(yaml)
                        : Api.givenYaml().body(yaml).put(Api.BASE + "/namespaces/" + ns + "/apps/ok");
                assertThat(r.statusCode()).as("%s: %s", setting, r.asString()).isEqualTo(422);
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(r.jsonPath().getList("errors.field", String.class)).as(r.asString()).containsExactly(field);
                assertThat(r.jsonPath().getString("errors[0].message")).startsWith("baseline forbids");
                assertThat(r.jsonPath().getString("detail")).contains(field).contains("baseline forbids");
            }
        });
        Response hostPath = Api.apply(Api.app(ns, "bad", 1, "volumes: [{hostPath: /etc, mountPath: /host-etc}]"));
        assertThat(hostPath.statusCode()).as(hostPath.asString()).isEqualTo(422);
        assertThat(hostPath.jsonPath().getString("detail")).contains("spec.volumes[0].hostPath").contains("mooring.admission.allowed-host-paths");

        Api.get(ns, "apps", "bad").then().statusCode(404);
        Api.get(ns, "apps", "ok").then().statusCode(200).body("spec.replicas", org.hamcrest.Matchers.equalTo(0));
        assertThat(DockerCli.containers(Map.of("dev.mooring.namespace", ns))).as("nothing reached the engine").isEmpty();

        // what baseline allows: its capabilities, host paths under the allowed prefixes
        Api.apply(Api.app(ns, "fine", 0, "capAdd: [NET_BIND_SERVICE, CHOWN]\ncapDrop: [NET_RAW]\n"
                + "volumes: [{hostPath: /tmp/mooring-allowed/site, mountPath: /site}]")).then().statusCode(200);
    }

    @Test
    void underPrivilegedTheSameSettingsRunOnTheEngine() {
        Api.apply(Api.app(PRIVILEGED, "root", 1, """
                pidMode: host
                ipcMode: host
                capAdd: [SYS_ADMIN]
                devices: [{hostPath: /dev/null, containerPath: /dev/nothing}]
                volumes: [{hostPath: /var/run/docker.sock, mountPath: /docker.sock, readOnly: true}]
                readOnlyRootFilesystem: true
                noNewPrivileges: true
                """)).then().statusCode(200);
        Api.apply(Api.app(PRIVILEGED, "hostnet", 1, "networkMode: host")).then().statusCode(200);
        Api.apply(Api.app(PRIVILEGED, "priv", 1, "privileged: true")).then().statusCode(200);
        Api.awaitReady(PRIVILEGED, "root", CONVERGE);
        Api.awaitReady(PRIVILEGED, "hostnet", CONVERGE);

        String c = PRIVILEGED + "-root-1";
        assertThat(DockerCli.inspect(c, "{{.HostConfig.PidMode}} {{.HostConfig.IpcMode}}")).isEqualTo("host host");
        assertThat(DockerCli.inspect(c, "{{.HostConfig.CapAdd}}")).contains("SYS_ADMIN");
        assertThat(DockerCli.inspect(c, "{{range .HostConfig.Devices}}{{.PathOnHost}}:{{.PathInContainer}}:{{.CgroupPermissions}}{{end}}"))
                .isEqualTo("/dev/null:/dev/nothing:rwm");
        assertThat(DockerCli.inspect(c, "{{.HostConfig.ReadonlyRootfs}}")).isEqualTo("true");
        assertThat(DockerCli.inspect(c, "{{.HostConfig.SecurityOpt}}")).contains("no-new-privileges:true");
        assertThat(DockerCli.run("exec", c, "ls", "/docker.sock")).isEqualTo("/docker.sock");
        assertThat(DockerCli.inspect(PRIVILEGED + "-hostnet-1", "{{.HostConfig.NetworkMode}}")).isEqualTo("host");

        // The privileged container is made as asked. Whether it starts is the engine's business: a
        // dockerd whose own capability set is cut down (as in some sandboxes) cannot grant them all.
        Awaitility.await().atMost(CONVERGE).untilAsserted(() ->
                assertThat(DockerCli.appContainers(PRIVILEGED, "priv")).isNotEmpty());
        String priv = DockerCli.appContainers(PRIVILEGED, "priv").get(0).id();
        assertThat(DockerCli.inspect(priv, "{{.HostConfig.Privileged}}")).isEqualTo("true");
        if (engineRunsPrivileged()) {
            Api.awaitReady(PRIVILEGED, "priv", CONVERGE);
        } else {
            Awaitility.await().atMost(CONVERGE).untilAsserted(() -> assertThat(Api.get(PRIVILEGED, "apps", "priv").jsonPath()
                    .getString("status.conditions.find { it.type == 'Ready' }.message")).contains("unable to apply caps"));
        }
    }

    private static boolean engineRunsPrivileged() {
        try {
            DockerCli.run("run", "--rm", "--privileged", "--label", "dev.mooring.namespace=" + PRIVILEGED, DockerCli.IMAGE, "true");
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Test
    void restrictedWantsANonRootUserNoEscalationAndNoCapabilities() {
        Response plain = Api.apply(Api.app(RESTRICTED, "web", 1, null));
        assertThat(plain.statusCode()).as(plain.asString()).isEqualTo(422);
        assertThat(plain.jsonPath().getList("errors.field", String.class))
                .containsExactly("spec.user", "spec.noNewPrivileges", "spec.capDrop");
        assertThat(plain.jsonPath().getString("detail")).contains("restricted requires");
        assertThat(DockerCli.containers(Map.of("dev.mooring.namespace", RESTRICTED))).isEmpty();

        Api.apply(Api.app(RESTRICTED, "web", 1, """
                user: "1000:1000"
                noNewPrivileges: true
                capDrop: [ALL]
                capAdd: [NET_BIND_SERVICE]
                readOnlyRootFilesystem: true
                """)).then().statusCode(200);
        Api.awaitReady(RESTRICTED, "web", CONVERGE);
        String c = RESTRICTED + "-web-1";
        assertThat(DockerCli.inspect(c, "{{.Config.User}} {{.HostConfig.CapDrop}} {{.HostConfig.ReadonlyRootfs}}"))
                .isEqualTo("1000:1000 [ALL] true");
        assertThat(DockerCli.run("exec", c, "id", "-u")).isEqualTo("1000");
    }

    @Test
    void auditModeLetsAViolationThroughAndRecordsAWarningEvent() {
        Api.apply(Api.app(AUDIT, "loose", 1, "pidMode: host")).then().statusCode(200);
        Api.awaitReady(AUDIT, "loose", CONVERGE);
        assertThat(DockerCli.inspect(AUDIT + "-loose-1", "{{.HostConfig.PidMode}}")).isEqualTo("host");
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                RestAssured.get(Api.BASE + "/namespaces/" + AUDIT + "/apps/loose/events").then().statusCode(200)
                        .body("items.findAll { it.type == 'Warning' }.reason", hasItem(Admission.REASON))
                        .body("items.message", hasItem(containsString("spec.pidMode: baseline forbids the host's PID namespace"))));
    }
}
