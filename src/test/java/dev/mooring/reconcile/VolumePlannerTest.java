package dev.mooring.reconcile;

import dev.mooring.api.Labels;
import dev.mooring.api.Volume;
import dev.mooring.api.VolumeSpec;
import dev.mooring.docker.ObservedVolume;
import dev.mooring.docker.VolumeCreate;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A volume holds data: created when missing, never replaced, removed only when asked to. */
class VolumePlannerTest {

    @Test
    void aMissingVolumeIsCreated() {
        VolumeCreate desired = VolumePlanner.desired(volume(s -> { }));

        assertThat(plan(desired, false, null).toString()).isEqualTo("[1] CreateVolume default-data: missing volume");
        assertThat(desired.driver()).isEqualTo("local");
        assertThat(desired.labels()).containsEntry(Labels.MANAGED, "true")
                .containsEntry(Labels.KIND, "Volume")
                .containsEntry(Labels.NAMESPACE, "default")
                .containsEntry(Labels.NAME, "data");
    }

    @Test
    void anOwnedVolumeThatExistsNeedsNothing() {
        VolumeCreate desired = VolumePlanner.desired(volume(s -> { }));

        assertThat(plan(desired, false, owned("local")).isEmpty()).isTrue();
    }

    @Test
    void deletionWithRetainKeepsTheVolume() {
        assertThat(plan(null, false, owned("local")).isEmpty()).isTrue();
    }

    @Test
    void deletionWithDeleteRemovesTheVolume() {
        assertThat(plan(null, true, owned("local")).toString())
                .isEqualTo("[1] RemoveVolume default-data: Volume deleted with reclaimPolicy Delete");
    }

    @Test
    void deletionOfAMissingVolumeNeedsNothing() {
        assertThat(plan(null, true, null).isEmpty()).isTrue();
    }

    @Test
    void aVolumeOfTheSameNameNotOwnedIsNotTouched() {
        VolumeCreate desired = VolumePlanner.desired(volume(s -> { }));
        ObservedVolume foreign = new ObservedVolume("default-data", "local", Map.of(), "/var/lib/docker/volumes/default-data/_data");

        assertThatThrownBy(() -> plan(desired, false, foreign))
                .isInstanceOf(NetworkPlanner.NotOwnedException.class)
                .hasMessageContaining("default-data");
        assertThatThrownBy(() -> plan(null, true, foreign))
                .as("not even with reclaimPolicy Delete")
                .isInstanceOf(NetworkPlanner.NotOwnedException.class);
    }

    @Test
    void aVolumeOwnedByAnotherMooringResourceIsNotTouched() {
        Map<String, String> labels = VolumePlanner.ownerLabels("other", "data");
        ObservedVolume theirs = new ObservedVolume("default-data", "local", labels, "/x");

        assertThatThrownBy(() -> plan(null, true, theirs)).isInstanceOf(NetworkPlanner.NotOwnedException.class);
    }

    @Test
    void driftIsReportedWhenTheDriverChanged() {
        VolumeCreate desired = VolumePlanner.desired(volume(s -> s.driver = "nfs"));

        assertThat(VolumePlanner.drift(desired, owned("local")))
                .contains("uses driver local")
                .contains("asks for nfs");
        assertThat(plan(desired, false, owned("local")).isEmpty()).as("drift is reported, not acted on").isTrue();
        assertThat(VolumePlanner.drift(VolumePlanner.desired(volume(s -> { })), owned("local"))).isNull();
        assertThat(VolumePlanner.drift(desired, null)).isNull();
        assertThat(VolumePlanner.drift(null, owned("local"))).isNull();
    }

    private static Plan plan(VolumeCreate desired, boolean deleteData, ObservedVolume observed) {
        return VolumePlanner.plan(desired, deleteData, "default", "data", observed);
    }

    private static ObservedVolume owned(String driver) {
        return new ObservedVolume("default-data", driver, VolumePlanner.desired(volume(s -> { })).labels(),
                "/var/lib/docker/volumes/default-data/_data");
    }

    static Volume volume(Consumer<VolumeSpec> customize) {
        Volume v = new Volume();
        v.setMetadata(new ObjectMetaBuilder().withName("data").withNamespace("default").withGeneration(1L).build());
        VolumeSpec s = new VolumeSpec();
        customize.accept(s);
        v.setSpec(s);
        return v;
    }
}
