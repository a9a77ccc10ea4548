package dev.mooring.source.crd;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Helm chart (helm/mooring) through helm-java, which carries the Helm binary: it lints, it
 * renders with its default values and with a PostgreSQL, two-replica, TLS-engine set of values
 * (src/test/resources/helm), every rendered document is a Kubernetes object fabric8 can read, and
 * the chart's CRDs are byte for byte those in crds/.
 */
class HelmChartTest {
    static final Path CHART = Path.of("helm", "mooring");

    @Test
    void lints() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as("helm lint: %s", lint.getMessages()).isFalse();
    }

    @Test
    void rendersWithDefaultValuesAsKubernetesObjects() {
        List<HasMetadata> objects = render(new Helm(CHART).template().withName("mooring").withNamespace("mooring-system").call());
        assertThat(objects).extracting(HasMetadata::getKind).containsExactlyInAnyOrder(
                "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Service", "ConfigMap", "Secret",
                "PersistentVolumeClaim", "Deployment");
        Deployment d = one(objects, Deployment.class);
        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        var c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        String props = one(objects, ConfigMap.class).getData().get("application.properties");
        assertThat(props).contains("mooring.crd.enabled=true", "mooring.leader-election.mode=kubernetes",
                "mooring.store.kind=h2", "mooring.engines.local.host=tcp://docker-engine:2375");

        // Its own custom resources (with status and finalizers), leases and events: nothing more.
        ClusterRole role = one(objects, ClusterRole.class);
        Map<String, List<String>> resources = role.getRules().stream().collect(Collectors.toMap(
                r -> String.join(",", r.getApiGroups()), PolicyRule::getResources, (a, b) -> { List<String> l = new ArrayList<>(a); l.addAll(b); return l; }));
        assertThat(resources).containsOnlyKeys("mooring.dev", "coordination.k8s.io", "");
        assertThat(resources.get("mooring.dev")).noneMatch(r -> r.startsWith("secrets"));
        // every custom resource the chart installs, with its status and finalizers, and no other
        List<String> plurals = crdPlurals();
        assertThat(plurals).contains("apps", "gitrepositories");
        List<String> expected = plurals.stream().flatMap(p -> Stream.of(p, p + "/status", p + "/finalizers")).toList();
        assertThat(resources.get("mooring.dev")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(resources.get("coordination.k8s.io")).containsExactly("leases");
        assertThat(resources.get("")).containsExactly("events");
        assertThat(role.getRules()).flatExtracting(PolicyRule::getVerbs).doesNotContain("*", "delete");
    }

    @Test
    void rendersWithPostgresqlAndTlsEngines() {
        List<HasMetadata> objects = render(new Helm(CHART).template().withName("mooring").withNamespace("ops")
                .withValuesFile(Path.of("src/test/resources/helm/postgresql-tls-values.yaml")).call());
        assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("PersistentVolumeClaim", "Secret");
        Deployment d = one(objects, Deployment.class);
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        var pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null).extracting(v -> v.getSecret().getSecretName())
                .containsExactlyInAnyOrder("docker-a-tls", "docker-b-tls");
        assertThat(pod.getContainers().get(0).getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("MOORING_STORE_PASSWORD");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("mooring-db");
        });
        String props = one(objects, ConfigMap.class).getData().get("application.properties");
        assertThat(props).contains("mooring.store.kind=postgresql", "mooring.store.jdbc-url=jdbc:postgresql://pg.db.svc:5432/mooring",
                "mooring.engines.build.host=tcp://docker-b.example:2376", "mooring.engines.build.tls-verify=true",
                "mooring.engines.build.cert-path=/etc/mooring/engines/build", "mooring.crd.namespaces=team-a,team-b",
                "mooring.instance=prod", "mooring.admission.default-level=restricted");
    }

    @Test
    void refusesSeveralReplicasOnTheEmbeddedDatabase() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                new Helm(CHART).template().withName("mooring").set("replicas", 2).call()))
                .hasMessageContaining("database.kind=postgresql");
    }

    @Test
    void chartCrdsAreTheOnesInCrds() throws IOException {
        List<String> names;
        try (Stream<Path> s = Files.list(Path.of("crds"))) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        try (Stream<Path> s = Files.list(CHART.resolve("crds"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(names);
        }
        for (String n : names) {
            assertThat(Files.readAllBytes(CHART.resolve("crds").resolve(n))).as("helm/mooring/crds/%s; run `%s`", n, CrdFilesTest.REGENERATE)
                    .isEqualTo(Files.readAllBytes(Path.of("crds", n)));
        }
    }

    /** The plural of each CRD in the chart. */
    private static List<String> crdPlurals() {
        try (Stream<Path> s = Files.list(CHART.resolve("crds"))) {
            return s.sorted().map(p -> {
                try {
                    return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(Files.readString(p),
                            io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class).getSpec().getNames().getPlural();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every document of the output, each read as a Kubernetes object. */
    private static List<HasMetadata> render(String manifest) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : manifest.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            KubernetesResource r = Serialization.unmarshal(doc);
            assertThat(r).as("a Kubernetes object:%n%s", doc).isInstanceOf(HasMetadata.class);
            HasMetadata h = (HasMetadata) r;
            assertThat(h.getMetadata().getName()).as("name of%n%s", doc).isNotBlank();
            out.add(h);
        }
        return out;
    }

    private static <T> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as("%s objects", type.getSimpleName()).hasSize(1);
        return found.get(0);
    }
}
