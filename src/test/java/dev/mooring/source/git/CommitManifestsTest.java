package dev.mooring.source.git;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Which files of a checkout are manifests, and how their errors are placed. */
class CommitManifestsTest {
    private static Path checkout(String... pathsAndTexts) throws Exception {
        Path dir = Files.createTempDirectory("mooring-manifests");
        for (int i = 0; i < pathsAndTexts.length; i += 2) {
            Path p = dir.resolve(pathsAndTexts[i]);
            Files.createDirectories(p.getParent());
            Files.writeString(p, pathsAndTexts[i + 1]);
        }
        return dir;
    }

    static final String APP = """
            apiVersion: mooring.dev/v1alpha1
            kind: App
            metadata: {name: %s}
            spec: {image: "busybox:1"}
            """;

    @Test
    void readsMooringManifestsUnderThePathAndIgnoresOtherFiles() throws Exception {
        Path dir = checkout(
                "deploy/web.yaml", APP.formatted("web"),
                "deploy/more/db.yml", APP.formatted("db") + "---\n" + APP.formatted("cache"),
                "deploy/net.json", "{\"apiVersion\": \"mooring.dev/v1alpha1\", \"kind\": \"Network\", \"metadata\": {\"name\": \"n\"}, \"spec\": {}}",
                "deploy/k8s.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n",
                "deploy/README.md", "apiVersion: mooring.dev/v1alpha1",
                "elsewhere/app.yaml", APP.formatted("outside"));
        CommitManifests.Loaded l = CommitManifests.load(dir, "deploy", "shop");
        assertThat(l.errors()).isEmpty();
        assertThat(l.resources()).extracting(CommitManifests::id).containsExactly("App/db", "App/cache", "Network/n", "App/web");
        assertThat(l.resources()).allSatisfy(r -> assertThat(r.namespace()).isEqualTo("shop"));
        assertThat(l.fileOf()).containsEntry("App/cache", "deploy/more/db.yml");
    }

    @Test
    void errorsNameTheFileTheResourceAndTheField() throws Exception {
        Path dir = checkout(
                "a.yaml", APP.formatted("web"),
                "b.yaml", APP.formatted("web"),
                "c.yaml", APP.formatted("bad").replace("busybox:1", "UPPER CASE"),
                "d.yaml", "apiVersion: mooring.dev/v1alpha1\nkind: App\nmetadata: {name: x, namespace: other}\nspec: {image: busybox}\n",
                "e.yaml", "apiVersion: mooring.dev/v1alpha1\nkind: App\nmetadata: {name: [\n");
        CommitManifests.Loaded l = CommitManifests.load(dir, "", "shop");
        assertThat(l.errors()).extracting(e -> e.file + " " + e.field).containsExactly(
                "b.yaml metadata.name", "c.yaml spec.image", "d.yaml metadata.namespace", "e.yaml null");
        assertThat(l.errors().get(0).message).contains("a.yaml").contains("b.yaml");
        assertThat(l.errors().get(3).message).contains("malformed YAML");
    }

    @Test
    void aMissingPathIsAnErrorOnSpecPath() throws Exception {
        CommitManifests.Loaded l = CommitManifests.load(checkout("a.yaml", APP.formatted("web")), "nope", "shop");
        assertThat(l.errors()).singleElement().satisfies(e -> assertThat(e.field).isEqualTo("spec.path"));
    }

    /** What {@code helm template} and kubectl users commit: a trailing {@code ---}, empty documents, a {@code kind: List}. */
    @Test
    void emptyDocumentsAreSkippedAndAKindListIsReadAsItsItems() throws Exception {
        Path dir = checkout(
                "rendered.yaml", "---\n# Source: chart/templates/web.yaml\n" + APP.formatted("web") + "---\n---\n",
                "list.yaml", """
                        apiVersion: v1
                        kind: List
                        items:
                          - apiVersion: mooring.dev/v1alpha1
                            kind: App
                            metadata: {name: db}
                            spec: {image: "busybox:1", env: [{name: DEBUG, value: yes}, {name: SINCE, value: 2024-01-02}]}
                        """);
        CommitManifests.Loaded l = CommitManifests.load(dir, "", "shop");
        assertThat(l.errors()).isEmpty();
        assertThat(l.resources()).extracting(CommitManifests::id).containsExactly("App/db", "App/web");
        assertThat(((dev.mooring.api.App) l.resources().get(0)).getSpec().env).extracting(e -> e.value).containsExactly("yes", "2024-01-02");
    }
}
