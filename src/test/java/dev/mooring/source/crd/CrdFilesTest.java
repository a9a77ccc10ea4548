package dev.mooring.source.crd;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed CRDs are the generated ones: fabric8's CRD generator writes every CustomResource
 * of {@code dev.mooring.api} to {@code target/crds} in process-classes (see pom.xml); this test
 * fails the build when {@code crds/} or the chart's copy differ, and names the command that
 * regenerates them. Secret is left out on purpose (README, "Operator mode").
 */
class CrdFilesTest {
    static final String REGENERATE = "bash scripts/update-crds.sh";

    @Test
    void committedCrdsEqualTheGeneratedOnes() throws IOException {
        Map<String, String> generated = files(Path.of("target", "crds"));
        generated.keySet().removeIf(CrdFilesTest::notOffered);
        assertThat(generated).as("CRDs generated into target/crds (run mvn process-classes)").isNotEmpty();
        for (Path dir : new Path[]{Path.of("crds"), Path.of("helm", "mooring", "crds")}) {
            Map<String, String> committed = files(dir);
            assertThat(committed.keySet()).as("CRD files in %s/ differ from the generated ones; run `%s` and commit %s/", dir, REGENERATE, dir)
                    .containsExactlyElementsOf(generated.keySet());
            committed.forEach((name, text) -> assertThat(text)
                    .as("%s/%s differs from the one generated from dev.mooring.api; run `%s` and commit it", dir, name, REGENERATE)
                    .isEqualTo(generated.get(name)));
        }
    }

    @Test
    void eachCrdHasStatusSubresourcePrinterColumnsAndShortNames() throws IOException {
        for (Map.Entry<String, String> f : files(Path.of("crds")).entrySet()) {
            CustomResourceDefinition crd = Serialization.unmarshal(f.getValue(), CustomResourceDefinition.class);
            assertThat(crd.getSpec().getGroup()).isEqualTo("mooring.dev");
            assertThat(crd.getSpec().getNames().getShortNames()).as("short names of %s", f.getKey()).isNotEmpty();
            var version = crd.getSpec().getVersions().get(0);
            assertThat(version.getSubresources().getStatus()).as("status subresource of %s", f.getKey()).isNotNull();
            assertThat(version.getAdditionalPrinterColumns()).extracting("name").as("printer columns of %s", f.getKey()).contains("Age");
        }
        CustomResourceDefinition app = Serialization.unmarshal(Files.readString(Path.of("crds", "apps.mooring.dev-v1.yml")), CustomResourceDefinition.class);
        assertThat(app.getSpec().getVersions().get(0).getAdditionalPrinterColumns()).extracting("jsonPath")
                .contains(".status.readyReplicas", ".spec.image", ".spec.replicas");
        var spec = app.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        // image is not required: an App may have build instead (Validation says which one is missing)
        assertThat(spec.getRequired()).doesNotContain("image");
        assertThat(spec.getProperties().get("replicas").getMinimum()).isEqualTo(0.0);
        assertThat(spec.getProperties().get("restartPolicy").getPattern()).isEqualTo("^(no|always|unless-stopped|on-failure)$");
    }

    static boolean notOffered(String file) {
        return file.startsWith("secrets.");
    }

    private static Map<String, String> files(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yml")).toList()) {
                out.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return out;
    }
}
