package dev.mooring.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.docker.ObservedContainer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import static dev.mooring.reconcile.AppPlannerTest.port;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plan preview of an App is pure: desired and observed state built by hand, the recorded
 * templates a map; each test asserts the plan's whole text (changes, causes, diffs), as the
 * planner tests do.
 */
class AppPreviewTest {
    static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

    @Test
    void anEnvChangeOnThreeReplicasRecreatesEachInTurnWithTheEnvDiff() {
        DesiredApp before = desired(s -> {
            s.replicas = 3;
            s.env = List.of(new AppSpec.EnvVar("FOO", "1"), new AppSpec.EnvVar("BAR", "same"));
        });
        DesiredApp after = desired(s -> {
            s.replicas = 3;
            s.env = List.of(new AppSpec.EnvVar("FOO", "2"), new AppSpec.EnvVar("BAR", "same"));
        });

        ResourcePlan plan = preview(after, running(before, 3), recorded(before));

        assertThat(plan.describe()).isEqualTo("""
                App default/web: recreate
                [1] recreate default-web-1 (recreate): replaces default-web-1: config hash changed (%1$s -> %2$s)
                    env.FOO: "1" -> "2"
                [2] recreate default-web-2 (recreate): replaces default-web-2: config hash changed (%1$s -> %2$s); waits for default-web-1 to be ready for 5s (update.monitor)
                    env.FOO: "1" -> "2"
                [3] recreate default-web-3 (recreate): replaces default-web-3: config hash changed (%1$s -> %2$s); waits for default-web-2 to be ready for 5s (update.monitor)
                    env.FOO: "1" -> "2\"""".formatted(ConfigHash.shortForm(before.configHash()), ConfigHash.shortForm(after.configHash())));
        assertThat(plan.changes().get(0).operations()).containsExactly(
                "[1] StopContainer default-web-1: replaced: config hash changed (%s -> %s)".formatted(
                        ConfigHash.shortForm(before.configHash()), ConfigHash.shortForm(after.configHash())),
                "[1] RemoveContainer default-web-1: replaced: config hash changed (%s -> %s)".formatted(
                        ConfigHash.shortForm(before.configHash()), ConfigHash.shortForm(after.configHash())),
                "[1] CreateContainer default-web-1: replaces default-web-1: config hash changed (%s -> %s)".formatted(
                        ConfigHash.shortForm(before.configHash()), ConfigHash.shortForm(after.configHash())),
                "[1] StartContainer default-web-1: replacement of replica 1");
    }

    @Test
    void parallelismAndDelayShowAsBatchesAndWaits() {
        Consumer<AppSpec> base = s -> {
            s.replicas = 4;
            AppSpec.UpdateStrategy u = new AppSpec.UpdateStrategy();
            u.parallelism = 2;
            u.delay = "10s";
            u.monitor = "3s";
            s.update = u;
        };
        DesiredApp before = desired(base.andThen(s -> s.image = "nginx:1.27"));
        DesiredApp after = desired(base.andThen(s -> s.image = "nginx:1.28"));

        ResourcePlan plan = preview(after, running(before, 4), recorded(before));

        assertThat(plan.changes()).extracting(c -> c.step() + " " + c.action() + " " + c.target() + " waits for " + c.waitsFor())
                .containsExactly(
                        "1 recreate default-web-1 waits for null",
                        "1 recreate default-web-2 waits for null",
                        "2 recreate default-web-3 waits for default-web-1, default-web-2 to be ready for 3s (update.monitor), then 10s (update.delay)",
                        "2 recreate default-web-4 waits for default-web-1, default-web-2 to be ready for 3s (update.monitor), then 10s (update.delay)");
        assertThat(plan.changes().get(3).diff()).extracting(Object::toString).containsExactly("image: \"nginx:1.27\" -> \"nginx:1.28\"");
    }

    @Test
    void aLongRolloutIsShownInFull() {
        Consumer<AppSpec> slow = s -> {
            s.replicas = 40;
            AppSpec.UpdateStrategy u = new AppSpec.UpdateStrategy();
            u.monitor = "10m";
            s.update = u;
        };
        DesiredApp before = desired(slow.andThen(s -> s.workingDir = "/a"));
        DesiredApp after = desired(slow.andThen(s -> s.workingDir = "/b"));

        ResourcePlan plan = preview(after, running(before, 40), recorded(before));

        assertThat(plan.changes()).hasSize(40).allMatch(c -> c.action().equals("recreate"));
        assertThat(plan.changes().get(39).step()).isEqualTo(40);
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void scalingUpListsOnlyTheAddedReplicas() {
        DesiredApp two = desired(s -> s.replicas = 2);
        DesiredApp four = desired(s -> s.replicas = 4);

        ResourcePlan plan = preview(four, running(two, 2), recorded(two));

        assertThat(plan.describe()).isEqualTo("""
                App default/web: none
                [1] create default-web-3 (none): missing replica 3
                [1] create default-web-4 (none): missing replica 4""");
        assertThat(plan.changes().get(0).operations()).containsExactly(
                "[1] CreateContainer default-web-3: missing replica 3", "[1] StartContainer default-web-3: new replica 3");
    }

    @Test
    void scalingDownListsOnlyTheRemovedReplicasHighestFirst() {
        DesiredApp four = desired(s -> s.replicas = 4);
        DesiredApp two = desired(s -> s.replicas = 2);

        ResourcePlan plan = preview(two, running(four, 4), recorded(four));

        assertThat(plan.describe()).isEqualTo("""
                App default/web: none
                [1] remove default-web-4 (none): scale down to 2 replicas
                [1] remove default-web-3 (none): scale down to 2 replicas""");
    }

    @Test
    void anUnchangedAppHasNothingToDo() {
        DesiredApp app = desired(s -> s.replicas = 2);
        App relabelled = app(s -> s.replicas = 2);
        relabelled.getMetadata().setLabels(Map.of("tier", "front"));

        ResourcePlan plan = preview(DesiredApp.of(relabelled), running(app, 2), recorded(app));

        assertThat(plan.describe()).isEqualTo("App default/web: none");
        assertThat(plan.classification()).isEqualTo(ResourcePlan.Classification.NONE);
        assertThat(plan.changes()).isEmpty();
    }

    @Test
    void containerLabelsAreInTheConfigurationSoTheirChangeRecreates() {
        DesiredApp before = desired(s -> s.labels = Map.of("team", "blue"));
        DesiredApp after = desired(s -> s.labels = Map.of("team", "green", "tier", "front"));

        ResourcePlan plan = preview(after, running(before, 1), recorded(before));

        assertThat(plan.describe()).isEqualTo("""
                App default/web: recreate
                [1] recreate default-web-1 (recreate): replaces default-web-1: config hash changed (%s -> %s)
                    labels.team: "blue" -> "green"
                    labels.tier: null -> "front\"""".formatted(ConfigHash.shortForm(before.configHash()), ConfigHash.shortForm(after.configHash())));
    }

    @Test
    void stoppingAnAppStopsEachReplicaAndKeepsIt() {
        DesiredApp running = desired(s -> s.replicas = 2);
        DesiredApp stopped = desired(s -> {
            s.replicas = 2;
            s.desiredState = "Stopped";
        });

        ResourcePlan plan = preview(stopped, running(running, 2), recorded(running));

        assertThat(plan.describe()).isEqualTo("""
                App default/web: restart
                [1] stop default-web-1 (restart): desiredState is Stopped
                [1] stop default-web-2 (restart): desiredState is Stopped""");
    }

    @Test
    void anExitedReplicaIsStartedAgain() {
        DesiredApp app = desired(s -> s.replicas = 2);
        List<ObservedContainer> observed = List.of(AppPlannerTest.container(app, "default-web-1", 1, "running"),
                exited(AppPlannerTest.container(app, "default-web-2", 2, "exited"), 1));

        ResourcePlan plan = preview(app, observed, recorded(app));

        assertThat(plan.describe()).isEqualTo("""
                App default/web: restart
                [1] start default-web-2 (restart): container is exited (code 1), should run; restart 1""");
    }

    @Test
    void portsDiffByIndexAndField() {
        DesiredApp before = desired(s -> s.ports = List.of(port(8080, 18080), port(9090, null)));
        DesiredApp after = desired(s -> s.ports = List.of(port(8080, 18081), port(9090, null)));

        ResourcePlan plan = preview(after, running(before, 1), recorded(before));

        assertThat(plan.changes()).hasSize(1);
        assertThat(plan.changes().get(0).diff()).extracting(Object::toString).containsExactly("ports[0].hostPort: 18080 -> 18081");
    }

    @Test
    void aSecretValueChangeShowsWithoutTheValueOrItsDigest() {
        String oldDigest = "sha256:" + "a".repeat(64);
        String newDigest = "sha256:" + "b".repeat(64);
        Consumer<AppSpec> usesSecret = s -> {
            AppSpec.EnvVar e = new AppSpec.EnvVar();
            e.name = "DB_PASSWORD";
            e.valueFrom = new AppSpec.EnvVarSource();
            e.valueFrom.secretKeyRef = new AppSpec.SecretKeySelector();
            e.valueFrom.secretKeyRef.name = "db";
            e.valueFrom.secretKeyRef.key = "password";
            s.env = List.of(e);
        };
        DesiredApp before = DesiredApp.of(app(usesSecret), Map.of("db", Map.of("password", oldDigest)));
        DesiredApp after = DesiredApp.of(app(usesSecret), Map.of("db", Map.of("password", newDigest)));

        ResourcePlan plan = preview(after, running(before, 1), recorded(before));

        assertThat(plan.changes().get(0).diff()).extracting(Object::toString).containsExactly(
                "env.DB_PASSWORD: \"secret db/password (value before)\" -> \"secret db/password (value now)\"");
        assertThat(plan.describe()).as("a digest lets whoever reads the plan check a guess of the value")
                .doesNotContain("aaaaaaaa").doesNotContain("bbbbbbbb");
    }

    @Test
    void aSecretFileChangeShowsWithoutTheDigest() {
        Consumer<AppSpec> usesFile = s -> {
            AppSpec.SecretFile f = new AppSpec.SecretFile();
            f.secret = "tls";
            f.key = "cert";
            s.secrets = List.of(f);
        };
        DesiredApp before = DesiredApp.of(app(usesFile), Map.of("tls", Map.of("cert", "sha256:" + "c".repeat(64))));
        DesiredApp after = DesiredApp.of(app(usesFile), Map.of("tls", Map.of("cert", "sha256:" + "d".repeat(64))));

        ResourcePlan plan = preview(after, running(before, 1), recorded(before));

        assertThat(plan.changes().get(0).diff()).extracting(Object::toString)
                .containsExactly("secretFiles[0].digest: \"(value before)\" -> \"(value now)\"");
    }

    @Test
    void aTagThatNamesAnotherImageRecreatesWithTheImageIdDiff() {
        DesiredApp app = desired(s -> { });
        DesiredApp moved = app.withImage("sha256:new", 2, "sha256:new");

        ResourcePlan plan = preview(moved, running(app, 1), recorded(app));

        assertThat(plan.describe()).isEqualTo("""
                App default/web: recreate
                [1] recreate default-web-1 (recreate): replaces default-web-1: image changed (image -> new)
                    imageId: "sha256:image" -> "sha256:new\"""");
    }

    @Test
    void aContainerFromAnUnrecordedConfigurationShowsItsHashAndSaysSo() {
        DesiredApp before = desired(s -> s.workingDir = "/a");
        DesiredApp after = desired(s -> s.workingDir = "/b");

        ResourcePlan plan = preview(after, running(before, 1), Map.of());

        assertThat(plan.changes().get(0).diff()).extracting(Object::toString).containsExactly(
                "configHash: \"%s\" -> \"%s\"".formatted(ConfigHash.shortForm(before.configHash()), ConfigHash.shortForm(after.configHash())));
        assertThat(plan.notes()).containsExactly("default-web-1 was made from a configuration Mooring has no record of (config hash "
                + ConfigHash.shortForm(before.configHash()) + "): its diff shows the hash only");
    }

    @Test
    void startFirstShowsTheNewReplicaBesideTheOldThenTheSwap() {
        Consumer<AppSpec> startFirst = s -> {
            s.replicas = 2;
            AppSpec.UpdateStrategy u = new AppSpec.UpdateStrategy();
            u.order = "start-first";
            s.update = u;
        };
        DesiredApp before = desired(startFirst.andThen(s -> s.workingDir = "/a"));
        DesiredApp after = desired(startFirst.andThen(s -> s.workingDir = "/b"));

        ResourcePlan plan = preview(after, running(before, 2), recorded(before));

        assertThat(plan.changes()).extracting(ResourcePlan.Change::target).containsExactly("default-web-1", "default-web-2");
        assertThat(plan.changes().get(0).diff()).extracting(Object::toString).containsExactly("workingDir: \"/a\" -> \"/b\"");
        String hashes = "config hash changed (%s -> %s)".formatted(ConfigHash.shortForm(before.configHash()), ConfigHash.shortForm(after.configHash()));
        assertThat(plan.changes().get(0).operations()).containsExactly(
                "[1] CreateContainer default-web-1-next: replaces default-web-1: " + hashes,
                "[1] StartContainer default-web-1-next: start-first: runs beside default-web-1 until ready",
                "[2] StopContainer default-web-1: replaced by default-web-1-next: " + hashes,
                "[2] RemoveContainer default-web-1: replaced by default-web-1-next: " + hashes,
                "[2] RenameContainer default-web-1-next -> default-web-1: replica 1 has a temporary name");
        assertThat(plan.changes().get(1).step()).as("the swap of replica 1 and the next replica share a pass").isEqualTo(2);
        assertThat(plan.changes().get(1).waitsFor()).isEqualTo("default-web-1-next to be ready for 5s (update.monitor)");
    }

    @Test
    void theSimulationDoesNotChangeItsInput() {
        DesiredApp before = desired(s -> s.replicas = 2);
        DesiredApp after = desired(s -> s.replicas = 3);
        List<ObservedContainer> observed = running(before, 2);
        List<ObservedContainer> copy = new ArrayList<>(observed);

        preview(after, observed, recorded(before));

        assertThat(observed).isEqualTo(copy);
    }

    @Test
    void thePlanSerialisesAsDocumented() throws Exception {
        DesiredApp before = desired(s -> s.env = List.of(new AppSpec.EnvVar("FOO", "1")));
        DesiredApp after = desired(s -> s.env = List.of(new AppSpec.EnvVar("FOO", "2")));

        String json = new ObjectMapper().writeValueAsString(preview(after, running(before, 1), recorded(before)));

        assertThat(json).startsWith("{\"kind\":\"App\",\"namespace\":\"default\",\"name\":\"web\",\"classification\":\"recreate\","
                + "\"changes\":[{\"step\":1,\"target\":\"default-web-1\",\"action\":\"recreate\",\"classification\":\"recreate\",\"cause\":")
                .contains("\"diff\":[{\"path\":\"env.FOO\",\"live\":\"1\",\"desired\":\"2\"}],\"operations\":[\"[1] StopContainer default-web-1")
                .endsWith("],\"notes\":[]}");
    }

    // ---- helpers -------------------------------------------------------------------------

    static ResourcePlan preview(DesiredApp target, List<ObservedContainer> observed, Map<String, String> templates) {
        AppPreview.Outcome o = AppPreview.preview(target, RolloutState.of(observed, NOW), h -> Optional.ofNullable(templates.get(h)));
        return ResourcePlan.of("App", "default", "web", o.changes(), null, o.notes());
    }

    /** What the revision store would hold for containers made from {@code made}. */
    static Map<String, String> recorded(DesiredApp made) {
        return Map.of(made.configHash(), ConfigHash.canonicalJson(made.template()));
    }

    static List<ObservedContainer> running(DesiredApp made, int replicas) {
        List<ObservedContainer> out = new ArrayList<>();
        for (int r = 1; r <= replicas; r++) {
            out.add(AppPlannerTest.container(made, "default-web-" + r, r, "running"));
        }
        return out;
    }

    static ObservedContainer exited(ObservedContainer c, int code) {
        return new ObservedContainer(c.id(), c.name(), c.labels(), "exited", "none", c.networks(), c.createdEpochSeconds(), c.imageId(),
                "Exited (" + code + ") 5 seconds ago", c.ports());
    }

    static DesiredApp desired(Consumer<AppSpec> customize) {
        return DesiredApp.of(app(customize));
    }

    static App app(Consumer<AppSpec> customize) {
        App app = new App();
        app.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("default").withGeneration(3L).build());
        AppSpec spec = new AppSpec();
        spec.image = "nginx:1.27";
        customize.accept(spec);
        app.setSpec(spec);
        return app;
    }
}
