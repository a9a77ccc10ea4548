package dev.mooring.engine;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.Condition;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Volume;
import dev.mooring.api.VolumeSpec;
import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.DockerCli.Ctr;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operator mode end to end: custom resources in a Kubernetes API server, containers on the real
 * engine. The Kubernetes API server is the one mock here (fabric8's CRUD mock server, through
 * quarkus-test-kubernetes-client), because no real API server can run on these machines; it is
 * loaded with the CRDs from {@code crds/}, so it honours their status subresource, and it keeps
 * finalizers like a real one (a deleted object with finalizers only gets a deletionTimestamp).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(CustomResourceTest.Profile.class)
class CustomResourceTest {
    static final Duration CONVERGE = Duration.ofSeconds(60);
    /** The one namespace the CRD source watches (mooring.crd.namespaces). */
    static final String NS = Api.uniqueNamespace("crd");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mooring.crd.enabled", "true", "mooring.crd.namespaces", NS);
        }
    }

    /** Mooring's own client, pointed at the mock API server by quarkus-test-kubernetes-client. */
    @Inject
    KubernetesClient k8s;

    @BeforeEach
    void crds() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("crds"))) {
            for (Path f : files.toList()) {
                CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(f), CustomResourceDefinition.class);
                if (k8s.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get() == null) {
                    k8s.apiextensions().v1().customResourceDefinitions().resource(crd).create();
                }
            }
        }
    }

    @AfterEach
    void clean() {
        k8s.resources(App.class).inNamespace(NS).list().getItems().forEach(a -> {
            k8s.resources(App.class).inNamespace(NS).withName(a.name()).delete();
        });
        Awaitility.await().atMost(CONVERGE).untilAsserted(() -> assertThat(k8s.resources(App.class).inNamespace(NS).list().getItems()).isEmpty());
        DockerCli.cleanNamespace(NS);
    }

    private static App app(String name, int replicas, String marker) {
        App app = new App();
        app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        AppSpec spec = new AppSpec();
        spec.image = DockerCli.IMAGE;
        spec.command = List.of("sleep", "100000");
        spec.replicas = replicas;
        spec.stopGracePeriod = "1s";
        spec.env = List.of(new AppSpec.EnvVar("MARKER", marker));
        app.setSpec(spec);
        return app;
    }

    private App cr(String name) {
        return k8s.resources(App.class).inNamespace(NS).withName(name).get();
    }

    /** The custom resource is Ready=True for its current generation (in its own counting). */
    private App awaitReadyCr(String name) {
        App[] last = new App[1];
        Awaitility.await("custom resource " + name + " Ready").atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            App a = cr(name);
            assertThat(a).isNotNull();
            assertThat(a.getStatus()).as("status of %s", name).isNotNull();
            assertThat(a.getStatus().condition(Condition.READY).map(c -> c.status)).as(Serialization.asYaml(a.getStatus())).contains(Condition.TRUE);
            assertThat(a.getStatus().observedGeneration).isEqualTo(a.getMetadata().getGeneration());
            last[0] = a;
        });
        return last[0];
    }

    private static AppSpec.Dependency dependency(String app) {
        AppSpec.Dependency d = new AppSpec.Dependency();
        d.app = app;
        return d;
    }

    /** The audit log's lines about one resource of the namespace written by the custom resource source, newest first. */
    private static List<Map<String, Object>> crdAudit(String name) {
        return RestAssured.given().queryParam("namespace", NS).queryParam("user", "system:crd").queryParam("name", name)
                .get(Api.BASE + "/audit").then().statusCode(200).extract().jsonPath().getList("items");
    }

    private static long rv(Map<String, Object> line, String field) {
        assertThat(line.get(field)).as("%s of %s", field, line).isNotNull();
        return Long.parseLong((String) line.get(field));
    }

    private List<Event> events(String name) {
        return k8s.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
    }

    @Test
    void aCustomAppRunsRollsOutAndIsCleanedUpBeforeItGoes() {
        k8s.resources(App.class).inNamespace(NS).resource(app("web", 2, "one")).create();

        App ready = awaitReadyCr("web");
        assertThat(ready.getStatus().readyReplicas).isEqualTo(2);
        assertThat(ready.getMetadata().getFinalizers()).as("the finalizer that holds deletion").contains(MooringResource.FINALIZER);
        List<Ctr> first = DockerCli.appContainers(NS, "web");
        assertThat(first).extracting(Ctr::name).containsExactly(NS + "-web-1", NS + "-web-2");
        assertThat(first).allSatisfy(c -> assertThat(c.running()).isTrue());
        assertThat(DockerCli.inspect(first.get(0).name(), "{{range .Config.Env}}{{println .}}{{end}}")).contains("MARKER=one");
        // The store's copy belongs to the custom resource: the REST API may read it but not change it.
        assertThat(Api.get(NS, "apps", "web").statusCode()).isEqualTo(200);
        var rest = Api.apply(Api.app(NS, "web", 1, null));
        assertThat(rest.statusCode()).isEqualTo(409);
        assertThat(rest.jsonPath().getString("detail")).contains("its Kubernetes custom resource");
        Awaitility.await("Events on the custom resource").atMost(CONVERGE).untilAsserted(() ->
                assertThat(events("web")).extracting(Event::getReason).isNotEmpty());

        // Editing the custom resource rolls out: every replica is replaced and runs the new spec.
        Set<String> before = first.stream().map(Ctr::id).collect(Collectors.toSet());
        k8s.resources(App.class).inNamespace(NS).withName("web").edit(a -> {
            a.getSpec().env = List.of(new AppSpec.EnvVar("MARKER", "two"));
            return a;
        });
        Awaitility.await("rollout of the edit").atMost(CONVERGE).pollInterval(Duration.ofMillis(300)).ignoreExceptions().untilAsserted(() -> {
            App a = awaitReadyCr("web");
            assertThat(a.getMetadata().getGeneration()).isEqualTo(2L);
            List<Ctr> now = DockerCli.appContainers(NS, "web");
            assertThat(now).hasSize(2).allSatisfy(c -> {
                assertThat(before).doesNotContain(c.id());
                assertThat(c.running()).isTrue();
            });
            assertThat(DockerCli.inspect(now.get(0).name(), "{{range .Config.Env}}{{println .}}{{end}}")).contains("MARKER=two");
        });

        // Deleting it: the containers go first, then the finalizer, then the custom resource.
        k8s.resources(App.class).inNamespace(NS).withName("web").delete();
        Awaitility.await("containers removed").atMost(CONVERGE).untilAsserted(() ->
                assertThat(DockerCli.appContainers(NS, "web")).isEmpty());
        Awaitility.await("custom resource removed").atMost(CONVERGE).untilAsserted(() -> assertThat(cr("web")).isNull());
        assertThat(Api.get(NS, "apps", "web").statusCode()).isEqualTo(404);

        // Each change the custom resource made in the store is in the audit log, as system:crd with
        // no source address, with its resourceVersions before and after: created, edited, deleted
        // (newest first; the loop's own writes, like its finalizer, come between them).
        Awaitility.await("audit lines of the custom resource's writes").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Map<String, Object>> lines = crdAudit("web");
            assertThat(lines).extracting(l -> l.get("verb")).containsExactly("delete", "update", "create");
            assertThat(lines).allSatisfy(l -> {
                assertThat(l).containsEntry("user", "system:crd").containsEntry("kind", "App").containsEntry("outcome", "allowed");
                assertThat(l.get("sourceAddress")).isNull();
                assertThat(l.get("tokenId")).isNull();
            });
            Map<String, Object> delete = lines.get(0), update = lines.get(1), create = lines.get(2);
            assertThat(create.get("resourceVersionBefore")).isNull();
            assertThat((String) create.get("detail")).isEqualTo("created; custom resource generation 1");
            assertThat(rv(update, "resourceVersionBefore")).isGreaterThanOrEqualTo(rv(create, "resourceVersionAfter"));
            assertThat(rv(update, "resourceVersionAfter")).isGreaterThan(rv(update, "resourceVersionBefore"));
            assertThat((String) update.get("detail")).isEqualTo("configured; custom resource generation 2");
            assertThat(rv(delete, "resourceVersionBefore")).isGreaterThanOrEqualTo(rv(update, "resourceVersionAfter"));
            assertThat((String) delete.get("detail")).contains("deletion started");
        });
    }

    @Test
    void aCustomAppThatWouldCloseADependencyCycleIsRefusedUntilTheCycleIsGone() {
        App a = app("cyc-a", 1, "a");
        a.getSpec().dependsOn = List.of(dependency("cyc-b"));
        k8s.resources(App.class).inNamespace(NS).resource(a).create();
        // mirrored, and waiting for an App that does not exist yet
        Awaitility.await("cyc-a mirrored").atMost(CONVERGE).until(() -> Api.get(NS, "apps", "cyc-a").statusCode() == 200);

        App b = app("cyc-b", 1, "b");
        b.getSpec().dependsOn = List.of(dependency("cyc-a"));
        k8s.resources(App.class).inNamespace(NS).resource(b).create();

        String cycle = "cyc-a -> cyc-b -> cyc-a";
        Awaitility.await("Ready=False, Invalid, naming the cycle").atMost(CONVERGE).untilAsserted(() -> {
            App c = cr("cyc-b");
            assertThat(c.getStatus()).isNotNull();
            Condition ready = c.getStatus().condition(Condition.READY).orElseThrow();
            assertThat(ready.status).isEqualTo(Condition.FALSE);
            assertThat(ready.reason).isEqualTo("Invalid");
            assertThat(ready.message).contains("spec.dependsOn").contains(cycle);
        });
        Awaitility.await("a Warning event naming the cycle").atMost(CONVERGE).untilAsserted(() ->
                assertThat(events("cyc-b")).anySatisfy(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getReason()).isEqualTo("Invalid");
                    assertThat(e.getMessage()).contains(cycle);
                }));
        assertThat(Api.get(NS, "apps", "cyc-b").statusCode()).as("nothing stored").isEqualTo(404);
        assertThat(DockerCli.appContainers(NS, "cyc-a")).as("nothing on the engine").isEmpty();
        assertThat(DockerCli.appContainers(NS, "cyc-b")).as("nothing on the engine").isEmpty();
        Awaitility.await("the refusal in the audit log").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(crdAudit("cyc-b")).singleElement().satisfies(l -> {
                    assertThat(l).containsEntry("verb", "create").containsEntry("outcome", "rejected").containsEntry("status", 422);
                    assertThat((String) l.get("detail")).contains(cycle);
                }));

        // cyc-a no longer depends on cyc-b: cyc-b, unchanged, is mirrored now, and both run (cyc-a first).
        k8s.resources(App.class).inNamespace(NS).withName("cyc-a").edit(x -> {
            x.getSpec().dependsOn = null;
            return x;
        });
        awaitReadyCr("cyc-a");
        awaitReadyCr("cyc-b");
        assertThat(DockerCli.appContainers(NS, "cyc-a")).hasSize(1);
        assertThat(DockerCli.appContainers(NS, "cyc-b")).hasSize(1);
    }

    @Test
    void anInvalidCustomAppIsRefusedInItsStatusAndNeverReachesTheEngine() {
        App bad = app("bad", 1, "x");
        bad.getSpec().env = List.of(new AppSpec.EnvVar("SAME", "1"), new AppSpec.EnvVar("SAME", "2"));
        k8s.resources(App.class).inNamespace(NS).resource(bad).create();

        Awaitility.await("Ready=False, Invalid").atMost(CONVERGE).untilAsserted(() -> {
            App a = cr("bad");
            assertThat(a.getStatus()).isNotNull();
            Condition ready = a.getStatus().condition(Condition.READY).orElseThrow();
            assertThat(ready.status).isEqualTo(Condition.FALSE);
            assertThat(ready.reason).isEqualTo("Invalid");
            assertThat(ready.message).contains("spec.env[1].name");
        });
        Awaitility.await("a Warning event on the custom resource").atMost(CONVERGE).untilAsserted(() ->
                assertThat(events("bad")).anySatisfy(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getReason()).isEqualTo("Invalid");
                }));
        assertThat(Api.get(NS, "apps", "bad").statusCode()).as("nothing stored").isEqualTo(404);
        assertThat(DockerCli.appContainers(NS, "bad")).as("nothing on the engine").isEmpty();

        // Fixed, it is mirrored and runs.
        k8s.resources(App.class).inNamespace(NS).withName("bad").edit(a -> {
            a.getSpec().env = List.of(new AppSpec.EnvVar("SAME", "1"));
            return a;
        });
        awaitReadyCr("bad");
        assertThat(DockerCli.appContainers(NS, "bad")).hasSize(1);
    }

    /** Issue 10: the CRD source goes through admission for Volumes too, so a host bind never reaches the engine. */
    @Test
    void aCustomVolumeBindingTheHostRootIsRefusedAndNeverReachesTheEngine() {
        Volume v = new Volume();
        v.setMetadata(new ObjectMetaBuilder().withName("hostroot").withNamespace(NS).build());
        v.setSpec(new VolumeSpec());
        v.getSpec().driver = "local";
        v.getSpec().driverOpts = Map.of("type", "none", "o", "bind", "device", "/");
        k8s.resources(Volume.class).inNamespace(NS).resource(v).create();
        try {
            Awaitility.await("Ready=False, Forbidden").atMost(CONVERGE).untilAsserted(() -> {
                Volume cr = k8s.resources(Volume.class).inNamespace(NS).withName("hostroot").get();
                assertThat(cr.getStatus()).isNotNull();
                Condition ready = cr.getStatus().condition(Condition.READY).orElseThrow();
                assertThat(ready.status).isEqualTo(Condition.FALSE);
                assertThat(ready.reason).isEqualTo("Forbidden");
                assertThat(ready.message).contains("spec.driverOpts.device").contains("baseline forbids");
            });
            assertThat(Api.get(NS, "volumes", "hostroot").statusCode()).as("nothing stored").isEqualTo(404);
            assertThat(DockerCli.run("volume", "ls", "-q", "--filter", "label=dev.mooring.namespace=" + NS)).as("nothing on the engine").isBlank();
        } finally {
            k8s.resources(Volume.class).inNamespace(NS).withName("hostroot").delete();
            Awaitility.await().atMost(CONVERGE).untilAsserted(() ->
                    assertThat(k8s.resources(Volume.class).inNamespace(NS).withName("hostroot").get()).isNull());
        }
    }
}
