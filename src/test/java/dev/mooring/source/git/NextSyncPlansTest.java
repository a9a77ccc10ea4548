package dev.mooring.source.git;

import dev.mooring.api.GitRepositoryStatus.NextSync;
import dev.mooring.reconcile.ResourcePlan;
import dev.mooring.reconcile.ResourcePlan.Change;
import dev.mooring.reconcile.ResourcePlan.Classification;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** status.nextSync stays bounded: a plan keeps its first changes and a note counts the rest. */
class NextSyncPlansTest {
    @Test
    void aPlanWithMoreChangesThanTheCapKeepsTheFirstAndSaysHowManyAreLeftOut() {
        List<Change> changes = IntStream.rangeClosed(1, NextSync.MAX_CHANGES + 5).mapToObj(i -> new Change(i, "shop-web-" + i, "recreate",
                Classification.RECREATE, "config hash changed", null, List.of(), List.of(), null)).toList();
        ResourcePlan plan = ResourcePlan.of("App", "shop", "web", changes, null, List.of("an earlier note"));

        ResourcePlan bounded = NextSyncPlans.bounded(plan);

        assertThat(bounded.changes()).hasSize(NextSync.MAX_CHANGES);
        assertThat(bounded.changes().get(0).target()).isEqualTo("shop-web-1");
        assertThat(bounded.classification()).isEqualTo(Classification.RECREATE);
        assertThat(bounded.notes()).containsExactly("an earlier note",
                "5 more changes are left out: status.nextSync keeps " + NextSync.MAX_CHANGES + " per resource");
    }

    @Test
    void aSmallPlanIsKeptAsItIs() {
        ResourcePlan plan = ResourcePlan.of("App", "shop", "web", List.of(new Change(1, "shop-web-1", "create",
                Classification.NONE, "missing replica", null, List.of(), List.of(), null)), null, List.of());
        assertThat(NextSyncPlans.bounded(plan)).isSameAs(plan);
    }
}
