package dev.mooring.reconcile;

import dev.mooring.api.AppSpec;
import dev.mooring.docker.ObservedContainer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The planner and the plan preview stay linear in replicas (issue 10: a dry run of 100,000
 * replicas burned a core for over 10 minutes). The planner is called directly, past validation
 * (which caps replicas at mooring.limits.max-replicas); each case prints its time for the record
 * and asserts the plan's content, never a time. {@code -Dmooring.bench.replicas=10000,100000}
 * chooses the sizes (default 10,000 and 100,000).
 */
class PreviewScaleTest {
    private static final int[] SIZES = java.util.Arrays.stream(System.getProperty("mooring.bench.replicas", "10000,100000").split(","))
            .mapToInt(Integer::parseInt).toArray();

    private static DesiredApp app(int replicas, Consumer<AppSpec> more) {
        return AppPreviewTest.desired(s -> {
            s.replicas = replicas;
            more.accept(s);
        });
    }

    private static ResourcePlan timed(String what, int n, java.util.function.Supplier<ResourcePlan> plan) {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        long cpu0 = threads.getCurrentThreadCpuTime();
        ResourcePlan p = plan.get();
        System.out.printf("plan preview, %s, %,d replicas: %,d ms (%,d ms CPU)%n", what, n, (System.nanoTime() - t0) / 1_000_000,
                (threads.getCurrentThreadCpuTime() - cpu0) / 1_000_000);
        return p;
    }

    @Test
    void creatingReplicasFromNothing() {
        for (int n : SIZES) {
            DesiredApp target = app(n, s -> { });
            ResourcePlan plan = timed("create from nothing", n, () -> AppPreviewTest.preview(target, List.of(), Map.of()));
            assertThat(plan.changes()).hasSize(n);
            assertThat(plan.changes().get(0).describe()).isEqualTo("[1] create default-web-1 (none): missing replica 1");
            assertThat(plan.changes().get(n - 1).describe()).isEqualTo("[1] create default-web-" + n + " (none): missing replica " + n);
        }
    }

    @Test
    void aRolloutOfEveryReplicaAtOnce() {
        for (int n : SIZES) {
            Consumer<AppSpec> allAtOnce = s -> {
                AppSpec.UpdateStrategy u = new AppSpec.UpdateStrategy();
                u.parallelism = 0;
                u.order = "start-first";
                s.update = u;
            };
            DesiredApp before = app(n, allAtOnce.andThen(s -> s.env = List.of(new AppSpec.EnvVar("V", "1"))));
            DesiredApp after = app(n, allAtOnce.andThen(s -> s.env = List.of(new AppSpec.EnvVar("V", "2"))));
            List<ObservedContainer> running = AppPreviewTest.running(before, n);
            ResourcePlan plan = timed("start-first rollout of all replicas at once", n,
                    () -> AppPreviewTest.preview(after, running, AppPreviewTest.recorded(before)));
            assertThat(plan.changes()).hasSize(n);
            ResourcePlan.Change last = plan.changes().get(n - 1);
            assertThat(last.target()).isEqualTo("default-web-" + n);
            assertThat(last.action()).isEqualTo("recreate");
            assertThat(last.diff()).extracting(Object::toString).containsExactly("env.V: \"1\" -> \"2\"");
            // the swap waits for the new replicas, named in a few words however many there are
            assertThat(last.operations()).last().asString().startsWith("[2] RenameContainer");
            assertThat(String.join("\n", last.operations())).contains("[1] CreateContainer default-web-" + n + "-next");
        }
    }

    /** Two batches: each change of the second says what it waits for in ten names and a count (every name in every change was quadratic). */
    @Test
    void aRolloutInTwoBatchesNamesWhatItWaitsForBriefly() {
        for (int n : SIZES) {
            Consumer<AppSpec> halves = s -> {
                AppSpec.UpdateStrategy u = new AppSpec.UpdateStrategy();
                u.parallelism = n / 2;
                s.update = u;
            };
            DesiredApp before = app(n, halves);
            DesiredApp after = app(n, halves.andThen(s -> s.image = "nginx:1.28"));
            List<ObservedContainer> running = AppPreviewTest.running(before, n);
            ResourcePlan plan = timed("rollout in two batches", n, () -> AppPreviewTest.preview(after, running, AppPreviewTest.recorded(before)));
            assertThat(plan.changes()).hasSize(n);
            ResourcePlan.Change second = plan.changes().get(n / 2);
            assertThat(second.step()).isEqualTo(2);
            assertThat(second.waitsFor()).startsWith("default-web-1, default-web-10, ")
                    .contains(" and " + (n / 2 - 10) + " more to be ready for 5s (update.monitor)").hasSizeLessThan(400);
        }
    }

    /** One replica at a time (the default): the simulation stops after a bounded amount of work and says so. */
    @Test
    void aRolloutOneReplicaAtATimeIsCutWithANote() {
        for (int n : SIZES) {
            DesiredApp before = app(n, s -> { });
            DesiredApp after = app(n, s -> s.image = "nginx:1.28");
            List<ObservedContainer> running = AppPreviewTest.running(before, n);
            ResourcePlan plan = timed("rollout one replica at a time", n, () -> AppPreviewTest.preview(after, running, AppPreviewTest.recorded(before)));
            assertThat(plan.changes().get(0).describe()).startsWith("[1] recreate default-web-1 (recreate): replaces default-web-1: config hash changed");
            assertThat(plan.changes().size()).isBetween(1, n - 1);
            assertThat(plan.notes()).anyMatch(note -> note.startsWith("the plan was cut after") && note.contains(n + " replicas"));
        }
    }

    @Test
    void scalingDownToZero() {
        for (int n : SIZES) {
            DesiredApp before = app(n, s -> { });
            DesiredApp after = app(0, s -> { });
            List<ObservedContainer> running = AppPreviewTest.running(before, n);
            ResourcePlan plan = timed("scale down to 0", n, () -> AppPreviewTest.preview(after, running, Map.of()));
            assertThat(plan.changes()).hasSize(n);
            assertThat(plan.changes().get(0).describe()).isEqualTo("[1] remove default-web-" + n + " (none): scale down to 0 replicas");
        }
    }

    @Test
    void thePlannerAloneOnARolloutOfEveryReplica() {
        for (int n : SIZES) {
            DesiredApp before = app(n, s -> { });
            DesiredApp after = app(n, s -> s.image = "nginx:1.28");
            List<ObservedContainer> running = AppPreviewTest.running(before, n);
            long t0 = System.nanoTime();
            Plan plan = AppPlanner.plan(after, running);
            System.out.printf("planner, one pass of a rollout, %,d replicas: %,d ms%n", n, (System.nanoTime() - t0) / 1_000_000);
            // parallelism 1 (the default): one replica is replaced, stop-first
            assertThat(plan.operations()).hasSize(4);
            assertThat(plan.operations().get(0).describe()).startsWith("StopContainer default-web-1: replaced: config hash changed");
        }
    }
}
