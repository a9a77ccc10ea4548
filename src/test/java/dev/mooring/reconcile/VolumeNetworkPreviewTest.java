package dev.mooring.reconcile;

import dev.mooring.api.Labels;
import dev.mooring.docker.NetworkCreate;
import dev.mooring.docker.ObservedNetwork;
import dev.mooring.docker.ObservedVolume;
import dev.mooring.docker.VolumeCreate;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static dev.mooring.reconcile.NetworkPlannerTest.network;
import static dev.mooring.reconcile.VolumePlannerTest.volume;
import static org.assertj.core.api.Assertions.assertThat;

/** The plans of Volumes and Networks: pure, from the planners' own operations, with the settings' diff. */
class VolumeNetworkPreviewTest {

    @Test
    void aMissingVolumeIsCreated() {
        ResourcePlan plan = VolumePreview.preview("default", "data", VolumePlanner.desired(volume(s -> { })), false, null);

        assertThat(plan.describe()).isEqualTo("""
                Volume default/data: none
                [1] create default-data (none): missing volume""");
    }

    @Test
    void aChangedVolumeDriverIsAReplaceVolumeThatMooringLeavesToThePerson() {
        VolumeCreate desired = VolumePlanner.desired(volume(s -> s.driver = "nfs"));

        ResourcePlan plan = VolumePreview.preview("default", "data", desired, false, owned("local", Map.of()));

        assertThat(plan.describe()).isEqualTo("""
                Volume default/data: replace-volume
                [1] replace default-data (replace-volume): the volume uses driver local, the spec asks for nfs; a volume's driver \
                cannot change: delete the Volume (reclaimPolicy Delete) and apply it again; Mooring never replaces a volume itself, \
                as that loses its data
                    driver: "local" -> "nfs\"""");
        assertThat(plan.changes().get(0).manual()).isTrue();
        assertThat(plan.changes().get(0).operations()).as("nothing the loop would do").isEmpty();
    }

    @Test
    void changedDriverOptionsAreAReplaceVolumeToo() {
        VolumeCreate desired = VolumePlanner.desired(volume(s -> s.driverOpts = Map.of("type", "tmpfs", "device", "tmpfs")));

        ResourcePlan plan = VolumePreview.preview("default", "data", desired, false, owned("local", Map.of("type", "none")));

        assertThat(plan.classification()).isEqualTo(ResourcePlan.Classification.REPLACE_VOLUME);
        assertThat(plan.changes().get(0).diff()).extracting(Object::toString).containsExactly(
                "driverOpts.device: null -> \"tmpfs\"", "driverOpts.type: \"none\" -> \"tmpfs\"");
    }

    @Test
    void anUnchangedVolumeHasNothingToDo() {
        ResourcePlan plan = VolumePreview.preview("default", "data", VolumePlanner.desired(volume(s -> { })), false, owned("local", Map.of()));

        assertThat(plan.describe()).isEqualTo("Volume default/data: none");
    }

    @Test
    void aChangedNetworkIsRecreatedWithTheDiffOfItsSettings() {
        NetworkCreate before = NetworkPlanner.desired(network(s -> s.subnet = "10.42.0.0/24"));
        NetworkCreate desired = NetworkPlanner.desired(network(s -> {
            s.subnet = "10.43.0.0/24";
            s.internal = true;
        }));
        String why = "config hash changed (" + ConfigHash.shortForm(before.labels().get(Labels.CONFIG_HASH))
                + " -> " + ConfigHash.shortForm(desired.labels().get(Labels.CONFIG_HASH)) + ")";

        ResourcePlan plan = NetworkPreview.preview("default", "backend", desired, live(before, Set.of("c1")));

        assertThat(plan.describe()).isEqualTo("""
                Network default/backend: recreate
                [1] recreate default-backend (recreate): %s
                    internal: false -> true
                    subnet: "10.42.0.0/24" -> "10.43.0.0/24"
                note: 1 container(s) attached to it are detached; the Apps they belong to then replace them to join the new network"""
                .formatted(why));
    }

    @Test
    void aSubnetTheEngineChoseIsNotADifference() {
        NetworkCreate before = NetworkPlanner.desired(network(s -> { }));
        NetworkCreate chosen = new NetworkCreate(before.name(), before.driver(), false, false, "172.30.0.0/16", "172.30.0.1", before.labels());
        NetworkCreate desired = NetworkPlanner.desired(network(s -> s.labels = Map.of("team", "blue")));

        ResourcePlan plan = NetworkPreview.preview("default", "backend", desired, live(chosen, Set.of()));

        assertThat(plan.changes()).hasSize(1);
        assertThat(plan.changes().get(0).diff()).extracting(Object::toString).containsExactly("labels.team: null -> \"blue\"");
    }

    private static ObservedVolume owned(String driver, Map<String, String> opts) {
        return new ObservedVolume("default-data", driver, VolumePlanner.desired(volume(s -> { })).labels(), "/x", opts);
    }

    private static ObservedNetwork live(NetworkCreate createdFrom, Set<String> containers) {
        Map<String, String> labels = new LinkedHashMap<>(createdFrom.labels());
        return new ObservedNetwork("net-1", createdFrom.name(), labels, containers, createdFrom);
    }
}
