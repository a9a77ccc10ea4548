package dev.mooring.source.git;

import dev.mooring.testing.Api;
import dev.mooring.testing.GitFixture;
import dev.mooring.testing.GitHttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GitRepository URLs a hostile namespace admin tried (issue 10, finding 2), under the default
 * settings (no local path, no host allowed): another namespace's checkout in Mooring's data
 * directory, at any level and through a symlink; a local repository below privileged; a service
 * on 127.0.0.1. Each is a 422 naming spec.url, and nothing is stored.
 */
@QuarkusTest
@TestProfile(GitUrlRefusalTest.Defaults.class)
class GitUrlRefusalTest {
    static final String VICTIM = Api.uniqueNamespace("gitvictim");
    static final String PRIVILEGED = Api.uniqueNamespace("gitpriv");
    static final Duration CONVERGE = Duration.ofSeconds(60);

    /** The shipped defaults of mooring.git.* (the test profile allows tmp and 127.0.0.1), and two privileged namespaces. */
    public static class Defaults implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mooring.git.allowed-local-paths", "", "mooring.git.allowed-hosts", "",
                    "mooring.admission.namespaces." + VICTIM, "privileged", "mooring.admission.namespaces." + PRIVILEGED, "privileged");
        }
    }

    final List<AutoCloseable> closing = new ArrayList<>();
    final List<String[]> repositories = new ArrayList<>();

    @AfterEach
    void clean() throws Exception {
        for (String[] r : repositories) {
            Api.delete(r[0], "gitrepositories", r[1]);
            Api.awaitGone(r[0], "gitrepositories", r[1], CONVERGE);
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void anotherNamespacesCheckoutInTheDataDirIsRefusedAtEveryLevelAndItsSecretNeverArrives() throws Exception {
        GitFixture git = GitFixture.create();
        closing.add(git);
        git.commit("v1", Map.of("secret.yaml", """
                apiVersion: mooring.dev/v1alpha1
                kind: Secret
                metadata: {name: db}
                stringData: {password: victims-password}
                """));
        assertThat(create(Api.givenYaml(), VICTIM, "site", git.url()).statusCode()).isEqualTo(201);
        repositories.add(new String[]{VICTIM, "site"});
        JsonPath synced = Awaitility.await().atMost(CONVERGE).until(() -> Api.get(VICTIM, "gitrepositories", "site").jsonPath(),
                j -> j.getString("status.lastSyncedCommit") != null);
        Path checkout = Path.of(synced.getString("status.checkout"));
        Path mirror = checkout.resolveSibling("repo.git");
        assertThat(mirror.resolve("HEAD")).exists();
        assertThat(Api.get(VICTIM, "secrets", "db").statusCode()).isEqualTo(200);

        Path tmp = Files.createTempDirectory("mooring-attacker");
        Path link = Files.createSymbolicLink(tmp.resolve("repo.git"), mirror);
        String attackerNs = Api.uniqueNamespace("gitattacker");
        for (String ns : List.of(attackerNs, PRIVILEGED)) {
            String admin = Api.token("ns-admin-" + System.nanoTime(), Map.of(ns, "admin"));
            for (String url : List.of(mirror.toString(), mirror.toUri().toString(), checkout.toString(), link.toString(), "file://" + link)) {
                Response r = create(Api.as(admin), ns, "steal", url);
                assertThat(r.statusCode()).as(ns + " " + url + ": " + r.asString()).isEqualTo(422);
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(r.jsonPath().getList("errors.field", String.class)).containsExactly("spec.url");
                assertThat(r.jsonPath().getString("detail")).as(url).isEqualTo("spec.url: \"" + url + "\" is inside Mooring's data directory"
                        + " (mooring.data-dir: its database, key and every namespace's checkouts), which no GitRepository may read");
                // the same through apply, the path every other source takes too
                Response applied = Api.apply(repository(ns, "steal", url));
                assertThat(applied.statusCode()).as(applied.asString()).isEqualTo(422);
            }
            assertThat(Api.get(ns, "gitrepositories", "steal").statusCode()).isEqualTo(404);
            assertThat(Api.get(ns, "secrets", "db").statusCode()).isEqualTo(404);
        }
        Files.delete(link);
        Files.delete(tmp);
    }

    @Test
    void aLocalRepositoryIsRefusedBelowPrivilegedAndReadInAPrivilegedNamespace() {
        GitFixture git = GitFixture.create();
        closing.add(git);
        String commit = git.commit("v1", Map.of("s.yaml", "apiVersion: mooring.dev/v1alpha1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n"));
        String ns = Api.uniqueNamespace("gitlocal");
        for (String url : List.of(git.url(), git.bareDir().toString())) {
            Response r = create(Api.givenYaml(), ns, "local", url);
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
            assertThat(r.jsonPath().getList("errors.field", String.class)).containsExactly("spec.url");
            assertThat(r.jsonPath().getString("detail")).isEqualTo("spec.url: local repositories (" + url + ") may be read only in a privileged"
                    + " namespace, or under mooring.git.allowed-local-paths (none are allowed); this namespace is baseline");
        }
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/gitrepositories").jsonPath().getList("items")).isEmpty();

        Response privileged = create(Api.givenYaml(), PRIVILEGED, "local", git.url());
        assertThat(privileged.statusCode()).as(privileged.asString()).isEqualTo(201);
        repositories.add(new String[]{PRIVILEGED, "local"});
        Awaitility.await().atMost(CONVERGE).until(() -> Api.get(PRIVILEGED, "gitrepositories", "local").jsonPath().getString("status.lastSyncedCommit"),
                commit::equals);
        assertThat(Api.get(PRIVILEGED, "secrets", "s").statusCode()).isEqualTo(200);
    }

    @Test
    void aServiceOnLoopbackIsRefusedWithoutTheAllowListAtEveryLevel() throws Exception {
        GitFixture git = GitFixture.create();
        closing.add(git);
        git.commit("v1", Map.of("s.yaml", "apiVersion: mooring.dev/v1alpha1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n"));
        GitHttpServer http = new GitHttpServer(git.bareDir(), "u", "p");
        closing.add(http);
        String port = http.url().replaceAll("^http://127\\.0\\.0\\.1:(\\d+)/.*$", "$1");
        for (String ns : List.of(Api.uniqueNamespace("gitssrf"), PRIVILEGED)) {
            for (String url : List.of(http.url(), "http://localhost:" + port + "/repo.git")) {
                Response r = create(Api.givenYaml(), ns, "ssrf", url);
                assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
                assertThat(r.jsonPath().getList("errors.field", String.class)).containsExactly("spec.url");
                assertThat(r.jsonPath().getString("detail")).startsWith("spec.url: host " + (url.contains("localhost") ? "localhost resolves to 127.0.0.1," : "127.0.0.1 is") + " a loopback address")
                        .endsWith("mooring.git.allowed-hosts=" + (url.contains("localhost") ? "localhost" : "127.0.0.1") + ":" + port + ")");
            }
            assertThat(Api.get(ns, "gitrepositories", "ssrf").statusCode()).isEqualTo(404);
        }
    }

    private static Response create(io.restassured.specification.RequestSpecification as, String ns, String name, String url) {
        return as.contentType("application/yaml").body(repository(ns, name, url)).post(Api.BASE + "/namespaces/" + ns + "/gitrepositories");
    }

    private static String repository(String ns, String name, String url) {
        return """
                apiVersion: mooring.dev/v1alpha1
                kind: GitRepository
                metadata: {name: %s, namespace: %s}
                spec: {url: "%s", interval: 1s, prune: true}
                """.formatted(name, ns, url);
    }
}
