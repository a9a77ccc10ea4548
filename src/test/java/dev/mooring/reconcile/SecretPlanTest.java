package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.ResourceCodec;
import dev.mooring.docker.ContainerSpec;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.ObservedContainer;
import dev.mooring.docker.SecretMaterial;
import dev.mooring.store.SecretUnavailableException;
import io.fabric8.kubernetes.api.model.IntOrString;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static dev.mooring.reconcile.AppPlannerTest.app;
import static dev.mooring.reconcile.AppPlannerTest.container;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Secrets in the plan: containers carry references with digests, never values; the digests are in
 * the config hash; only the executor resolves values, and a container with Secret files that was
 * created but never started is made again instead of started.
 */
class SecretPlanTest {
    static final String VALUE = "hunter2-value";
    static final String DIGEST = "sha256:" + "ab".repeat(32);
    static final Map<String, Map<String, String>> DIGESTS = Map.of(
            "db", Map.of("password", DIGEST),
            "api", Map.of("token", "sha256:" + "cd".repeat(32)));

    static App withSecrets(Consumer<AppSpec> more) {
        return app("web", s -> {
            s.user = "1000:2000";
            AppSpec.SecretFile f = new AppSpec.SecretFile();
            f.secret = "db";
            s.secrets = List.of(f);
            AppSpec.EnvVar e = new AppSpec.EnvVar("TOKEN", null);
            e.valueFrom = new AppSpec.EnvVarSource();
            e.valueFrom.secretKeyRef = new AppSpec.SecretKeySelector();
            e.valueFrom.secretKeyRef.name = "api";
            e.valueFrom.secretKeyRef.key = "token";
            s.env = List.of(new AppSpec.EnvVar("PLAIN", "x"), e);
            more.accept(s);
        });
    }

    static String hash(Consumer<AppSpec> more, Map<String, Map<String, String>> digests) {
        return DesiredApp.of(withSecrets(more), digests).configHash();
    }

    @Test
    void containersCarryReferencesWithDigestsAndDefaultsNeverValues() {
        DesiredApp desired = DesiredApp.of(withSecrets(s -> { }), DIGESTS);
        Plan plan = AppPlanner.plan(desired, List.of());
        ContainerSpec spec = ((Operation.CreateContainer) plan.operations().get(0)).spec();

        assertThat(spec.secretFiles()).containsExactly(
                new ContainerSpec.SecretFile("db", "password", DIGEST, "/run/secrets/db", 0400, 1000, 2000));
        assertThat(spec.secretEnv()).containsExactly(new ContainerSpec.SecretEnv("TOKEN", "api", "token", "sha256:" + "cd".repeat(32)));
        assertThat(spec.env()).containsExactly("PLAIN=x");
        assertThat(plan.toString()).isEqualTo("""
                [1] CreateContainer default-web-1: missing replica 1
                [2] StartContainer default-web-1: new replica 1""");
    }

    @Test
    void theDigestsAreInTheConfigHashAndNothingElseOfTheSecrets() {
        String base = hash(s -> { }, DIGESTS);
        assertThat(hash(s -> { }, Map.of("db", Map.of("password", "sha256:" + "ee".repeat(32)), "api", DIGESTS.get("api"))))
                .as("a new value of a Secret the App uses").isNotEqualTo(base);
        assertThat(hash(s -> { }, Map.of("db", DIGESTS.get("db"), "api", DIGESTS.get("api"), "unrelated", Map.of("k", DIGEST))))
                .as("another Secret").isEqualTo(base);
        assertThat(hash(s -> s.secrets.get(0).mode = new IntOrString("0440"), DIGESTS)).as("mode").isNotEqualTo(base);
        assertThat(hash(s -> s.secrets.get(0).target = "/etc/db", DIGESTS)).as("target").isNotEqualTo(base);
        assertThat(hash(s -> s.secrets.get(0).uid = 7, DIGESTS)).as("owner").isNotEqualTo(base);
        assertThat(hash(s -> s.secrets.get(0).mode = new IntOrString(0400), DIGESTS)).as("the default mode, spelled out").isEqualTo(base);
        assertThat(hash(s -> s.secrets.get(0).mode = new IntOrString("400"), DIGESTS)).as("the same mode as a string").isEqualTo(base);

        DesiredApp desired = DesiredApp.of(withSecrets(s -> { }), DIGESTS);
        String hashed = ResourceCodec.toJson(desired.template());
        assertThat(hashed).contains(DIGEST).doesNotContain(VALUE);
    }

    @Test
    void anAppWithoutSecretsKeepsTheHashItHadBeforeSecretsExisted() {
        // ConfigHashTest's base spec, hashed by the code before Secrets: an upgrade must not replace containers
        String before = "d450c161df1b8fbd7e8aa6acd523c18933fd5421a9baa7e2775309378109f9a2";
        String now = DesiredApp.of(app("web", s -> {
            s.image = "nginx:1.27";
            s.command = List.of("nginx", "-g", "daemon off;");
            s.env = List.of(new AppSpec.EnvVar("A", "1"), new AppSpec.EnvVar("B", "2"));
            s.ports = List.of(AppPlannerTest.port(80, 8080));
            s.networks = List.of(AppPlannerTest.network("backend"));
            AppSpec.VolumeMount m = new AppSpec.VolumeMount();
            m.volume = "data";
            m.mountPath = "/data";
            s.volumes = List.of(m);
            s.healthcheck = new AppSpec.Healthcheck();
            s.healthcheck.test = List.of("CMD", "true");
            s.healthcheck.interval = "10s";
            s.labels = Map.of("team", "blue");
        })).configHash();
        assertThat(now).isEqualTo(before);
    }

    @Test
    void aCreatedButNeverStartedContainerWithSecretFilesIsMadeAgainNotStarted() {
        DesiredApp desired = DesiredApp.of(withSecrets(s -> { }), DIGESTS);
        List<ObservedContainer> observed = List.of(container(desired, "default-web-1", 1, "created"));

        assertThat(AppPlanner.plan(desired, observed).toString()).isEqualTo("""
                [1] RemoveContainer default-web-1: created but never started; its secret files may be missing
                [2] CreateContainer default-web-1: missing replica 1
                [3] StartContainer default-web-1: new replica 1""");
        // without files there is nothing to miss: it is started; while Stopped it stays as it is
        DesiredApp envOnly = DesiredApp.of(withSecrets(s -> s.secrets = null), DIGESTS);
        assertThat(AppPlanner.plan(envOnly, List.of(container(envOnly, "default-web-1", 1, "created"))).toString())
                .isEqualTo("[1] StartContainer default-web-1: container is created, should run");
        DesiredApp stopped = DesiredApp.of(withSecrets(s -> s.desiredState = "Stopped"), DIGESTS);
        assertThat(AppPlanner.plan(stopped, List.of(container(stopped, "default-web-1", 1, "created"))).isEmpty()).isTrue();
    }

    @Test
    void theExecutorResolvesValuesOnlyForTheContainerItCreatesAndChecksEnvironmentText() {
        DesiredApp desired = DesiredApp.of(withSecrets(s -> { }), DIGESTS);
        ContainerSpec spec = desired.container("default-web-1", 1);
        List<String> asked = new ArrayList<>();
        SecretMaterial m = PlanExecutor.resolve(spec, (secret, key, digest) -> {
            asked.add(secret + "/" + key + "@" + digest.substring(0, 9));
            return (secret.equals("db") ? VALUE + "\n" : "tok").getBytes(StandardCharsets.UTF_8);
        });

        assertThat(asked).containsExactly("api/token@sha256:cd", "db/password@sha256:ab");
        assertThat(m.env()).containsExactly("TOKEN=tok");
        assertThat(new String(m.files().get(0).content(), StandardCharsets.UTF_8)).isEqualTo(VALUE + "\n");
        assertThat(m.toString()).contains("TOKEN", "/run/secrets/db").doesNotContain(VALUE).doesNotContain("tok]");
        m.wipe();
        assertThat(m.files().get(0).content()).containsOnly(0);

        assertThatThrownBy(() -> PlanExecutor.resolve(spec, (secret, key, digest) -> new byte[]{'a', (byte) 0xff}))
                .isInstanceOf(SecretUnavailableException.class).hasMessageContaining("Secret api key token is not UTF-8 text")
                .hasMessageContaining("TOKEN");
        // an executor without Secrets refuses instead of creating a container without them
        Plan plan = AppPlanner.plan(desired, List.of());
        assertThatThrownBy(() -> PlanExecutor.execute((DockerEngine) null, plan, op -> { })).isInstanceOf(IllegalStateException.class);
    }
}
