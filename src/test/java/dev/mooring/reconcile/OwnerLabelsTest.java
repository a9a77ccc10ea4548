package dev.mooring.reconcile;

import dev.mooring.api.Kind;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Ownership on the engine is by labels, never by name. */
class OwnerLabelsTest {
    @Test
    void anObjectIsOwnedOnlyWhenItCarriesEveryOwnerLabel() {
        Map<String, String> owner = OwnerLabels.of(Kind.Network, "a-b", "c");
        assertThat(owner).containsExactly(Map.entry("dev.mooring.managed", "true"), Map.entry("dev.mooring.kind", "Network"),
                Map.entry("dev.mooring.namespace", "a-b"), Map.entry("dev.mooring.name", "c"));
        Map<String, String> labels = new HashMap<>(owner);
        labels.put("team", "shop");
        assertThat(OwnerLabels.carries(labels, owner)).isTrue();
        assertThat(OwnerLabels.carries(OwnerLabels.of(Kind.Network, "a", "b-c"), owner)).as("same docker name, other owner").isFalse();
        assertThat(OwnerLabels.carries(OwnerLabels.of(Kind.Volume, "a-b", "c"), owner)).isFalse();
        labels.remove("dev.mooring.managed");
        assertThat(OwnerLabels.carries(labels, owner)).isFalse();
    }
}
