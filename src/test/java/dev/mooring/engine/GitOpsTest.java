package dev.mooring.engine;

import dev.mooring.source.git.WebhookSignature;
import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.GitFixture;
import dev.mooring.testing.GitHttpServer;
import dev.mooring.testing.SshGitServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GitOps against real Git repositories (a bare repository on disk, fetched by file://, served
 * over smart HTTP, or by OpenSSH's sshd with git-upload-pack) and the real engine: commits roll Apps out, prune deletes or keeps, a bad
 * commit changes nothing, a large prune waits for confirmation, webhooks are checked and fast.
 */
@QuarkusTest
class GitOpsTest {
    static final Duration CONVERGE = Duration.ofSeconds(90);
    static final String IMAGE2 = "mooring-test/busybox:git2";
    static final String HOOK_SECRET = "It's a Secret to Everybody";
    String ns;
    GitFixture git;

    @BeforeAll
    static void images() {
        DockerCli.run("tag", DockerCli.IMAGE, IMAGE2);
    }

    @BeforeEach
    void setUp() {
        ns = Api.uniqueNamespace("git");
        git = GitFixture.create();
    }

    @AfterEach
    void clean() {
        for (String name : RestAssured.get(Api.BASE + "/namespaces/" + ns + "/gitrepositories").jsonPath().<String>getList("items.metadata.name")) {
            Api.delete(ns, "gitrepositories", name);
            Api.awaitGone(ns, "gitrepositories", name, CONVERGE);
        }
        Api.deleteNamespace(ns, CONVERGE);
        git.close();
    }

    // ---- scenarios ---------------------------------------------------------------------

    @Test
    void commitChangingTheImageRollsTheAppOutAndRestEditsAreRefused() {
        String a = git.commit("web v1", Map.of("apps/web.yaml", app("web", 1, DockerCli.IMAGE, "")));
        createRepository("site", git.url(), "interval: 1s");
        awaitSynced("site", a);
        Api.awaitReady(ns, "web", CONVERGE);
        assertThat(DockerCli.appContainers(ns, "web")).singleElement()
                .satisfies(c -> assertThat(DockerCli.inspect(c.id(), "{{.Config.Image}}")).isEqualTo(DockerCli.IMAGE));

        // The REST API refuses to edit or delete what the repository owns, naming it.
        Response put = Api.givenYaml().body(app("web", 2, DockerCli.IMAGE, "")).put(Api.BASE + "/namespaces/" + ns + "/apps/web");
        assertThat(put.statusCode()).as(put.asString()).isEqualTo(409);
        assertThat(put.jsonPath().getString("detail")).contains("GitRepository " + ns + "/site");
        Response del = Api.delete(ns, "apps", "web");
        assertThat(del.statusCode()).isEqualTo(409);
        assertThat(del.jsonPath().getString("detail")).contains("GitRepository " + ns + "/site");

        String b = git.commit("web v2", Map.of("apps/web.yaml", app("web", 1, IMAGE2, "")));
        JsonPath synced = awaitSynced("site", b);
        assertThat(synced.getList("status.configured", String.class)).containsExactly("App/web");
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() -> {
            var ctrs = DockerCli.appContainers(ns, "web");
            assertThat(ctrs).singleElement().satisfies(c -> {
                assertThat(c.running()).isTrue();
                assertThat(DockerCli.inspect(c.id(), "{{.Config.Image}}")).isEqualTo(IMAGE2);
            });
        });
        Api.awaitReady(ns, "web", CONVERGE);
        assertThat(Api.condition(status("site"), "Ready")).isEqualTo("True");
        assertThat(status("site").getString("status.previousSyncedCommit")).isEqualTo(a);

        // The sync's writes are in the audit log as system:git, each with its commit (newest first).
        Awaitility.await("audit lines of the syncs").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Map<String, Object>> lines = gitAudit("web");
            assertThat(lines).extracting(l -> l.get("verb")).containsExactly("update", "create");
            assertThat(lines).allSatisfy(l -> assertThat(l).containsEntry("outcome", "allowed").containsEntry("kind", "App"));
            assertThat((String) lines.get(0).get("detail")).isEqualTo("configured; commit " + b + " of GitRepository " + ns + "/site");
            assertThat((String) lines.get(1).get("detail")).isEqualTo("created; commit " + a + " of GitRepository " + ns + "/site");
            assertThat(lines.get(0).get("resourceVersionBefore")).isNotNull();
        });
    }

    @Test
    void aComposeFileInGitBuildsInTheCheckoutAndACommitToTheContextRollsOut() throws Exception {
        int port = DockerCli.freePort();
        String compose = """
                services:
                  site:
                    build: ./site
                    ports: ["127.0.0.1:%d:8080"]
                    stop_grace_period: 1s
                """.formatted(port);
        String dockerfile = """
                FROM %s
                COPY index.html /www/index.html
                CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
                """.formatted(DockerCli.IMAGE);
        String a = git.commit("site v1", Map.of("deploy/docker-compose.yml", compose,
                "deploy/site/Dockerfile", dockerfile, "deploy/site/index.html", "v1 from git\n"));
        createRepository("site", git.url(), "path: deploy\ninterval: 1h");
        awaitSynced("site", a);
        JsonPath app = Api.awaitReady(ns, "site", CONVERGE);
        String firstImage = app.getString("status.build.image");
        assertThat(firstImage).startsWith("mooring.local/" + ns + "/site:ctx-");
        assertThat(app.getString("spec.build.context")).contains("/git/" + ns + "/site/" + a);

        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI page = java.net.URI.create("http://127.0.0.1:" + port + "/index.html");
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
                http.send(java.net.http.HttpRequest.newBuilder(page).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo("v1 from git\n"));

        // A commit that changes only the build context: a new image, rolled out; the webhook-less
        // repository (interval 1h) syncs because its spec changed (a new interval).
        String b = git.commit("site v2", Map.of("deploy/site/index.html", "v2 from git\n"));
        Response put = Api.givenYaml().body(repository("site", git.url(), "path: deploy\ninterval: 59m"))
                .put(Api.BASE + "/namespaces/" + ns + "/gitrepositories/site");
        assertThat(put.statusCode()).as(put.asString()).isEqualTo(200);
        awaitSynced("site", b);
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() -> assertThat(
                http.send(java.net.http.HttpRequest.newBuilder(page).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo("v2 from git\n"));
        String secondImage = Api.get(ns, "apps", "site").jsonPath().getString("status.build.image");
        assertThat(secondImage).startsWith("mooring.local/" + ns + "/site:ctx-").isNotEqualTo(firstImage);
    }

    @Test
    void removedManifestIsKeptWithPruneOffAndDeletedWithPruneOn() {
        String a = git.commit("two apps", Map.of(
                "keep.yaml", app("keep", 0, DockerCli.IMAGE, ""),
                "gone.yaml", app("gone", 1, DockerCli.IMAGE, ""),
                "net.yaml", network("net")));
        createRepository("site", git.url(), "interval: 1s\nprune: false");
        awaitSynced("site", a);
        Api.awaitReady(ns, "gone", CONVERGE);

        Map<String, String> remove = new HashMap<>();
        remove.put("gone.yaml", null);
        String b = git.commit("remove gone", remove);
        JsonPath s = awaitSynced("site", b);
        assertThat(s.getList("status.notPruned", String.class)).containsExactly("App/gone");
        assertThat(s.getList("status.pruned", String.class)).isEmpty();
        assertThat(Api.get(ns, "apps", "gone").statusCode()).isEqualTo(200);
        assertThat(DockerCli.appContainers(ns, "gone")).singleElement().satisfies(c -> assertThat(c.running()).isTrue());

        // Prune on: the next sync (at once, the spec changed) deletes it, and its container goes.
        Response put = Api.givenYaml().body(repository("site", git.url(), "interval: 1s\nprune: true"))
                .put(Api.BASE + "/namespaces/" + ns + "/gitrepositories/site");
        assertThat(put.statusCode()).as(put.asString()).isEqualTo(200);
        Awaitility.await().atMost(CONVERGE).untilAsserted(() ->
                assertThat(status("site").getList("status.pruned", String.class)).containsExactly("App/gone"));
        Api.awaitGone(ns, "apps", "gone", CONVERGE);
        Awaitility.await().atMost(CONVERGE).until(() -> DockerCli.appContainers(ns, "gone").isEmpty());
        assertThat(Api.get(ns, "apps", "keep").statusCode()).isEqualTo(200);
        assertThat(status("site").getList("status.notPruned")).isNull();
        Awaitility.await("the prune in the audit log").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gitAudit("gone")).first().satisfies(l -> {
                    assertThat(l).containsEntry("verb", "delete").containsEntry("user", "system:git");
                    assertThat((String) l.get("detail")).contains("deletion started; commit " + b);
                }));
    }

    @Test
    void commitWithABadManifestChangesNothingAndSaysWhereInStatus() {
        String a = git.commit("ok", Map.of("apps/a.yaml", app("a", 0, DockerCli.IMAGE, "env: [{name: V, value: '1'}]")));
        createRepository("site", git.url(), "interval: 1s");
        awaitSynced("site", a);
        long generation = Api.get(ns, "apps", "a").jsonPath().getLong("metadata.generation");

        String b = git.commit("bad", Map.of(
                "apps/a.yaml", app("a", 0, DockerCli.IMAGE, "env: [{name: V, value: '2'}]"),
                "apps/bad.yaml", app("bad", -1, DockerCli.IMAGE, ""),
                "apps/other-ns.yaml", app("elsewhere", 0, DockerCli.IMAGE, "").replace("namespace: " + ns, "namespace: someone-else")));
        JsonPath s = awaitAttempted("site", b);
        assertThat(s.getString("status.lastSyncedCommit")).isEqualTo(a);
        assertThat(s.getString("status.lastError.commit")).isEqualTo(b);
        assertThat(s.getString("status.lastError.message")).contains("apps/bad.yaml").contains("spec.replicas");
        List<Map<String, String>> errors = s.getList("status.lastError.errors");
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.get("file")).isEqualTo("apps/bad.yaml");
            assertThat(e.get("field")).isEqualTo("spec.replicas");
        });
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.get("file")).isEqualTo("apps/other-ns.yaml");
            assertThat(e.get("field")).isEqualTo("metadata.namespace");
        });
        assertThat(Api.condition(s, "Synced")).isEqualTo("False");
        assertThat(Api.conditionReason(s, "Synced")).isEqualTo("InvalidManifests");
        assertThat(s.getLong("status.observedGeneration")).isEqualTo(s.getLong("metadata.generation"));
        // Nothing of the commit was applied, not even its valid change.
        JsonPath appA = Api.get(ns, "apps", "a").jsonPath();
        assertThat(appA.getLong("metadata.generation")).isEqualTo(generation);
        assertThat(appA.getString("spec.env[0].value")).isEqualTo("1");
        assertThat(Api.get(ns, "apps", "bad").statusCode()).isEqualTo(404);

        Map<String, String> fix = new HashMap<>();
        fix.put("apps/bad.yaml", null);
        fix.put("apps/other-ns.yaml", null);
        String c = git.commit("fix", fix);
        JsonPath fixed = awaitSynced("site", c);
        assertThat(fixed.getString("status.lastError")).isNull();
        assertThat(fixed.getList("status.configured", String.class)).containsExactly("App/a");
        assertThat(Api.get(ns, "apps", "a").jsonPath().getString("spec.env[0].value")).isEqualTo("2");
    }

    /** Issue 13: a commit as helm template writes it (a trailing ---) and a kind: List sync, their values read as YAML 1.2. */
    @Test
    void aCommitWithATrailingSeparatorAndAKindListIsSynced() {
        String list = "apiVersion: v1\nkind: List\nitems:\n- " + app("b", 0, DockerCli.IMAGE, "").strip().replace("\n", "\n  ") + "\n";
        String a = git.commit("rendered", Map.of(
                "apps/a.yaml", "---\n" + app("a", 0, DockerCli.IMAGE, "env: [{name: DEBUG, value: yes}, {name: AT, value: 22:22}]") + "---\n",
                "apps/list.yaml", list));
        createRepository("site", git.url(), "interval: 1s");
        JsonPath synced = awaitSynced("site", a);
        assertThat(synced.getList("status.created", String.class)).containsExactlyInAnyOrder("App/a", "App/b");
        assertThat(Api.get(ns, "apps", "a").jsonPath().getList("spec.env.value", String.class)).containsExactly("yes", "22:22");
        assertThat(Api.get(ns, "apps", "b").statusCode()).isEqualTo(200);
    }

    /** Issue 10: a commit's Volumes and Networks pass admission like a REST write; a host bind in one changes nothing. */
    @Test
    void aCommitWithAHostBindVolumeOrAHostNetworkIsRefusedAndChangesNothing() {
        String a = git.commit("ok", Map.of("apps/a.yaml", app("a", 0, DockerCli.IMAGE, "")));
        createRepository("site", git.url(), "interval: 1s");
        awaitSynced("site", a);
        String b = git.commit("escape", Map.of(
                "volumes/root.yaml", """
                        apiVersion: mooring.dev/v1alpha1
                        kind: Volume
                        metadata: {name: root}
                        spec: {driver: local, driverOpts: {type: none, o: bind, device: /}}
                        """,
                "networks/host.yaml", """
                        apiVersion: mooring.dev/v1alpha1
                        kind: Network
                        metadata: {name: hostnet}
                        spec: {driver: macvlan}
                        """));
        JsonPath s = awaitAttempted("site", b);
        assertThat(s.getString("status.lastSyncedCommit")).isEqualTo(a);
        assertThat(Api.conditionReason(s, "Synced")).isEqualTo("AdmissionDenied");
        List<Map<String, String>> errors = s.getList("status.lastError.errors");
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.get("file")).isEqualTo("volumes/root.yaml");
            assertThat(e.get("field")).isEqualTo("spec.driverOpts.device");
        });
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.get("file")).isEqualTo("networks/host.yaml");
            assertThat(e.get("field")).isEqualTo("spec.driver");
        });
        assertThat(Api.get(ns, "volumes", "root").statusCode()).isEqualTo(404);
        assertThat(Api.get(ns, "networks", "hostnet").statusCode()).isEqualTo(404);
        assertThat(DockerCli.run("volume", "ls", "-q", "--filter", "label=dev.mooring.namespace=" + ns)).isBlank();
    }

    /**
     * Issue 11: a commit goes through the one write path, so a dependency cycle is refused by the
     * same check and in the same words as a REST apply of the same Apps, placed in its file.
     */
    @Test
    void aCommitWhoseAppsDependOnEachOtherInACycleIsRefusedLikeARestApply() {
        String a = git.commit("ok", Map.of("apps/a.yaml", app("a", 0, DockerCli.IMAGE, "")));
        createRepository("site", git.url(), "interval: 1s");
        awaitSynced("site", a);
        String appA = app("a", 0, DockerCli.IMAGE, "dependsOn: [{app: b}]");
        String appB = app("b", 0, DockerCli.IMAGE, "dependsOn: [{app: a}]");
        String b = git.commit("cycle", Map.of("apps/a.yaml", appA, "apps/b.yaml", appB));
        String refusal = "Apps in namespace " + ns + " depend on each other in a cycle: a -> b -> a";
        JsonPath s = awaitAttempted("site", b);
        assertThat(s.getString("status.lastSyncedCommit")).isEqualTo(a);
        assertThat(Api.conditionReason(s, "Synced")).isEqualTo("DependencyCycle");
        assertThat(s.getString("status.lastError.message")).isEqualTo(refusal);
        List<Map<String, String>> errors = s.getList("status.lastError.errors");
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.get("file")).isEqualTo("apps/a.yaml");
            assertThat(e.get("field")).isEqualTo("spec.dependsOn");
            assertThat(e.get("message")).isEqualTo(refusal);
        });
        assertThat(Api.get(ns, "apps", "b").statusCode()).isEqualTo(404);

        Response rest = Api.apply(appA + "---\n" + appB);
        assertThat(rest.statusCode()).as(rest.asString()).isEqualTo(422);
        assertThat(rest.jsonPath().getString("detail")).isEqualTo("App " + ns + "/a: spec.dependsOn: " + refusal);
    }

    @Test
    void aResourceOfAnotherSourceIsNotTakenOverAndADeletedRepositoryHandsItsOwnToRest() throws Exception {
        Api.applyOk(app("taken", 0, DockerCli.IMAGE, ""));
        String a = git.commit("both", Map.of("mine.yaml", app("mine", 0, DockerCli.IMAGE, ""), "taken.yaml", app("taken", 0, DockerCli.IMAGE, "")));
        createRepository("site", git.url(), "interval: 1s");
        JsonPath s = awaitAttempted("site", a);
        assertThat(s.getString("status.lastError.message")).contains("App " + ns + "/taken is owned by the REST API");
        assertThat(Api.conditionReason(s, "Synced")).isEqualTo("Conflict");
        assertThat(Api.get(ns, "apps", "mine").statusCode()).isEqualTo(404); // all or nothing

        Map<String, String> drop = new HashMap<>();
        drop.put("taken.yaml", null);
        String b = git.commit("leave taken to REST", drop);
        JsonPath synced = awaitSynced("site", b);
        assertThat(synced.getList("status.created", String.class)).containsExactly("App/mine");
        // Only the synced commit's checkout is kept (there is no earlier synced one), next to the mirror.
        java.nio.file.Path checkout = java.nio.file.Path.of(synced.getString("status.checkout"));
        assertThat(checkout.resolve("mine.yaml")).exists();
        try (var dirs = java.nio.file.Files.list(checkout.getParent())) {
            assertThat(dirs.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("repo.git", b);
        }

        // Deleted with prune off, the repository leaves its resources to the REST API.
        Api.delete(ns, "gitrepositories", "site");
        Api.awaitGone(ns, "gitrepositories", "site", CONVERGE);
        Response put = Api.givenYaml().body(app("mine", 0, DockerCli.IMAGE, "env: [{name: V, value: rest}]"))
                .put(Api.BASE + "/namespaces/" + ns + "/apps/mine");
        assertThat(put.statusCode()).as(put.asString()).isEqualTo(200);
        assertThat(checkout.getParent()).doesNotExist();
    }

    @Test
    void syncThatWouldPruneMostResourcesWaitsForConfirmation() {
        String a = git.commit("three", Map.of("a1.yaml", app("a1", 0, DockerCli.IMAGE, ""),
                "a2.yaml", app("a2", 1, DockerCli.IMAGE, ""), "a3.yaml", app("a3", 0, DockerCli.IMAGE, "")));
        createRepository("site", git.url(), "interval: 1s\nprune: true");
        awaitSynced("site", a);
        Api.awaitReady(ns, "a2", CONVERGE);

        Map<String, String> remove = new HashMap<>();
        remove.put("a2.yaml", null);
        remove.put("a3.yaml", null);
        String b = git.commit("remove two of three", remove);
        JsonPath s = Awaitility.await().atMost(CONVERGE).until(() -> status("site"),
                j -> "True".equals(Api.condition(j, "PruneConfirmationRequired")));
        assertThat(s.getString("status.pruneConfirmation.commit")).isEqualTo(b);
        assertThat(s.getInt("status.pruneConfirmation.pruneCount")).isEqualTo(2);
        assertThat(s.getInt("status.pruneConfirmation.ownedCount")).isEqualTo(3);
        assertThat(s.getList("status.pruneConfirmation.prune", String.class)).containsExactly("App/a2", "App/a3");
        assertThat(s.getList("status.pendingChanges.action", String.class)).containsExactly("prune", "prune");
        // The engine-level plan of the waiting commit: the prunes, a2's container removed.
        assertThat(s.getString("status.nextSync.commit")).isEqualTo(b);
        assertThat(s.getString("status.nextSync.waitingFor")).isEqualTo("PruneConfirmationRequired");
        assertThat(s.getList("status.nextSync.plans.name", String.class)).containsExactly("a2", "a3");
        assertThat(s.getList("status.nextSync.plans[0].changes.action", String.class)).containsExactly("remove");
        assertThat(s.getList("status.nextSync.plans[0].changes.target", String.class)).containsExactly(ns + "-a2-1");
        assertThat(s.getList("status.nextSync.plans[1].changes")).isEmpty();
        assertThat(DockerCli.appContainers(ns, "a2")).singleElement().satisfies(c -> assertThat(c.running()).isTrue());
        assertThat(s.getString("status.lastSyncedCommit")).isEqualTo(a);
        assertThat(Api.condition(s, "Synced")).isEqualTo("False");
        assertThat(Api.get(ns, "apps", "a2").statusCode()).isEqualTo(200);

        // A confirmation names the commit it approves; another commit, or none, is refused.
        String confirm = Api.BASE + "/namespaces/" + ns + "/gitrepositories/site/confirm";
        Response wrong = RestAssured.given().queryParam("commit", a).post(confirm);
        assertThat(wrong.statusCode()).as(wrong.asString()).isEqualTo(409);
        assertThat(wrong.jsonPath().getString("detail")).contains(b);
        assertThat(RestAssured.given().post(confirm).statusCode()).isEqualTo(422);
        String viewer = Api.token("git-viewer-" + ns, Map.of(ns, "viewer"));
        assertThat(Api.as(viewer).queryParam("commit", b).post(confirm).statusCode()).isEqualTo(403);
        String deployer = Api.token("git-deployer-" + ns, Map.of(ns, "deployer"));
        Response ok = Api.as(deployer).contentType("application/json").body(Map.of("commit", b)).post(confirm);
        assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(202);

        JsonPath done = awaitSynced("site", b);
        assertThat(done.getList("status.pruned", String.class)).containsExactly("App/a2", "App/a3");
        assertThat(Api.condition(done, "PruneConfirmationRequired")).isNull();
        assertThat(done.getString("status.pruneConfirmation")).isNull();
        assertThat(done.getString("status.nextSync")).isNull();
        Api.awaitGone(ns, "apps", "a2", CONVERGE);
        Api.awaitGone(ns, "apps", "a3", CONVERGE);
        assertThat(Api.get(ns, "apps", "a1").statusCode()).isEqualTo(200);
    }

    @Test
    void aSuspendedRepositoryPlansTheNextCommitAndAppliesExactlyThatOneWhenReleased() {
        // interval 1h: looks happen when the spec changes, so the test decides which commit is looked at
        String a = git.commit("v1", Map.of("web.yaml", app("web", 2, DockerCli.IMAGE, "env: [{name: V, value: '1'}]")));
        createRepository("site", git.url(), "interval: 1h");
        awaitSynced("site", a);
        Api.awaitReady(ns, "web", CONVERGE);
        List<String> before = containerIds("web");
        assertThat(before).hasSize(2);
        long appGeneration = Api.get(ns, "apps", "web").jsonPath().getLong("metadata.generation");

        // Suspended at the synced commit: nothing waits.
        putRepository("site", "interval: 1h\nsuspend: true");
        JsonPath idle = awaitLooked("site");
        assertThat(Api.condition(idle, "Synced")).isEqualTo("True");
        assertThat(idle.getString("status.nextSync")).isNull();

        // A new commit is fetched, checked and planned; nothing is applied.
        String b = git.commit("v2", Map.of("web.yaml", app("web", 2, DockerCli.IMAGE, "env: [{name: V, value: '2'}]")));
        putRepository("site", "interval: 59m\nsuspend: true");
        JsonPath s = awaitLooked("site");
        assertThat(s.getString("status.nextSync.commit")).isEqualTo(b);
        assertThat(s.getString("status.nextSync.waitingFor")).isEqualTo("Suspended");
        assertThat(s.getString("status.nextSync.computedAt")).isNotNull();
        assertThat(s.getString("status.lastSyncedCommit")).isEqualTo(a);
        assertThat(Api.condition(s, "Synced")).isEqualTo("False");
        assertThat(Api.conditionReason(s, "Synced")).isEqualTo("Suspended");
        assertThat(s.getString("status.conditions.find { it.type == 'Synced' }.message")).contains(b).contains("/sync?commit=" + b);
        assertThat(s.getList("status.pendingChanges.action", String.class)).containsExactly("configure");
        assertThat(s.getList("status.nextSync.plans.name", String.class)).containsExactly("web");
        assertThat(s.getString("status.nextSync.plans[0].classification")).isEqualTo("recreate");
        assertThat(s.getList("status.nextSync.plans[0].changes.action", String.class)).containsExactly("recreate", "recreate");
        assertThat(s.getList("status.nextSync.plans[0].changes.target", String.class)).containsExactly(ns + "-web-1", ns + "-web-2");
        for (int i = 0; i < 2; i++) {
            List<Map<String, Object>> diff = s.getList("status.nextSync.plans[0].changes[" + i + "].diff");
            assertThat(diff).containsExactly(Map.of("path", "env.V", "live", "1", "desired", "2"));
        }
        // The store's App and the running containers are as commit a left them.
        JsonPath web = Api.get(ns, "apps", "web").jsonPath();
        assertThat(web.getString("spec.env[0].value")).isEqualTo("1");
        assertThat(web.getLong("metadata.generation")).isEqualTo(appGeneration);
        assertThat(containerIds("web")).isEqualTo(before);
        assertThat(DockerCli.appContainers(ns, "web")).allSatisfy(c -> assertThat(c.running()).isTrue());

        // A later commit is not looked at yet (interval 1h): unsuspending applies exactly b.
        String c = git.commit("v3", Map.of("web.yaml", app("web", 2, DockerCli.IMAGE, "env: [{name: V, value: '3'}]")));
        putRepository("site", "interval: 59m\nsuspend: false");
        JsonPath synced = awaitSynced("site", b);
        assertThat(synced.getString("status.nextSync")).isNull();
        assertThat(Api.condition(synced, "Synced")).isEqualTo("True");
        assertThat(synced.getList("status.configured", String.class)).containsExactly("App/web");
        assertThat(Api.get(ns, "apps", "web").jsonPath().getString("spec.env[0].value")).isEqualTo("2");
        awaitContainersWith("web", before, "V=2");

        // Suspended again, the look plans c; POST .../sync applies the planned commit only, and the repository stays suspended.
        putRepository("site", "interval: 58m\nsuspend: true");
        JsonPath planned = Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).until(() -> status("site"),
                j -> c.equals(j.getString("status.nextSync.commit")));
        assertThat(planned.getList("status.nextSync.plans[0].changes[0].diff"))
                .containsExactly(Map.of("path", "env.V", "live", "2", "desired", "3"));
        String sync = Api.BASE + "/namespaces/" + ns + "/gitrepositories/site/sync";
        Response stale = RestAssured.given().queryParam("commit", b).post(sync);
        assertThat(stale.statusCode()).as(stale.asString()).isEqualTo(409);
        assertThat(stale.jsonPath().getString("detail")).contains(c);
        String viewer = Api.token("git-viewer-" + ns, Map.of(ns, "viewer"));
        assertThat(Api.as(viewer).queryParam("commit", c).post(sync).statusCode()).isEqualTo(403);
        List<String> atB = containerIds("web");
        String deployer = Api.token("git-deployer-" + ns, Map.of(ns, "deployer"));
        Response ok = Api.as(deployer).queryParam("commit", c.substring(0, 10)).post(sync);
        assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(202);
        JsonPath done = awaitSynced("site", c);
        assertThat(done.getBoolean("spec.suspend")).isTrue();
        assertThat(done.getString("status.nextSync")).isNull();
        awaitContainersWith("web", atB, "V=3");
        Response nothing = RestAssured.given().queryParam("commit", c).post(sync);
        assertThat(nothing.statusCode()).as(nothing.asString()).isEqualTo(409);
    }

    @jakarta.inject.Inject
    dev.mooring.control.Leadership leadership;

    /**
     * Behind a Service, a webhook may reach a follower, which never reconciles: the request is kept
     * in the store, and the leader syncs at its next look rather than at the next interval (1h).
     * The follower is simulated by taking this instance's leadership away and giving it back.
     */
    @Test
    void aWebhookThatReachesAFollowerIsSyncedByTheLeader() {
        String a = webhookRepositorySynced();
        String b = git.commit("v2", Map.of("a.yaml", app("a", 0, DockerCli.IMAGE, "env: [{name: V, value: '2'}]")));
        byte[] push = pushPayload("refs/heads/main", b);

        leadership.lost();
        try {
            Response ok = github("site", push, githubSignature(push));
            assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(202);
            assertThat(ok.jsonPath().getString("message")).contains("not the leader");
            assertThat(Api.get(ns, "gitrepositories", "site").jsonPath().getMap("metadata.annotations"))
                    .containsKey(dev.mooring.api.GitRepository.SYNC_REQUESTED);
            // the follower itself syncs nothing
            Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> a.equals(status("site").getString("status.lastAttemptedCommit")));
        } finally {
            leadership.acquired(); // the new leader resyncs every key at once
        }
        awaitSynced("site", b);
        assertThat(Api.get(ns, "apps", "a").jsonPath().getString("spec.env[0].value")).isEqualTo("2");
    }

    @Test
    void webhooksAreCheckedAndSyncAtOnce() {
        String a = webhookRepositorySynced();
        String b = git.commit("v2", Map.of("a.yaml", app("a", 0, DockerCli.IMAGE, "env: [{name: V, value: '2'}]")));
        byte[] push = pushPayload("refs/heads/main", b);

        // No signature, a wrong one, or one over another body: 401, no token needed to be refused.
        Response unsigned = Api.anonymous().contentType("application/json").header("X-GitHub-Event", "push").body(push).post(webhook("site"));
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.contentType()).startsWith("application/problem+json");
        Response wrong = github("site", push, "sha256=" + WebhookSignature.sign("not the secret".getBytes(StandardCharsets.UTF_8), push));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.jsonPath().getString("detail")).contains("signature does not match");
        // A correct webhook syncs in well under a second (measured below); a refused one started nothing.
        Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> a.equals(status("site").getString("status.lastAttemptedCommit")));

        long start = System.nanoTime();
        Response ok = github("site", push, githubSignature(push));
        assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(202);
        assertThat(ok.jsonPath().getBoolean("sync")).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> b.equals(status("site").getString("status.lastSyncedCommit")));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("GitOpsTest: GitHub webhook POST to lastSyncedCommit = new commit: " + millis + " ms");
        assertThat(Api.get(ns, "apps", "a").jsonPath().getString("spec.env[0].value")).isEqualTo("2");

        // A push to another branch is acknowledged and ignored; a ping answers pong.
        String other = git.commitTo("feature", "elsewhere", Map.of("a.yaml", app("a", 0, DockerCli.IMAGE, "env: [{name: V, value: 'x'}]")));
        byte[] otherPush = pushPayload("refs/heads/feature", other);
        Response ignored = github("site", otherPush, githubSignature(otherPush));
        assertThat(ignored.statusCode()).isEqualTo(202);
        assertThat(ignored.jsonPath().getBoolean("sync")).isFalse();
        assertThat(ignored.jsonPath().getString("message")).contains("refs/heads/feature").contains("refs/heads/main");
        byte[] ping = "{\"zen\":\"Keep it logically awesome.\"}".getBytes(StandardCharsets.UTF_8);
        Response pong = Api.anonymous().contentType("application/json").header("X-GitHub-Event", "ping")
                .header("X-Hub-Signature-256", githubSignature(ping))
                .body(ping).post(webhook("site"));
        assertThat(pong.statusCode()).isEqualTo(202);
        assertThat(pong.jsonPath().getString("message")).isEqualTo("pong");

        // Gitea signs with a bare hex HMAC in X-Gitea-Signature.
        String c = git.commit("v3", Map.of("a.yaml", app("a", 0, DockerCli.IMAGE, "env: [{name: V, value: '3'}]")));
        byte[] giteaPush = pushPayload("refs/heads/main", c);
        long giteaStart = System.nanoTime();
        Response gitea = Api.anonymous().contentType("application/json").header("X-Gitea-Event", "push")
                .header("X-Gitea-Signature", WebhookSignature.sign(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), giteaPush))
                .body(giteaPush).post(webhook("site"));
        assertThat(gitea.statusCode()).as(gitea.asString()).isEqualTo(202);
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> c.equals(status("site").getString("status.lastSyncedCommit")));
        System.out.println("GitOpsTest: Gitea webhook POST to lastSyncedCommit = new commit: " + (System.nanoTime() - giteaStart) / 1_000_000 + " ms");

        // The audit log has the refused and the accepted webhooks.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Map<String, Object>> audit = RestAssured.given().queryParam("namespace", ns).queryParam("verb", "webhook")
                    .get(Api.BASE + "/audit").jsonPath().getList("items");
            assertThat(audit).anySatisfy(e -> {
                assertThat(e.get("outcome")).isEqualTo("denied");
                assertThat(e.get("status")).isEqualTo(401);
            });
            assertThat(audit).anySatisfy(e -> assertThat((String) e.get("detail")).contains("GitHub push to refs/heads/main: sync requested"));
            assertThat(audit).anySatisfy(e -> assertThat((String) e.get("detail")).contains("Gitea push"));
        });
    }

    @Test
    void fetchesOverHttpWithCredentialsFromASecret() throws Exception {
        String a = git.commit("v1", Map.of("a.yaml", app("a", 0, DockerCli.IMAGE, "")));
        try (GitHttpServer http = new GitHttpServer(git.bareDir(), "mooring", "hunter2")) {
            createRepository("plain", http.url(), "interval: 1s");
            JsonPath refused = Awaitility.await().atMost(CONVERGE).until(() -> status("plain"),
                    j -> "FetchFailed".equals(Api.conditionReason(j, "Ready")));
            assertThat(refused.getString("status.lastError.message")).contains(http.url());
            assertThat(refused.getString("status.lastSyncedCommit")).isNull();

            Api.applyOk("""
                    apiVersion: mooring.dev/v1alpha1
                    kind: Secret
                    metadata: {name: git-creds, namespace: %s}
                    stringData: {username: mooring, password: hunter2}
                    """.formatted(ns));
            createRepository("authed", http.url(), "interval: 1s\nsecretRef: {name: git-creds}");
            awaitSynced("authed", a);
            assertThat(Api.get(ns, "apps", "a").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void fetchesOverSshWithTheKeyAndKnownHostsOfASecret() throws Exception {
        String a = git.commit("v1", Map.of("a.yaml", app("a", 1, DockerCli.IMAGE, "")));
        try (SshGitServer sshd = SshGitServer.start(git.bareDir())) {
            SshGitServer.ClientKey key = sshd.newClientKey();
            sshd.authorize(key);
            Api.applyOk(sshSecret("git-ssh", key.privateKey(), sshd.knownHostsLine()));
            createRepository("site", sshd.url(), "interval: 1s\nsecretRef: {name: git-ssh}");
            awaitSynced("site", a);
            Api.awaitReady(ns, "a", CONVERGE);
            assertThat(DockerCli.appContainers(ns, "a")).singleElement().satisfies(c -> assertThat(c.running()).isTrue());
            assertThat(sshd.log()).contains("Accepted publickey for " + System.getProperty("user.name"));

            // the next commit comes the same way
            String b = git.commit("v2", Map.of("b.yaml", app("b", 0, DockerCli.IMAGE, "")));
            JsonPath synced = awaitSynced("site", b);
            assertThat(synced.getList("status.created", String.class)).containsExactly("App/b");
            assertThat(Api.condition(synced, "Ready")).isEqualTo("True");
        }
    }

    @Test
    void overSshAnotherHostKeyOrAKeyTheServerRefusesFailsTheFetchAndAppliesNothing() throws Exception {
        String a = git.commit("v1", Map.of("a.yaml", app("a", 1, DockerCli.IMAGE, "")));
        try (SshGitServer sshd = SshGitServer.start(git.bareDir())) {
            SshGitServer.ClientKey key = sshd.newClientKey();
            sshd.authorize(key);
            // (b) known_hosts names the server with another key: a man in the middle, or a changed host key
            Api.applyOk(sshSecret("mitm", key.privateKey(), sshd.otherHostKnownHostsLine()));
            createRepository("mitm", sshd.url(), "interval: 1s\nsecretRef: {name: mitm}");
            // (c) the server does not know this key
            Api.applyOk(sshSecret("stranger", sshd.newClientKey().privateKey(), sshd.knownHostsLine()));
            createRepository("stranger", sshd.url(), "interval: 1s\nsecretRef: {name: stranger}");

            JsonPath mitm = Awaitility.await().atMost(CONVERGE).until(() -> status("mitm"), j -> j.getString("status.lastError.message") != null);
            assertThat(Api.conditionReason(mitm, "Ready")).isEqualTo("FetchFailed");
            assertThat(mitm.getString("status.lastError.message"))
                    .startsWith("cannot fetch refs/heads/main from " + sshd.url() + ": ssh host key verification failed for [127.0.0.1]:" + sshd.port())
                    .contains("it presented ssh-ed25519 SHA256:", "the Secret's known_hosts lists another key for it");
            JsonPath stranger = Awaitility.await().atMost(CONVERGE).until(() -> status("stranger"), j -> j.getString("status.lastError.message") != null);
            assertThat(Api.conditionReason(stranger, "Ready")).isEqualTo("FetchFailed");
            assertThat(stranger.getString("status.lastError.message")).isEqualTo("cannot fetch refs/heads/main from " + sshd.url()
                    + ": ssh authentication failed: 127.0.0.1:" + sshd.port()
                    + " refused the key in the Secret's identity (is its public key in the server's authorized_keys for this user?)");
            for (JsonPath j : List.of(mitm, stranger)) {
                assertThat(j.getString("status.lastSyncedCommit")).isNull();
            }
            assertThat(Api.get(ns, "apps", "a").statusCode()).isEqualTo(404);
            assertThat(DockerCli.appContainers(ns, "a")).isEmpty();
            assertThat(sshd.log()).doesNotContain("Accepted publickey");

            // the right host key in the Secret: the next fetch goes through
            Api.applyOk(sshSecret("mitm", key.privateKey(), sshd.knownHostsLine()));
            awaitSynced("mitm", a);
            Api.awaitReady(ns, "a", CONVERGE);
            assertThat(status("stranger").getString("status.lastSyncedCommit")).isNull();
        }
    }

    // ---- helpers -----------------------------------------------------------------------

    private String app(String name, int replicas, String image, String extra) {
        return Api.app(ns, name, image, replicas, extra);
    }

    private String network(String name) {
        return """
                apiVersion: mooring.dev/v1alpha1
                kind: Network
                metadata: {name: %s}
                spec: {}
                """.formatted(name);
    }

    /** A Secret for ssh as a user writes it: the private key file and the known_hosts line, as text. */
    private String sshSecret(String name, String identity, String knownHosts) {
        return """
                apiVersion: mooring.dev/v1alpha1
                kind: Secret
                metadata: {name: %s, namespace: %s}
                stringData:
                  identity: |
                %s
                  known_hosts: |
                %s
                """.formatted(name, ns, identity.indent(4).stripTrailing(), knownHosts.indent(4).stripTrailing());
    }

    private String repository(String name, String url, String extra) {
        return """
                apiVersion: mooring.dev/v1alpha1
                kind: GitRepository
                metadata: {name: %s, namespace: %s}
                spec:
                  url: %s
                %s
                """.formatted(name, ns, url, extra.indent(2));
    }

    /** The audit log's lines about one resource of the namespace written by Git syncs, newest first. */
    private List<Map<String, Object>> gitAudit(String name) {
        return RestAssured.given().queryParam("namespace", ns).queryParam("user", "system:git").queryParam("name", name)
                .get(Api.BASE + "/audit").then().statusCode(200).extract().jsonPath().getList("items");
    }

    private void createRepository(String name, String url, String extra) {
        Response r = Api.givenYaml().body(repository(name, url, extra)).post(Api.BASE + "/namespaces/" + ns + "/gitrepositories");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    }

    private JsonPath status(String name) {
        return Api.get(ns, "gitrepositories", name).jsonPath();
    }

    private JsonPath awaitSynced(String name, String commit) {
        return Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).until(() -> status(name),
                j -> commit.equals(j.getString("status.lastSyncedCommit")));
    }

    private void putRepository(String name, String extra) {
        Response put = Api.givenYaml().body(repository(name, git.url(), extra)).put(Api.BASE + "/namespaces/" + ns + "/gitrepositories/" + name);
        assertThat(put.statusCode()).as(put.asString()).isEqualTo(200);
    }

    /** The repository after the sync (or look) of its current spec. */
    private JsonPath awaitLooked(String name) {
        return Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).until(() -> status(name),
                j -> j.get("status.observedGeneration") != null && j.getLong("status.observedGeneration") == j.getLong("metadata.generation"));
    }

    private List<String> containerIds(String app) {
        return DockerCli.appContainers(ns, app).stream().map(DockerCli.Ctr::id).toList();
    }

    /** Waits until every replica is a new, running container whose env holds {@code env}. */
    private void awaitContainersWith(String app, List<String> oldIds, String env) {
        Awaitility.await().atMost(CONVERGE).ignoreExceptions().untilAsserted(() -> {
            var ctrs = DockerCli.appContainers(ns, app);
            assertThat(ctrs).hasSize(oldIds.size()).allSatisfy(ctr -> {
                assertThat(oldIds).doesNotContain(ctr.id());
                assertThat(ctr.running()).isTrue();
                assertThat(DockerCli.inspect(ctr.id(), "{{json .Config.Env}}")).contains("\"" + env + "\"");
            });
        });
    }

    private JsonPath awaitAttempted(String name, String commit) {
        return Awaitility.await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).until(() -> status(name),
                j -> commit.equals(j.getString("status.lastAttemptedCommit")));
    }

    /**
     * Repository "site" (interval 1h, webhook secret {@link #HOOK_SECRET}) holding App "a" with
     * V=1, synced; returns that first commit.
     */
    private String webhookRepositorySynced() {
        Api.applyOk("""
                apiVersion: mooring.dev/v1alpha1
                kind: Secret
                metadata: {name: hook, namespace: %s}
                stringData: {secret: "%s"}
                """.formatted(ns, HOOK_SECRET));
        String a = git.commit("v1", Map.of("a.yaml", app("a", 0, DockerCli.IMAGE, "env: [{name: V, value: '1'}]")));
        createRepository("site", git.url(), "interval: 1h\nwebhook: {secretRef: {name: hook, key: secret}}");
        awaitSynced("site", a);
        return a;
    }

    /** GitHub's X-Hub-Signature-256 of a body with {@link #HOOK_SECRET}. */
    private static String githubSignature(byte[] body) {
        return "sha256=" + WebhookSignature.sign(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), body);
    }

    private String webhook(String name) {
        return Api.BASE + "/namespaces/" + ns + "/gitrepositories/" + name + "/webhook";
    }

    private Response github(String name, byte[] body, String signature) {
        return Api.anonymous().contentType("application/json").header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", signature).body(body).post(webhook(name));
    }

    private static byte[] pushPayload(String ref, String after) {
        return ("{\"ref\":\"" + ref + "\",\"after\":\"" + after + "\",\"repository\":{\"full_name\":\"team/site\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
