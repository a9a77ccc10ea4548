package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.Labels;
import dev.mooring.docker.ObservedContainer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The App planner is a pure function (desired, observed) → plan; each test builds both by hand
 * and asserts the plan's text, as compose's reconcile_test.go does.
 */
class AppPlannerTest {

    @Test
    void nothingObservedCreatesAndStartsEveryReplica() {
        DesiredApp desired = desired(app("web", s -> s.replicas = 2));

        assertPlan(desired, List.of(), """
                [1] CreateContainer default-web-1: missing replica 1
                [2] StartContainer default-web-1: new replica 1
                [3] CreateContainer default-web-2: missing replica 2
                [4] StartContainer default-web-2: new replica 2""");
    }

    @Test
    void theCreatedContainerCarriesOwnershipLabelsAndTheTemplate() {
        DesiredApp desired = desired(app("web", s -> {
            s.env = List.of(new AppSpec.EnvVar("MODE", "prod"));
            s.labels = Map.of("team", "blue");
        }));
        Plan plan = AppPlanner.plan(desired, List.of());
        Operation.CreateContainer create = (Operation.CreateContainer) plan.operations().get(0);

        assertThat(create.spec().name()).isEqualTo("default-web-1");
        assertThat(create.spec().image()).isEqualTo("nginx:1.27");
        assertThat(create.spec().env()).containsExactly("MODE=prod");
        assertThat(create.spec().labels()).containsEntry(Labels.MANAGED, "true")
                .containsEntry(Labels.KIND, "App")
                .containsEntry(Labels.NAMESPACE, "default")
                .containsEntry(Labels.NAME, "web")
                .containsEntry(Labels.REPLICA, "1")
                .containsEntry(Labels.CONFIG_HASH, desired.configHash())
                .containsEntry(Labels.GENERATION, "3")
                .containsEntry("team", "blue");
        // Mooring supervises restarts itself; Docker's own policy is off. The user's policy stays in the hash.
        assertThat(create.spec().restartPolicy()).isEqualTo("no");
        assertThat(desired(app("web", s -> {
            s.env = List.of(new AppSpec.EnvVar("MODE", "prod"));
            s.labels = Map.of("team", "blue");
            s.restartPolicy = "always";
        })).configHash()).isNotEqualTo(desired.configHash());
    }

    @Test
    void matchingRunningContainersNeedNothing() {
        DesiredApp desired = desired(app("web", s -> s.replicas = 2));
        List<ObservedContainer> observed = List.of(
                container(desired, "default-web-1", 1, "running"),
                container(desired, "default-web-2", 2, "running"));

        assertThat(AppPlanner.plan(desired, observed).isEmpty()).isTrue();
        assertPlan(desired, observed, "");
    }

    @Test
    void aStoppedMatchingContainerIsStartedNotReplaced() {
        DesiredApp desired = desired(app("web", s -> s.replicas = 2));
        List<ObservedContainer> observed = List.of(
                container(desired, "default-web-1", 1, "running"),
                container(desired, "default-web-2", 2, "exited"));

        assertPlan(desired, observed, """
                [1] StartContainer default-web-2: container is exited (code 0), should run; restart 1""");
    }

    @Test
    void desiredStateStoppedStopsRunningContainersAndLeavesStoppedOnes() {
        DesiredApp desired = desired(app("web", s -> {
            s.replicas = 3;
            s.desiredState = "Stopped";
        }));
        List<ObservedContainer> observed = List.of(
                container(desired, "default-web-1", 1, "running"),
                container(desired, "default-web-2", 2, "exited"),
                container(desired, "default-web-3", 3, "created"));

        assertPlan(desired, observed, """
                [1] StopContainer default-web-1: desiredState is Stopped""");
    }

    @Test
    void desiredStateStoppedCreatesMissingReplicasWithoutStartingThem() {
        DesiredApp desired = desired(app("web", s -> s.desiredState = "Stopped"));

        assertPlan(desired, List.of(), """
                [1] CreateContainer default-web-1: missing replica 1""");
    }

    @Test
    void aChangedImageReplacesTheContainer() {
        DesiredApp old = desired(app("web", s -> s.image = "nginx:1.26"));
        DesiredApp desired = desired(app("web", s -> s.image = "nginx:1.27"));
        assertReplaced(old, desired);
    }

    @Test
    void changedEnvReplacesTheContainer() {
        DesiredApp old = desired(app("web", s -> s.env = List.of(new AppSpec.EnvVar("MODE", "dev"))));
        DesiredApp desired = desired(app("web", s -> s.env = List.of(new AppSpec.EnvVar("MODE", "prod"))));
        assertReplaced(old, desired);
    }

    @Test
    void changedPortsReplaceTheContainer() {
        DesiredApp old = desired(app("web", s -> s.ports = List.of(port(80, 8080))));
        DesiredApp desired = desired(app("web", s -> s.ports = List.of(port(80, 8081))));
        assertReplaced(old, desired);
    }

    @Test
    void aHashChangeWithTwoReplicasReplacesOnlyReplicaOneInTheFirstPass() {
        DesiredApp old = desired(app("web", s -> {
            s.replicas = 2;
            s.image = "nginx:1.26";
        }));
        DesiredApp desired = desired(app("web", s -> s.replicas = 2));
        String why = hashChange(old, desired);
        List<ObservedContainer> observed = List.of(
                container(old, "default-web-1", 1, "running"),
                container(old, "default-web-2", 2, "running"));

        assertPlan(desired, observed, """
                [1] StopContainer default-web-1: replaced: %1$s
                [2] RemoveContainer default-web-1: replaced: %1$s
                [3] CreateContainer default-web-1: replaces default-web-1: %1$s
                [4] StartContainer default-web-1: replacement of replica 1""".formatted(why));
        AppPlanner.Decision d = AppPlanner.decide(desired, RolloutState.of(observed, java.time.Instant.EPOCH));
        assertThat(d.pendingReplicas()).isEqualTo(2);
        assertThat(d.inFlight()).isZero();
        assertNoNameConflicts(d.plan(), observed);
    }

    @Test
    void aReplacementOfAStoppedAppIsNotStarted() {
        DesiredApp old = desired(app("web", s -> s.desiredState = "Stopped"));
        DesiredApp desired = desired(app("web", s -> {
            s.image = "nginx:1.28";
            s.desiredState = "Stopped";
        }));
        String why = hashChange(old, desired);

        assertPlan(desired, List.of(container(old, "default-web-1", 1, "exited")), """
                [1] RemoveContainer default-web-1: replaced: %1$s
                [2] CreateContainer default-web-1: replaces default-web-1: %1$s"""
                .formatted(why));
    }

    @Test
    void scaleDownRemovesTheHighestReplicasFirstAndKeepsTheLowOnes() {
        DesiredApp three = desired(app("web", s -> s.replicas = 3));
        DesiredApp desired = desired(app("web", s -> s.replicas = 1));
        assertThat(desired.configHash()).as("replicas is not part of the hash").isEqualTo(three.configHash());
        List<ObservedContainer> observed = List.of(
                container(three, "default-web-1", 1, "running"),
                container(three, "default-web-2", 2, "exited"),
                container(three, "default-web-3", 3, "running"));

        assertPlan(desired, observed, """
                [1] StopContainer default-web-3: scale down to 1 replicas
                [2] RemoveContainer default-web-3: scale down to 1 replicas
                [3] RemoveContainer default-web-2: scale down to 1 replicas""");
    }

    @Test
    void scaleDownToZeroRemovesEveryReplica() {
        DesiredApp one = desired(app("web", s -> s.replicas = 1));
        DesiredApp desired = desired(app("web", s -> s.replicas = 0));

        assertPlan(desired, List.of(container(one, "default-web-1", 1, "running")), """
                [1] StopContainer default-web-1: scale down to 0 replicas
                [2] RemoveContainer default-web-1: scale down to 0 replicas""");
    }

    @Test
    void scaleUpOnlyCreatesTheNewReplica() {
        DesiredApp two = desired(app("web", s -> s.replicas = 2));
        DesiredApp desired = desired(app("web", s -> s.replicas = 3));
        List<ObservedContainer> observed = List.of(
                container(two, "default-web-1", 1, "running"),
                container(two, "default-web-2", 2, "running"));

        assertPlan(desired, observed, """
                [1] CreateContainer default-web-3: missing replica 3
                [2] StartContainer default-web-3: new replica 3""");
    }

    @Test
    void aCrashMidReplaceFinishesTheReplacementWithoutCreatingAgain() {
        DesiredApp old = desired(app("web", s -> s.image = "nginx:1.26"));
        DesiredApp desired = desired(app("web", s -> s.image = "nginx:1.27"));
        // A start-first pass created the replacement, then died before starting it. The new
        // replica must be started beside the old one (which stays until the new one has settled),
        // not left "created" until update.progressDeadline fails the rollout.
        List<ObservedContainer> observed = List.of(
                container(old, "default-web-1", 1, "running"),
                container(desired, "default-web-1-next", 1, "created"));

        assertPlan(desired, observed, """
                [1] StartContainer default-web-1-next: container is created, should run""");
    }

    @Test
    void aSettledReplacementUnderTheTemporaryNameTakesTheOldOnesPlace() {
        DesiredApp old = desired(app("web", s -> s.image = "nginx:1.26"));
        DesiredApp desired = desired(app("web", s -> s.image = "nginx:1.27"));
        String why = hashChange(old, desired);
        List<ObservedContainer> observed = List.of(
                container(old, "default-web-1", 1, "running"),
                container(desired, "default-web-1-next", 1, "running"));
        java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");
        RolloutState state = new RolloutState(observed, now, Map.of("id-default-web-1-next", now.minusSeconds(60)),
                Map.of(), true, true);

        Plan plan = AppPlanner.decide(desired, state).plan();
        assertThat(plan.toString()).isEqualTo("""
                [1] StopContainer default-web-1: replaced by default-web-1-next: %1$s
                [2] RemoveContainer default-web-1: replaced by default-web-1-next: %1$s
                [3] RenameContainer default-web-1-next -> default-web-1: replica 1 has a temporary name""".formatted(why));
        Operation.RenameContainer rename = (Operation.RenameContainer) plan.operations().get(2);
        assertThat(rename.ref()).as("renamed by id").isEqualTo("id-default-web-1-next");
        assertNoNameConflicts(plan, observed);
    }

    @Test
    void aCrashAfterRemovingTheOldContainerFinishesWithTheRename() {
        DesiredApp desired = desired(app("web", s -> s.image = "nginx:1.27"));

        assertPlan(desired, List.of(container(desired, "default-web-1-next", 1, "created")), """
                [1] RenameContainer default-web-1-next -> default-web-1: replica 1 has a temporary name
                [2] StartContainer default-web-1: container is created, should run""");
    }

    @Test
    void aStaleReplacementLeftUnderTheTemporaryNameIsReplacedWithoutANameConflict() {
        // A replace died after removing the old container, before the rename; then the spec
        // changed again. The leftover holds the "-next" name the new replacement needs.
        DesiredApp middle = desired(app("web", s -> s.image = "nginx:1.27"));
        DesiredApp desired = desired(app("web", s -> s.image = "nginx:1.28"));
        String why = hashChange(middle, desired);
        List<ObservedContainer> observed = List.of(container(middle, "default-web-1-next", 1, "created"));

        Plan plan = AppPlanner.plan(desired, observed);
        assertThat(plan.toString()).isEqualTo("""
                [1] RemoveContainer default-web-1-next: replaced: %1$s
                [2] CreateContainer default-web-1: replaces default-web-1-next: %1$s
                [3] StartContainer default-web-1: replacement of replica 1""".formatted(why));
        assertNoNameConflicts(plan, observed);
    }

    @Test
    void aStaleDuplicateUnderTheTemporaryNameIsRemovedBeforeTheReplacementIsCreated() {
        DesiredApp first = desired(app("web", s -> s.image = "nginx:1.26"));
        DesiredApp middle = desired(app("web", s -> s.image = "nginx:1.27"));
        DesiredApp desired = desired(app("web", s -> s.image = "nginx:1.28"));
        String why = hashChange(first, desired);
        List<ObservedContainer> observed = List.of(
                container(first, "default-web-1", 1, "running"),
                container(middle, "default-web-1-next", 1, "created"));

        Plan plan = AppPlanner.plan(desired, observed);
        assertThat(plan.toString()).isEqualTo("""
                [1] RemoveContainer default-web-1-next: duplicate of replica 1
                [2] StopContainer default-web-1: replaced: %1$s
                [3] RemoveContainer default-web-1: replaced: %1$s
                [4] CreateContainer default-web-1: replaces default-web-1: %1$s
                [5] StartContainer default-web-1: replacement of replica 1""".formatted(why));
        assertNoNameConflicts(plan, observed);
    }

    @Test
    void twoContainersWithTheSameReplicaLabelKeepTheCanonicalOne() {
        DesiredApp desired = desired(app("web", s -> s.replicas = 1));
        List<ObservedContainer> observed = List.of(
                container(desired, "default-web-1-copy", 1, "running", 200),
                container(desired, "default-web-1", 1, "running", 100));

        assertPlan(desired, observed, """
                [1] StopContainer default-web-1-copy: duplicate of replica 1
                [2] RemoveContainer default-web-1-copy: duplicate of replica 1""");
    }

    @Test
    void ofTwoDuplicatesTheRunningOneIsKept() {
        DesiredApp desired = desired(app("web", s -> s.replicas = 1));
        List<ObservedContainer> observed = List.of(
                container(desired, "default-web-1", 1, "exited", 100),
                container(desired, "default-web-1-copy", 1, "running", 50));

        assertPlan(desired, observed, """
                [1] RemoveContainer default-web-1: duplicate of replica 1
                [2] RenameContainer default-web-1-copy -> default-web-1: replica 1 has a temporary name""");
    }

    @Test
    void anOwnerThatIsGoneLosesAllItsContainers() {
        DesiredApp was = desired(app("web", s -> s.replicas = 2));
        List<ObservedContainer> observed = List.of(
                container(was, "default-web-1", 1, "running"),
                container(was, "default-web-2", 2, "exited"),
                container(was, "default-web-1-next", 1, "created"),
                unnumbered(was, "default-web-x", "running"));

        assertPlan(DesiredApp.gone("default", "web"), observed, """
                [1] RemoveContainer default-web-2: owner is gone
                [2] StopContainer default-web-1: owner is gone
                [3] RemoveContainer default-web-1: owner is gone
                [4] RemoveContainer default-web-1-next: owner is gone
                [5] StopContainer default-web-x: no valid replica number
                [6] RemoveContainer default-web-x: no valid replica number""");
    }

    @Test
    void anOrphanIsStoppedWithTheGracePeriodItWasMadeWith() {
        DesiredApp was = desired(app("web", s -> s.stopGracePeriod = "2s"));
        Plan plan = AppPlanner.plan(DesiredApp.gone("default", "web"), List.of(container(was, "default-web-1", 1, "running")));

        Operation.StopContainer stop = (Operation.StopContainer) plan.operations().get(0);
        assertThat(stop.timeoutSeconds()).isEqualTo(2);
    }

    @Test
    void anOwnerThatIsGoneWithNothingLeftNeedsNothing() {
        assertPlan(DesiredApp.gone("default", "web"), List.of(), "");
    }

    @Test
    void aContainerWithoutAValidReplicaNumberIsRemovedBeforeAnythingIsCreated() {
        DesiredApp desired = desired(app("web", s -> s.replicas = 1));

        assertPlan(desired, List.of(unnumbered(desired, "default-web-1", "exited")), """
                [1] RemoveContainer default-web-1: no valid replica number
                [2] CreateContainer default-web-1: missing replica 1
                [3] StartContainer default-web-1: new replica 1""");
    }

    @Test
    void aContainerNotAttachedToADesiredNetworkIsReplaced() {
        DesiredApp desired = desired(app("web", s -> s.networks = List.of(network("frontend"), network("backend"))));
        assertThat(desired.networkNames()).containsExactly("default-frontend", "default-backend");
        ObservedContainer detached = withNetworks(container(desired, "default-web-1", 1, "running"), Set.of("default-frontend"));

        assertPlan(desired, List.of(detached), """
                [1] StopContainer default-web-1: replaced: not attached to network default-backend
                [2] RemoveContainer default-web-1: replaced: not attached to network default-backend
                [3] CreateContainer default-web-1: replaces default-web-1: not attached to network default-backend
                [4] StartContainer default-web-1: replacement of replica 1""");
    }

    @Test
    void aContainerOnAllDesiredNetworksAndMoreIsKept() {
        DesiredApp desired = desired(app("web", s -> s.networks = List.of(network("backend"))));
        ObservedContainer c = withNetworks(container(desired, "default-web-1", 1, "running"), Set.of("default-backend", "bridge"));

        assertPlan(desired, List.of(c), "");
    }

    @Test
    void aDeadContainerIsReplaced() {
        DesiredApp desired = desired(app("web", s -> { }));

        assertPlan(desired, List.of(container(desired, "default-web-1", 1, "dead")), """
                [1] RemoveContainer default-web-1: replaced: container is dead
                [2] CreateContainer default-web-1: replaces default-web-1: container is dead
                [3] StartContainer default-web-1: replacement of replica 1""");
    }

    @Test
    void stopOperationsCarryTheGracePeriod() {
        DesiredApp desired = desired(app("web", s -> {
            s.stopGracePeriod = "1m30s";
            s.desiredState = "Stopped";
        }));
        Plan plan = AppPlanner.plan(desired, List.of(container(desired, "default-web-1", 1, "running")));

        assertThat(((Operation.StopContainer) plan.operations().get(0)).timeoutSeconds()).isEqualTo(90);
        assertThat(DesiredApp.of(app("web", s -> { })).stopTimeoutSeconds()).isEqualTo(DesiredApp.DEFAULT_STOP_SECONDS);
    }

    // ---- helpers ------------------------------------------------------------------------

    private void assertReplaced(DesiredApp old, DesiredApp desired) {
        assertThat(desired.configHash()).isNotEqualTo(old.configHash());
        String why = hashChange(old, desired);
        List<ObservedContainer> observed = List.of(container(old, "default-web-1", 1, "running"));

        Plan plan = AppPlanner.plan(desired, observed);
        assertThat(plan.toString()).isEqualTo("""
                [1] StopContainer default-web-1: replaced: %1$s
                [2] RemoveContainer default-web-1: replaced: %1$s
                [3] CreateContainer default-web-1: replaces default-web-1: %1$s
                [4] StartContainer default-web-1: replacement of replica 1""".formatted(why));
        Operation.CreateContainer create = (Operation.CreateContainer) plan.operations().get(2);
        assertThat(create.spec().labels()).containsEntry(Labels.CONFIG_HASH, desired.configHash())
                .containsEntry(Labels.REPLICA, "1");
        assertNoNameConflicts(plan, observed);
    }

    static String hashChange(DesiredApp old, DesiredApp desired) {
        return "config hash changed (" + old.configHash().substring(0, 12) + " -> " + desired.configHash().substring(0, 12) + ")";
    }

    /** Plays the plan's names forward: no create or rename may target a name still in use. */
    static void assertNoNameConflicts(Plan plan, List<ObservedContainer> observed) {
        Set<String> names = new java.util.HashSet<>();
        Map<String, String> nameById = new LinkedHashMap<>();
        observed.forEach(c -> {
            names.add(c.name());
            nameById.put(c.id(), c.name());
        });
        for (Operation op : plan.operations()) {
            if (op instanceof Operation.CreateContainer c) {
                assertThat(names.add(c.spec().name())).as("%s: name free", op.describe()).isTrue();
            } else if (op instanceof Operation.RemoveContainer r) {
                String name = nameById.getOrDefault(r.ref(), r.ref());
                assertThat(names.remove(name)).as("%s: removes an existing container", op.describe()).isTrue();
            } else if (op instanceof Operation.RenameContainer r) {
                String from = nameById.getOrDefault(r.ref(), r.ref());
                assertThat(names.remove(from)).as("%s: source exists", op.describe()).isTrue();
                assertThat(names.add(r.to())).as("%s: target free", op.describe()).isTrue();
                if (nameById.containsKey(r.ref())) {
                    nameById.put(r.ref(), r.to());
                }
            }
        }
    }

    static App app(String name, Consumer<AppSpec> customize) {
        App app = new App();
        app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").withGeneration(3L).build());
        AppSpec spec = new AppSpec();
        spec.image = "nginx:1.27";
        customize.accept(spec);
        app.setSpec(spec);
        return app;
    }

    static DesiredApp desired(App app) {
        return DesiredApp.of(app);
    }

    static AppSpec.PortSpec port(int containerPort, Integer hostPort) {
        AppSpec.PortSpec p = new AppSpec.PortSpec();
        p.containerPort = containerPort;
        p.hostPort = hostPort;
        p.hostIP = "127.0.0.1";
        return p;
    }

    static AppSpec.NetworkAttachment network(String name) {
        AppSpec.NetworkAttachment n = new AppSpec.NetworkAttachment();
        n.name = name;
        return n;
    }

    /** A container made from the given desired state, attached to all its networks. */
    static ObservedContainer container(DesiredApp made, String name, int replica, String state) {
        return container(made, name, replica, state, 1_700_000_000L);
    }

    static ObservedContainer container(DesiredApp made, String name, int replica, String state, long created) {
        Map<String, String> labels = made.container(name, replica).labels();
        return new ObservedContainer("id-" + name, name, labels, state, "none", Set.copyOf(made.networkNames()),
                created, "sha256:image", state.equals("running") ? "Up 1 minute" : "Exited (0) 1 minute ago", List.of());
    }

    static ObservedContainer unnumbered(DesiredApp made, String name, String state) {
        Map<String, String> labels = new LinkedHashMap<>(made.template() == null
                ? DesiredApp.ownerLabels(made.namespace(), made.name()) : made.container(name, 1).labels());
        labels.remove(Labels.REPLICA);
        return new ObservedContainer("id-" + name, name, labels, state, "none", Set.copyOf(made.networkNames()),
                1_700_000_000L, "sha256:image", "", List.of());
    }

    static ObservedContainer withNetworks(ObservedContainer c, Set<String> networks) {
        return new ObservedContainer(c.id(), c.name(), c.labels(), c.state(), c.health(), networks,
                c.createdEpochSeconds(), c.imageId(), c.status(), c.ports());
    }

    private static void assertPlan(DesiredApp desired, List<ObservedContainer> observed, String expected) {
        List<ObservedContainer> copy = new ArrayList<>(observed);
        assertThat(AppPlanner.plan(desired, observed).toString()).isEqualTo(expected);
        assertThat(observed).as("the planner does not change its input").isEqualTo(copy);
    }
}
