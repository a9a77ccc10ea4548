package dev.mooring.reconcile;

import dev.mooring.api.Labels;
import dev.mooring.api.Network;
import dev.mooring.api.NetworkSpec;
import dev.mooring.docker.NetworkCreate;
import dev.mooring.docker.ObservedNetwork;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Networks cannot change in place: a changed one is emptied, removed and created again. */
class NetworkPlannerTest {
    private static final String C1 = "aaaaaaaaaaaa0000000000000000000000000000000000000000000000000001";
    private static final String C2 = "bbbbbbbbbbbb0000000000000000000000000000000000000000000000000002";

    @Test
    void aMissingNetworkIsCreated() {
        NetworkCreate desired = NetworkPlanner.desired(network(s -> s.subnet = "10.42.0.0/24"));

        assertThat(NetworkPlanner.plan("default", "backend", desired, null).toString())
                .isEqualTo("[1] CreateNetwork default-backend: missing network");
    }

    @Test
    void theDesiredNetworkCarriesDefaultsOwnershipAndHash() {
        NetworkCreate desired = NetworkPlanner.desired(network(s -> s.labels = Map.of("team", "blue")));

        assertThat(desired.name()).isEqualTo("default-backend");
        assertThat(desired.driver()).isEqualTo("bridge");
        assertThat(desired.internal()).isFalse();
        assertThat(desired.labels()).containsEntry(Labels.MANAGED, "true")
                .containsEntry(Labels.KIND, "Network")
                .containsEntry(Labels.NAMESPACE, "default")
                .containsEntry(Labels.NAME, "backend")
                .containsEntry("team", "blue")
                .containsKey(Labels.CONFIG_HASH);
    }

    @Test
    void aNetworkWithTheSameHashNeedsNothing() {
        NetworkCreate desired = NetworkPlanner.desired(network(s -> s.subnet = "10.42.0.0/24"));
        ObservedNetwork observed = observed(NetworkPlanner.desired(network(s -> s.subnet = "10.42.0.0/24")), Set.of(C1));

        assertThat(NetworkPlanner.plan("default", "backend", desired, observed).isEmpty()).isTrue();
    }

    @Test
    void aChangedSubnetDisconnectsRemovesAndCreatesTheNetwork() {
        NetworkCreate before = NetworkPlanner.desired(network(s -> s.subnet = "10.42.0.0/24"));
        NetworkCreate desired = NetworkPlanner.desired(network(s -> s.subnet = "10.43.0.0/24"));
        String why = "config hash changed (" + ConfigHash.shortForm(before.labels().get(Labels.CONFIG_HASH))
                + " -> " + ConfigHash.shortForm(desired.labels().get(Labels.CONFIG_HASH)) + ")";

        Plan plan = NetworkPlanner.plan("default", "backend", desired, observed(before, Set.of(C2, C1)));
        assertThat(plan.toString()).isEqualTo("""
                [1] DisconnectNetwork default-backend aaaaaaaaaaaa: %1$s
                [2] DisconnectNetwork default-backend bbbbbbbbbbbb: %1$s
                [3] RemoveNetwork default-backend: %1$s
                [4] CreateNetwork default-backend: %1$s""".formatted(why));
        Operation.DisconnectNetwork d = (Operation.DisconnectNetwork) plan.operations().get(0);
        assertThat(d.networkRef()).isEqualTo("net-1");
        assertThat(d.containerId()).isEqualTo(C1);
        assertThat(((Operation.CreateNetwork) plan.operations().get(3)).network().subnet()).isEqualTo("10.43.0.0/24");
    }

    @Test
    void otherChangesAlsoRecreate() {
        NetworkCreate before = NetworkPlanner.desired(network(s -> { }));
        for (Consumer<NetworkSpec> change : java.util.List.<Consumer<NetworkSpec>>of(
                s -> s.internal = true,
                s -> s.driver = "macvlan",
                s -> s.gateway = "10.42.0.1",
                s -> s.labels = Map.of("team", "blue"))) {
            NetworkCreate desired = NetworkPlanner.desired(network(change));
            assertThat(NetworkPlanner.plan("default", "backend", desired, observed(before, Set.of())).toString())
                    .startsWith("[1] RemoveNetwork default-backend: config hash changed")
                    .contains("[2] CreateNetwork default-backend:");
        }
    }

    @Test
    void aNetworkNotLabelledByMooringIsNotTouched() {
        NetworkCreate desired = NetworkPlanner.desired(network(s -> { }));
        ObservedNetwork foreign = new ObservedNetwork("net-9", "default-backend", Map.of("com.example", "x"), Set.of(C1));

        assertThatThrownBy(() -> NetworkPlanner.plan("default", "backend", desired, foreign))
                .isInstanceOf(NetworkPlanner.NotOwnedException.class)
                .hasMessageContaining("default-backend")
                .hasMessageContaining("not managed by Mooring");
        assertThatThrownBy(() -> NetworkPlanner.plan("default", "backend", null, foreign))
                .as("not even on deletion")
                .isInstanceOf(NetworkPlanner.NotOwnedException.class);
    }

    @Test
    void deletionDisconnectsAndRemoves() {
        NetworkCreate before = NetworkPlanner.desired(network(s -> { }));

        assertThat(NetworkPlanner.plan("default", "backend", null, observed(before, Set.of(C1))).toString()).isEqualTo("""
                [1] DisconnectNetwork default-backend aaaaaaaaaaaa: Network is being deleted
                [2] RemoveNetwork default-backend: Network is being deleted""");
    }

    @Test
    void deletionOfAMissingNetworkNeedsNothing() {
        assertThat(NetworkPlanner.plan("default", "backend", null, null).isEmpty()).isTrue();
    }

    private static ObservedNetwork observed(NetworkCreate createdFrom, Set<String> containerIds) {
        return new ObservedNetwork("net-1", createdFrom.name(), createdFrom.labels(), containerIds);
    }

    static Network network(Consumer<NetworkSpec> customize) {
        Network n = new Network();
        n.setMetadata(new ObjectMetaBuilder().withName("backend").withNamespace("default").withGeneration(1L).build());
        NetworkSpec s = new NetworkSpec();
        customize.accept(s);
        n.setSpec(s);
        return n;
    }
}
