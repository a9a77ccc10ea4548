package dev.mooring.api;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What /apply and Git make of a body: YAML 1.2 values, empty documents, kind: List, and the strictness kept. */
class ResourceParserTest {
    static final String APP = """
            apiVersion: mooring.dev/v1alpha1
            kind: App
            metadata: {name: %s}
            spec:
              image: busybox:1
            %s
            """;
    static final String NETWORK = "apiVersion: mooring.dev/v1alpha1\nkind: Network\nmetadata: {name: net}\nspec: {}\n";

    private static String app(String name, String spec) {
        return APP.formatted(name, spec.indent(2));
    }

    private static List<MooringResource<?, ?>> parse(String yaml) {
        return ResourceParser.parse(yaml, true, "shop");
    }

    private static ApiException refused(String body, boolean yaml) {
        return (ApiException) org.assertj.core.api.Assertions.catchThrowable(() -> ResourceParser.parse(body, yaml, "shop"));
    }

    private static List<String> fields(ApiException e) {
        return e.errors.stream().map(ApiException.FieldError::field).toList();
    }

    @Test
    void valuesYaml11WouldHaveTypedArriveAsWritten() {
        App app = (App) parse(app("web", """
                env:
                  - {name: DEBUG, value: yes}
                  - {name: RESTART, value: no}
                  - {name: SINCE, value: 2024-01-02}
                  - {name: AT, value: 22:22}
                labels: {enabled: on, release: 2024-01-02}
                """)).get(0);
        assertThat(app.getSpec().env).extracting(e -> e.name + "=" + e.value)
                .containsExactly("DEBUG=yes", "RESTART=no", "SINCE=2024-01-02", "AT=22:22");
        assertThat(app.getSpec().labels).isEqualTo(Map.of("enabled", "on", "release", "2024-01-02"));
    }

    @Test
    void aFileModeWithALeadingZeroIsOctalAsKubectlReadsIt() {
        App app = (App) parse(app("web", "secrets: [{secret: s, mode: 0440}, {secret: t, mode: 0o640}, {secret: u, mode: \"0600\"}]")).get(0);
        assertThat(app.getSpec().secrets).extracting(f -> Integer.toOctalString(f.modeBits())).containsExactly("440", "640", "600");
    }

    @Test
    void emptyDocumentsAreSkippedAsHelmTemplateWritesThem() {
        assertThat(parse(app("web", "") + "---\n")).extracting(MooringResource::name).containsExactly("web");
        assertThat(parse("---\n" + app("web", "") + "---\n---\n# a comment\n---\n" + NETWORK + "---\n"))
                .extracting(MooringResource::name).containsExactly("web", "net");
        ApiException none = refused("---\n---\n", true);
        assertThat(none.status).isEqualTo(400);
        assertThat(none.getMessage()).isEqualTo("the request holds no resource");
    }

    @Test
    void aKindListIsReadAsItsItemsAsKubectlDoes() {
        assertThat(parse("""
                apiVersion: v1
                kind: List
                items:
                - apiVersion: mooring.dev/v1alpha1
                  kind: App
                  metadata: {name: web}
                  spec: {image: "busybox:1"}
                - apiVersion: mooring.dev/v1alpha1
                  kind: Network
                  metadata: {name: net}
                  spec: {}
                """)).extracting(r -> r.getKind() + "/" + r.name()).containsExactly("App/web", "Network/net");
        String json = "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"apiVersion\": \"mooring.dev/v1alpha1\", \"kind\": \"Network\","
                + " \"metadata\": {\"name\": \"net\"}, \"spec\": {}}]}";
        assertThat(ResourceParser.parse(json, false, "shop")).extracting(MooringResource::name).containsExactly("net");
        ApiException notAList = refused("apiVersion: v1\nkind: List\nitems: {a: b}\n", true);
        assertThat(notAList.status).isEqualTo(422);
        assertThat(fields(notAList)).containsExactly("items");
    }

    @Test
    void numbersStayStrictAndUnknownFieldsRefusedNamingTheField() {
        ApiException quoted = refused(app("web", "replicas: \"3\""), true);
        assertThat(quoted.status).isEqualTo(422);
        assertThat(fields(quoted)).containsExactly("spec.replicas");
        assertThat(quoted.getMessage()).contains("an integer");
        assertThat(fields(refused(app("web", "ports: [{containerPort: \"80\"}]"), true))).containsExactly("spec.ports[0].containerPort");
        assertThat(fields(refused(app("web", "ports: [{containerPort: 80.5}]"), true))).containsExactly("spec.ports[0].containerPort");
        ApiException unknown = refused(app("web", "imagee: typo"), true);
        assertThat(fields(unknown)).containsExactly("spec.imagee");
        assertThat(unknown.getMessage()).contains("unknown field");
        assertThat(fields(refused(app("web", "replicas: !!str 3"), true))).containsExactly("spec.replicas");
    }

    @Test
    void anchorsAndMergeKeysWorkWithinTheLimits() {
        App app = (App) parse("""
                apiVersion: mooring.dev/v1alpha1
                kind: App
                metadata: {name: web, labels: &team {team: shop, tier: web}}
                spec:
                  image: busybox:1
                  labels: {<<: *team, tier: front}
                """).get(0);
        assertThat(app.getSpec().labels).isEqualTo(Map.of("team", "shop", "tier", "front"));
        assertThat(app.getMetadata().getLabels()).isEqualTo(Map.of("team", "shop", "tier", "web"));
    }

    @Test
    void anAliasBombIsA400NamingTheLimit() {
        StringBuilder labels = new StringBuilder("labels:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        String previous = "a";
        for (int level = 0; level < 8; level++) {
            labels.append("  l").append(level).append(": &l").append(level).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*" + previous))).append("]\n");
            previous = "l" + level;
        }
        ApiException bomb = refused(app("lol", labels.toString()), true);
        assertThat(bomb.status).isEqualTo(400);
        assertThat(bomb.getMessage()).startsWith("the document expands to more than 100000 values through YAML aliases");
    }

    @Test
    void anOversizedValueIsNamedInJsonAndYamlAlike() {
        String longValue = "x".repeat(Limits.MAX_STRING + 1);
        assertThat(fields(refused(app("web", "env: [{name: A, value: " + longValue + "}]"), true))).containsExactly("spec.env[0].value");
        String json = "{\"apiVersion\": \"mooring.dev/v1alpha1\", \"kind\": \"App\", \"metadata\": {\"name\": \"web\"},"
                + " \"spec\": {\"image\": \"busybox:1\", \"labels\": {\"a\": \"" + longValue + "\"}}}";
        assertThat(fields(refused(json, false))).containsExactly("spec.labels.a");
    }

    @Test
    void malformedInputIsA400WithTheLine() {
        assertThatThrownBy(() -> ResourceParser.parse("a: [1,\n", true, "shop")).isInstanceOf(ApiException.class)
                .hasMessageStartingWith("malformed YAML: ").hasMessageContaining("line 2");
        assertThatThrownBy(() -> ResourceParser.parse("{\"a\": ", false, "shop")).isInstanceOf(ApiException.class)
                .hasMessageStartingWith("malformed JSON: ").hasMessageContaining("line 1");
    }
}
