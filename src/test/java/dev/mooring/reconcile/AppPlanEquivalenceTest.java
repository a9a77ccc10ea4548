package dev.mooring.reconcile;

import dev.mooring.api.AppSpec;
import dev.mooring.api.Condition;
import dev.mooring.api.Network;
import dev.mooring.api.NetworkSpec;
import dev.mooring.api.NetworkStatus;
import dev.mooring.control.Result;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For the same stored App and engine, the plan ({@code GET .../apps/{name}/plan}, {@link AppPlan})
 * and the next reconcile ({@link AppPass}) do the same: the plan's first step, when it waits for
 * nothing, is what the pass performs; when it waits, the pass performs nothing. Pass after pass of
 * a rollout, a rollback and a wait for a Network, over in-memory fakes.
 */
class AppPlanEquivalenceTest {
    final FakeLoop loop = new FakeLoop();

    @Test
    void everyPassOfARollingUpdateIsWhatThePlanShowedBeforeIt() {
        loop.apply("web", s -> s.replicas = 3);
        converge("web");

        loop.apply("web", s -> {
            s.replicas = 3;
            s.env = List.of(new AppSpec.EnvVar("MODE", "b"));
        });
        int passes = converge("web");

        assertThat(passes).as("one replica at a time").isEqualTo(3);
        assertThat(loop.revisions.phases()).isEqualTo("1 Complete, 2 Complete");
        assertThat(loop.stored("web").getStatus().rollout.phase).isEqualTo("Complete");
        assertThat(loop.events).contains("Normal RolloutStarted: rolling out revision 2 (3 replicas to replace)",
                "Normal RolloutComplete: revision 2 runs on every replica");
    }

    @Test
    void duringARollbackThePlanShowsTheReturnToTheLastRevisionThatCompleted() {
        loop.apply("web", s -> s.replicas = 2);
        converge("web");
        loop.apply("web", s -> {
            s.replicas = 2;
            s.env = List.of(new AppSpec.EnvVar("MODE", "crash"));
        });

        int passes = converge("web");

        assertThat(passes).isGreaterThan(1);
        assertThat(loop.revisions.phases()).isEqualTo("1 Complete, 2 Failed");
        assertThat(loop.stored("web").getStatus().rollout.phase).isEqualTo("RolledBack");
        assertThat(loop.events).contains(
                "Warning RolloutFailed: revision 2 failed: default-web-1 exited with code 1; rolling back to revision 1",
                "Normal RolledBack: rolled back to revision 1");
        assertThat(loop.plan("web").notes()).contains("revision 2 failed; the App stays on revision 1 until the spec changes");
    }

    @Test
    void whileTheLoopWaitsForANetworkThePlanSaysSoAndShowsWhatFollowsTheWait() {
        loop.apply("web", s -> {
            s.replicas = 2;
            s.networks = List.of(network("later"));
        });

        ResourcePlan waiting = loop.plan("web");
        loop.reconcile("web");

        assertThat(waiting.waitingFor()).isEqualTo("Network later (not found)");
        assertThat(waiting.changes()).extracting(c -> c.action() + " " + c.target())
                .containsExactly("create default-web-1", "create default-web-2");
        assertThat(loop.performed).as("the loop waits").isEmpty();
        assertThat(loop.stored("web").getStatus().condition(Condition.PROGRESSING).orElseThrow().message)
                .isEqualTo("waiting for Network later (not found)");

        loop.store.put(readyNetwork("later"));
        ResourcePlan after = loop.plan("web");
        loop.reconcile("web");

        assertThat(after.waitingFor()).isNull();
        assertThat(loop.performedSorted()).isEqualTo(FakeLoop.now(after)).hasSize(4);
        assertThat(after.changes()).extracting(c -> c.action() + " " + c.target())
                .as("what the plan showed during the wait").isEqualTo(waiting.changes().stream().map(c -> c.action() + " " + c.target()).toList());
    }

    /** Plans, then reconciles, until a pass does nothing and looks no more: each pass performs what the plan before it showed. Returns the passes that acted. */
    private int converge(String name) {
        int acted = 0;
        for (int pass = 0; pass < 50; pass++) {
            ResourcePlan plan = loop.plan(name);
            Result result = loop.reconcile(name);
            assertThat(loop.performedSorted()).as("pass %d: the plan was\n%s", pass, plan.describe()).isEqualTo(FakeLoop.now(plan));
            if (loop.performed.isEmpty() && plan.changes().isEmpty() && result.requeueAfter().isEmpty()) {
                return acted;
            }
            acted += loop.performed.isEmpty() ? 0 : 1;
            loop.clock.advance(Duration.ofSeconds(3));
        }
        throw new AssertionError("did not converge: " + loop.events);
    }

    static AppSpec.NetworkAttachment network(String name) {
        AppSpec.NetworkAttachment n = new AppSpec.NetworkAttachment();
        n.name = name;
        return n;
    }

    static Network readyNetwork(String name) {
        Network n = new Network();
        n.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(FakeLoop.NS).withUid("uid-" + name).withGeneration(1L).build());
        n.setSpec(new NetworkSpec());
        NetworkStatus s = new NetworkStatus();
        s.setCondition(Condition.READY, true, "Created", "", Instant.EPOCH);
        n.setStatus(s);
        return n;
    }
}
