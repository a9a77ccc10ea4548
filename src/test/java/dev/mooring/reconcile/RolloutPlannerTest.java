package dev.mooring.reconcile;

import dev.mooring.api.AppSpec;
import dev.mooring.api.Labels;
import dev.mooring.docker.ObservedContainer;
import dev.mooring.reconcile.AppPlanner.Decision;
import dev.mooring.reconcile.RolloutState.CrashState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static dev.mooring.reconcile.AppPlannerTest.app;
import static dev.mooring.reconcile.AppPlannerTest.assertNoNameConflicts;
import static dev.mooring.reconcile.AppPlannerTest.hashChange;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rolling updates and crash supervision, pass by pass. Each pass is simulated by building what the
 * engine would list after the previous plan ran, with the readySince and crash history the
 * reconciler carries between passes. Time is fixed; nothing sleeps.
 */
class RolloutPlannerTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** When the old replicas were created: an hour before the rollout. */
    static final Instant LONG_AGO = T0.minusSeconds(3600);
    static final String IMG_OLD = "sha256:" + "a".repeat(64);
    static final String IMG_NEW = "sha256:" + "b".repeat(64);

    // ---- stop-first ---------------------------------------------------------------------

    @Test
    void stopFirstWithParallelismOneReplacesOneReplicaPerSettledPass() {
        DesiredApp old = target(3, "nginx:1.26", u -> { });
        DesiredApp desired = target(3, "nginx:1.27", u -> { });
        String why = hashChange(old, desired);
        ObservedContainer old1 = running(old, "default-web-1", 1, LONG_AGO, T0);
        ObservedContainer old2 = running(old, "default-web-2", 2, LONG_AGO, T0);
        ObservedContainer old3 = running(old, "default-web-3", 3, LONG_AGO, T0);

        // Pass 1: only replica 1 goes.
        List<ObservedContainer> observed = List.of(old1, old2, old3);
        Decision d = decide(desired, observed, T0, readyLongAgo(observed));
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-1: replaced: %1$s
                [2] RemoveContainer default-web-1: replaced: %1$s
                [3] CreateContainer default-web-1: replaces default-web-1: %1$s
                [4] StartContainer default-web-1: replacement of replica 1""".formatted(why));
        assertThat(d.pendingReplicas()).isEqualTo(3);
        assertThat(d.inFlight()).isZero();
        assertThat(d.requeueAfter()).isEqualTo(Duration.ofSeconds(1));
        assertNoNameConflicts(d.plan(), observed);

        // Pass 2, 2 s later: the new replica 1 is ready but has not been for update.monitor (5 s).
        Instant t = T0.plusSeconds(2);
        ObservedContainer new1 = running(desired, "default-web-1", 1, T0, t);
        observed = List.of(new1, old2, old3);
        Map<String, Instant> ready = readyLongAgo(List.of(old2, old3));
        ready.put(new1.id(), T0.plusSeconds(1));
        d = decide(desired, observed, t, ready);
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.inFlight()).isEqualTo(1);
        assertThat(d.pendingReplicas()).isEqualTo(2);
        assertThat(d.requeueAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.rolloutComplete()).isFalse();

        // Pass 3, once replica 1 has been ready for 5 s: replica 2 goes.
        t = T0.plusSeconds(6);
        d = decide(desired, observed, t, ready);
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-2: replaced: %1$s
                [2] RemoveContainer default-web-2: replaced: %1$s
                [3] CreateContainer default-web-2: replaces default-web-2: %1$s
                [4] StartContainer default-web-2: replacement of replica 2""".formatted(why));
        assertThat(d.inFlight()).isZero();
        assertThat(d.pendingReplicas()).isEqualTo(2);

        // Pass 4: replica 2 settled too; replica 3 goes.
        t = T0.plusSeconds(13);
        ObservedContainer new2 = running(desired, "default-web-2", 2, T0.plusSeconds(6), t);
        observed = List.of(new1, new2, old3);
        ready.put(new2.id(), T0.plusSeconds(8));
        d = decide(desired, observed, t, ready);
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-3: replaced: %1$s
                [2] RemoveContainer default-web-3: replaced: %1$s
                [3] CreateContainer default-web-3: replaces default-web-3: %1$s
                [4] StartContainer default-web-3: replacement of replica 3""".formatted(why));
        assertThat(d.pendingReplicas()).isEqualTo(1);

        // Pass 5: every replica runs the target and has settled.
        t = T0.plusSeconds(20);
        ObservedContainer new3 = running(desired, "default-web-3", 3, T0.plusSeconds(13), t);
        observed = List.of(new1, new2, new3);
        ready.put(new3.id(), T0.plusSeconds(14));
        d = decide(desired, observed, t, ready);
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.pendingReplicas()).isZero();
        assertThat(d.inFlight()).isZero();
        assertThat(d.requeueAfter()).isNull();
        assertThat(d.rolloutComplete()).isTrue();
    }

    @Test
    void stopFirstWithParallelismTwoReplacesTwoReplicasAtOnce() {
        DesiredApp old = target(3, "nginx:1.26", u -> u.parallelism = 2);
        DesiredApp desired = target(3, "nginx:1.27", u -> u.parallelism = 2);
        String why = hashChange(old, desired);
        ObservedContainer old1 = running(old, "default-web-1", 1, LONG_AGO, T0);
        ObservedContainer old2 = running(old, "default-web-2", 2, LONG_AGO, T0);
        ObservedContainer old3 = running(old, "default-web-3", 3, LONG_AGO, T0);

        List<ObservedContainer> observed = List.of(old1, old2, old3);
        Decision d = decide(desired, observed, T0, readyLongAgo(observed));
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-1: replaced: %1$s
                [2] RemoveContainer default-web-1: replaced: %1$s
                [3] CreateContainer default-web-1: replaces default-web-1: %1$s
                [4] StartContainer default-web-1: replacement of replica 1
                [5] StopContainer default-web-2: replaced: %1$s
                [6] RemoveContainer default-web-2: replaced: %1$s
                [7] CreateContainer default-web-2: replaces default-web-2: %1$s
                [8] StartContainer default-web-2: replacement of replica 2""".formatted(why));
        assertThat(d.pendingReplicas()).isEqualTo(3);
        assertNoNameConflicts(d.plan(), observed);

        // Pass 2: both new replicas ready, one of them not yet for 5 s.
        Instant t = T0.plusSeconds(5);
        ObservedContainer new1 = running(desired, "default-web-1", 1, T0, t);
        ObservedContainer new2 = running(desired, "default-web-2", 2, T0, t);
        observed = List.of(new1, new2, old3);
        Map<String, Instant> ready = readyLongAgo(List.of(old3));
        ready.put(new1.id(), T0);
        ready.put(new2.id(), T0.plusSeconds(1));
        d = decide(desired, observed, t, ready);
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.inFlight()).isEqualTo(1);
        assertThat(d.pendingReplicas()).isEqualTo(1);

        // Pass 3: both settled; the last replica goes (a batch smaller than parallelism).
        t = T0.plusSeconds(6);
        d = decide(desired, observed, t, ready);
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-3: replaced: %1$s
                [2] RemoveContainer default-web-3: replaced: %1$s
                [3] CreateContainer default-web-3: replaces default-web-3: %1$s
                [4] StartContainer default-web-3: replacement of replica 3""".formatted(why));
        assertThat(d.inFlight()).isZero();
        assertThat(d.pendingReplicas()).isEqualTo(1);
    }

    @Test
    void parallelismZeroReplacesEveryReplicaAtOnce() {
        DesiredApp old = target(2, "nginx:1.26", u -> u.parallelism = 0);
        DesiredApp desired = target(2, "nginx:1.27", u -> u.parallelism = 0);
        String why = hashChange(old, desired);
        List<ObservedContainer> observed = List.of(
                running(old, "default-web-1", 1, LONG_AGO, T0),
                exited(old, "default-web-2", 2, 0, LONG_AGO));

        Decision d = decide(desired, observed, T0, readyLongAgo(observed.subList(0, 1)));
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-1: replaced: %1$s
                [2] RemoveContainer default-web-1: replaced: %1$s
                [3] CreateContainer default-web-1: replaces default-web-1: %1$s
                [4] StartContainer default-web-1: replacement of replica 1
                [5] RemoveContainer default-web-2: replaced: %1$s
                [6] CreateContainer default-web-2: replaces default-web-2: %1$s
                [7] StartContainer default-web-2: replacement of replica 2""".formatted(why));
    }

    @Test
    void updateDelayHoldsTheNextBatchForTheRemainingTime() {
        DesiredApp old = target(2, "nginx:1.26", u -> u.delay = "30s");
        DesiredApp desired = target(2, "nginx:1.27", u -> u.delay = "30s");
        String why = hashChange(old, desired);
        Instant t = T0.plusSeconds(10);
        ObservedContainer new1 = running(desired, "default-web-1", 1, T0, t);
        ObservedContainer old2 = running(old, "default-web-2", 2, LONG_AGO, t);
        List<ObservedContainer> observed = List.of(new1, old2);
        Map<String, Instant> ready = readyLongAgo(List.of(old2));
        ready.put(new1.id(), T0);

        // Settled at T0+5 (monitor); the next batch may start at T0+35.
        Decision d = decide(desired, observed, t, ready);
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.requeueAfter()).isEqualTo(Duration.ofSeconds(25));
        assertThat(d.inFlight()).isZero();
        assertThat(d.pendingReplicas()).isEqualTo(1);

        d = decide(desired, observed, T0.plusSeconds(34), ready);
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.requeueAfter()).isEqualTo(Duration.ofSeconds(1));

        d = decide(desired, observed, T0.plusSeconds(35), ready);
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-2: replaced: %1$s
                [2] RemoveContainer default-web-2: replaced: %1$s
                [3] CreateContainer default-web-2: replaces default-web-2: %1$s
                [4] StartContainer default-web-2: replacement of replica 2""".formatted(why));
    }

    // ---- start-first --------------------------------------------------------------------

    @Test
    void startFirstRunsTheNewReplicaBesideTheOldUntilItHasSettled() {
        DesiredApp old = target(2, "nginx:1.26", u -> u.order = "start-first");
        DesiredApp desired = target(2, "nginx:1.27", u -> u.order = "start-first");
        String why = hashChange(old, desired);
        ObservedContainer old1 = running(old, "default-web-1", 1, LONG_AGO, T0);
        ObservedContainer old2 = running(old, "default-web-2", 2, LONG_AGO, T0);

        // Pass 1: the replacement starts under the temporary name; the old one keeps running.
        List<ObservedContainer> observed = List.of(old1, old2);
        Decision d = decide(desired, observed, T0, readyLongAgo(observed));
        assertThat(d.plan().toString()).isEqualTo("""
                [1] CreateContainer default-web-1-next: replaces default-web-1: %1$s
                [2] StartContainer default-web-1-next: start-first: runs beside default-web-1 until ready""".formatted(why));
        assertThat(d.pendingReplicas()).isEqualTo(2);
        assertThat(d.requeueAfter()).isEqualTo(Duration.ofSeconds(1));
        assertNoNameConflicts(d.plan(), observed);
        Operation.CreateContainer create = (Operation.CreateContainer) d.plan().operations().get(0);
        assertThat(create.spec().labels()).containsEntry(Labels.REPLICA, "1")
                .containsEntry(Labels.CONFIG_HASH, desired.configHash());

        // Pass 2: the new one is ready, but not yet for update.monitor: nothing to do, keep watching.
        Instant t = T0.plusSeconds(3);
        ObservedContainer next1 = running(desired, "default-web-1-next", 1, T0, t);
        observed = List.of(old1, next1, old2);
        Map<String, Instant> ready = readyLongAgo(List.of(old1, old2));
        ready.put(next1.id(), T0.plusSeconds(1));
        d = decide(desired, observed, t, ready);
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.inFlight()).isEqualTo(1);
        assertThat(d.pendingReplicas()).isEqualTo(1);
        assertThat(d.requeueAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.rolloutFailures()).isEmpty();

        // Pass 3: ready for 5 s; the old one goes, the new one takes its name, and the next batch starts.
        t = T0.plusSeconds(6);
        d = decide(desired, observed, t, ready);
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-1: replaced by default-web-1-next: %1$s
                [2] RemoveContainer default-web-1: replaced by default-web-1-next: %1$s
                [3] RenameContainer default-web-1-next -> default-web-1: replica 1 has a temporary name
                [4] CreateContainer default-web-2-next: replaces default-web-2: %1$s
                [5] StartContainer default-web-2-next: start-first: runs beside default-web-2 until ready""".formatted(why));
        assertThat(d.inFlight()).isZero();
        assertThat(d.pendingReplicas()).isEqualTo(1);
        assertNoNameConflicts(d.plan(), observed);
        Operation.RenameContainer rename = (Operation.RenameContainer) d.plan().operations().get(2);
        assertThat(rename.ref()).as("renamed by id").isEqualTo(next1.id());
    }

    @Test
    void aStaleContainerHoldingTheTemporaryNameIsReplacedStopFirstWithoutANameConflict() {
        DesiredApp middle = target(1, "nginx:1.27", u -> u.order = "start-first");
        DesiredApp desired = target(1, "nginx:1.28", u -> u.order = "start-first");
        String why = hashChange(middle, desired);
        List<ObservedContainer> observed = List.of(running(middle, "default-web-1-next", 1, LONG_AGO, T0));

        Decision d = decide(desired, observed, T0, readyLongAgo(observed));
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-1-next: replaced: %1$s
                [2] RemoveContainer default-web-1-next: replaced: %1$s
                [3] CreateContainer default-web-1: replaces default-web-1-next: %1$s
                [4] StartContainer default-web-1: replacement of replica 1""".formatted(why));
        assertNoNameConflicts(d.plan(), observed);
    }

    @Test
    void aStaleDuplicateUnderTheTemporaryNameGoesBeforeTheStartFirstReplacementIsCreated() {
        DesiredApp first = target(1, "nginx:1.26", u -> u.order = "start-first");
        DesiredApp middle = target(1, "nginx:1.27", u -> u.order = "start-first");
        DesiredApp desired = target(1, "nginx:1.28", u -> u.order = "start-first");
        String why = hashChange(first, desired);
        List<ObservedContainer> observed = List.of(
                running(first, "default-web-1", 1, LONG_AGO, T0),
                created(middle, "default-web-1-next", 1, LONG_AGO));

        Decision d = decide(desired, observed, T0, readyLongAgo(observed.subList(0, 1)));
        assertThat(d.plan().toString()).isEqualTo("""
                [1] RemoveContainer default-web-1-next: duplicate of replica 1
                [2] CreateContainer default-web-1-next: replaces default-web-1: %1$s
                [3] StartContainer default-web-1-next: start-first: runs beside default-web-1 until ready""".formatted(why));
        assertNoNameConflicts(d.plan(), observed);
    }

    // ---- rollout failures ---------------------------------------------------------------

    @Test
    void aNewReplicaThatExitsFailsTheRolloutAndHoldsTheNextBatch() {
        DesiredApp old = target(2, "nginx:1.26", u -> u.order = "start-first");
        DesiredApp desired = target(2, "nginx:1.27", u -> u.order = "start-first");
        Instant t = T0.plusSeconds(10);
        ObservedContainer old1 = running(old, "default-web-1", 1, LONG_AGO, t);
        ObservedContainer old2 = running(old, "default-web-2", 2, LONG_AGO, t);
        List<ObservedContainer> observed = List.of(old1, exited(desired, "default-web-1-next", 1, 1, T0), old2);

        Decision d = decide(desired, observed, t, readyLongAgo(List.of(old1, old2)));
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.rolloutFailures()).containsExactly("default-web-1-next exited with code 1");
        assertThat(d.rolloutFailed()).isTrue();
        assertThat(d.rolloutComplete()).isFalse();
        assertThat(d.pendingReplicas()).isEqualTo(1);
        assertThat(d.requeueAfter()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anUnhealthyNewReplicaFailsTheRollout() {
        DesiredApp old = target(2, "nginx:1.26", u -> { });
        DesiredApp desired = target(2, "nginx:1.27", u -> { });
        Instant t = T0.plusSeconds(30);
        ObservedContainer old2 = running(old, "default-web-2", 2, LONG_AGO, t);
        ObservedContainer new1 = withHealth(running(desired, "default-web-1", 1, T0, t), "unhealthy");
        List<ObservedContainer> observed = List.of(new1, old2);

        Decision d = decide(desired, observed, t, readyLongAgo(List.of(old2)));
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.rolloutFailures()).containsExactly("default-web-1 is unhealthy");
    }

    @Test
    void oneFailureOfThreeIsToleratedWithMaxFailureRatioOneHalfButTwoAreNot() {
        DesiredApp old = target(3, "nginx:1.26", u -> u.maxFailureRatio = 0.5);
        DesiredApp desired = target(3, "nginx:1.27", u -> u.maxFailureRatio = 0.5);
        String why = hashChange(old, desired);
        Instant t = T0.plusSeconds(10);
        ObservedContainer old2 = running(old, "default-web-2", 2, LONG_AGO, t);
        ObservedContainer old3 = running(old, "default-web-3", 3, LONG_AGO, t);

        // floor(0.5 * 3) = 1 failure allowed: the rollout goes on.
        List<ObservedContainer> observed = List.of(exited(desired, "default-web-1", 1, 1, T0), old2, old3);
        Decision d = decide(desired, observed, t, readyLongAgo(List.of(old2, old3)));
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-2: replaced: %1$s
                [2] RemoveContainer default-web-2: replaced: %1$s
                [3] CreateContainer default-web-2: replaces default-web-2: %1$s
                [4] StartContainer default-web-2: replacement of replica 2""".formatted(why));
        assertThat(d.rolloutFailures()).isEmpty();
        assertThat(d.pendingReplicas()).isEqualTo(2);

        // A second failure is one too many: no new batch.
        t = T0.plusSeconds(30);
        observed = List.of(exited(desired, "default-web-1", 1, 1, T0), exited(desired, "default-web-2", 2, 2, T0.plusSeconds(10)), old3);
        d = decide(desired, observed, t, readyLongAgo(List.of(old3)));
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.rolloutFailures()).containsExactly("default-web-1 exited with code 1", "default-web-2 exited with code 2");
        assertThat(d.pendingReplicas()).isEqualTo(1);
    }

    @Test
    void failureActionContinueIgnoresFailures() {
        DesiredApp old = target(2, "nginx:1.26", u -> u.failureAction = "continue");
        DesiredApp desired = target(2, "nginx:1.27", u -> u.failureAction = "continue");
        String why = hashChange(old, desired);
        Instant t = T0.plusSeconds(10);
        ObservedContainer old2 = running(old, "default-web-2", 2, LONG_AGO, t);
        List<ObservedContainer> observed = List.of(exited(desired, "default-web-1", 1, 1, T0), old2);

        Decision d = decide(desired, observed, t, readyLongAgo(List.of(old2)));
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-2: replaced: %1$s
                [2] RemoveContainer default-web-2: replaced: %1$s
                [3] CreateContainer default-web-2: replaces default-web-2: %1$s
                [4] StartContainer default-web-2: replacement of replica 2""".formatted(why));
        assertThat(d.rolloutFailures()).isEmpty();
        assertThat(d.inFlight()).isZero();
    }

    @Test
    void failureActionContinueIgnoresAFailedStartFirstReplacementToo() {
        DesiredApp old = target(2, "nginx:1.26", u -> {
            u.order = "start-first";
            u.failureAction = "continue";
        });
        DesiredApp desired = target(2, "nginx:1.27", u -> {
            u.order = "start-first";
            u.failureAction = "continue";
        });
        String why = hashChange(old, desired);
        Instant t = T0.plusSeconds(10);
        ObservedContainer old1 = running(old, "default-web-1", 1, LONG_AGO, t);
        ObservedContainer old2 = running(old, "default-web-2", 2, LONG_AGO, t);
        List<ObservedContainer> observed = List.of(old1, exited(desired, "default-web-1-next", 1, 1, T0), old2);

        Decision d = decide(desired, observed, t, readyLongAgo(List.of(old1, old2)));
        assertThat(d.rolloutFailures()).isEmpty();
        assertThat(d.inFlight()).isZero();
        // "continue" is Swarm's: the update carries on, and the new (failed) replica takes the old one's place
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-1: replaced by default-web-1-next: %1$s
                [2] RemoveContainer default-web-1: replaced by default-web-1-next: %1$s
                [3] RenameContainer default-web-1-next -> default-web-1: replica 1 has a temporary name
                [4] CreateContainer default-web-2-next: replaces default-web-2: %1$s
                [5] StartContainer default-web-2-next: start-first: runs beside default-web-2 until ready""".formatted(why));
    }

    @Test
    void aNewReplicaNotReadyAfterTheProgressDeadlineFailsTheRollout() {
        DesiredApp old = target(2, "nginx:1.26", u -> u.progressDeadline = "2m");
        DesiredApp desired = target(2, "nginx:1.27", u -> u.progressDeadline = "2m");
        ObservedContainer old2 = running(old, "default-web-2", 2, LONG_AGO, T0);

        // Created at T0, still starting its healthcheck at T0+120s: still in flight.
        Instant t = T0.plusSeconds(120);
        List<ObservedContainer> observed = List.of(withHealth(running(desired, "default-web-1", 1, T0, t), "starting"), old2);
        Decision d = decide(desired, observed, t, readyLongAgo(List.of(old2)));
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.rolloutFailures()).isEmpty();
        assertThat(d.inFlight()).isEqualTo(1);

        // One second later it has had its chance.
        t = T0.plusSeconds(121);
        observed = List.of(withHealth(running(desired, "default-web-1", 1, T0, t), "starting"), old2);
        d = decide(desired, observed, t, readyLongAgo(List.of(old2)));
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.rolloutFailures()).containsExactly("default-web-1 not ready after 120s (update.progressDeadline)");
        assertThat(d.inFlight()).isZero();
    }

    @Test
    void aNewReplicaLeftCreatedMidRolloutIsStarted() {
        DesiredApp old = target(2, "nginx:1.26", u -> { });
        DesiredApp desired = target(2, "nginx:1.27", u -> { });
        Instant t = T0.plusSeconds(5);
        ObservedContainer old2 = running(old, "default-web-2", 2, LONG_AGO, t);
        List<ObservedContainer> observed = List.of(created(desired, "default-web-1", 1, T0), old2);

        Decision d = decide(desired, observed, t, readyLongAgo(List.of(old2)));
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StartContainer default-web-1: container is created, should run""");
    }

    @Test
    void aCrashBesideADeadReplicaIsRestartedNotCountedAsARolloutFailure() {
        DesiredApp desired = target(2, "nginx:1.27", u -> { });
        List<ObservedContainer> observed = List.of(
                exited(desired, "default-web-1", 1, 1, LONG_AGO),
                container(desired, "default-web-2", 2, "dead", LONG_AGO, "Dead"));

        Decision d = supervise(desired, observed, T0, Map.of());
        assertThat(d.rolloutFailures()).isEmpty();
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StartContainer default-web-1: container is exited (code 1), should run; restart 1
                [2] RemoveContainer default-web-2: replaced: container is dead
                [3] CreateContainer default-web-2: replaces default-web-2: container is dead
                [4] StartContainer default-web-2: replacement of replica 2""");
    }

    // ---- image identity -----------------------------------------------------------------

    @Test
    void aTagThatNowNamesAnotherImageMakesReplicasStaleWithTheSameHash() {
        DesiredApp before = target(2, "nginx:1.27", u -> { }).withImage(IMG_OLD, 1, IMG_OLD);
        DesiredApp desired = target(2, "nginx:1.27", u -> { }).withImage(IMG_NEW, 2, IMG_NEW);
        assertThat(desired.configHash()).isEqualTo(before.configHash());
        List<ObservedContainer> observed = List.of(
                running(before, "default-web-1", 1, LONG_AGO, T0),
                running(before, "default-web-2", 2, LONG_AGO, T0));

        Decision d = decide(desired, observed, T0, readyLongAgo(observed));
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-1: replaced: image changed (aaaaaaaaaaaa -> bbbbbbbbbbbb)
                [2] RemoveContainer default-web-1: replaced: image changed (aaaaaaaaaaaa -> bbbbbbbbbbbb)
                [3] CreateContainer default-web-1: replaces default-web-1: image changed (aaaaaaaaaaaa -> bbbbbbbbbbbb)
                [4] StartContainer default-web-1: replacement of replica 1""");
        assertThat(d.pendingReplicas()).isEqualTo(2);
        Operation.CreateContainer create = (Operation.CreateContainer) d.plan().operations().get(2);
        assertThat(create.spec().image()).as("created from the tag").isEqualTo("nginx:1.27");
        assertThat(create.spec().labels()).containsEntry(Labels.REVISION, "2");

        // Containers whose image is unknown are not judged by it.
        List<ObservedContainer> unknown = observed.stream().map(c -> withImageId(c, null)).toList();
        assertThat(decide(desired, unknown, T0, readyLongAgo(unknown)).plan().toString()).isEmpty();
    }

    @Test
    void aRollbackPastAMovedTagCreatesFromThePinnedImageId() {
        DesiredApp desired = target(1, "nginx:1.27", u -> { }).withImage(IMG_OLD, 1, IMG_NEW);
        List<ObservedContainer> observed = List.of(withImageId(running(desired, "default-web-1", 1, LONG_AGO, T0), IMG_NEW));

        Decision d = decide(desired, observed, T0, readyLongAgo(observed));
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-1: replaced: image changed (bbbbbbbbbbbb -> aaaaaaaaaaaa)
                [2] RemoveContainer default-web-1: replaced: image changed (bbbbbbbbbbbb -> aaaaaaaaaaaa)
                [3] CreateContainer default-web-1: replaces default-web-1: image changed (bbbbbbbbbbbb -> aaaaaaaaaaaa)
                [4] StartContainer default-web-1: replacement of replica 1""");
        Operation.CreateContainer create = (Operation.CreateContainer) d.plan().operations().get(2);
        assertThat(create.spec().image()).isEqualTo(IMG_OLD);
    }

    // ---- crash supervision --------------------------------------------------------------

    @Test
    void anExitedReplicaIsRestartedWithADoublingBackOff() {
        DesiredApp desired = target(1, "nginx:1.27", u -> { });

        // First crash: restarted at once; the next restart may come 10 s later.
        List<ObservedContainer> observed = List.of(exited(desired, "default-web-1", 1, 1, LONG_AGO));
        Decision d = supervise(desired, observed, T0, Map.of());
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StartContainer default-web-1: container is exited (code 1), should run; restart 1""");
        assertThat(d.crashes()).containsExactly(Map.entry(1, new CrashState(1, T0.plusSeconds(10), T0)));
        assertThat(d.requeueAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.backoffs()).isEmpty();

        // Exited again 4 s later: within the back-off, nothing but a note and a look again when it ends.
        Instant t = T0.plusSeconds(4);
        d = supervise(desired, observed, t, d.crashes());
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.backoffs()).containsExactly(
                "default-web-1 exited with code 1; restarted 1 times; next attempt at 2026-01-01T00:00:10Z (back-off 10s)");
        assertThat(d.requeueAfter()).isEqualTo(Duration.ofSeconds(6));
        assertThat(d.crashes()).containsExactly(Map.entry(1, new CrashState(1, T0.plusSeconds(10), T0)));

        // Once the back-off is over: restart 2, and the next back-off is 20 s.
        t = T0.plusSeconds(10);
        d = supervise(desired, observed, t, d.crashes());
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StartContainer default-web-1: container is exited (code 1), should run; restart 2""");
        assertThat(d.crashes()).containsExactly(Map.entry(1, new CrashState(2, t.plusSeconds(20), t)));
        assertThat(d.requeueAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(d.backoffs()).isEmpty();
    }

    @Test
    void theBackOffDoublesUpToFiveMinutes() {
        assertThat(AppPlanner.backoff(0)).isEqualTo(Duration.ZERO);
        assertThat(AppPlanner.backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(AppPlanner.backoff(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(AppPlanner.backoff(5)).isEqualTo(Duration.ofSeconds(160));
        assertThat(AppPlanner.backoff(6)).isEqualTo(Duration.ofMinutes(5));
        assertThat(AppPlanner.backoff(100)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aReplicaRunningTenMinutesIsForgivenItsCrashes() {
        DesiredApp desired = target(1, "nginx:1.27", u -> { });
        ObservedContainer c = withStatus(running(desired, "default-web-1", 1, LONG_AGO, T0), "Up 10 minutes");
        Map<Integer, CrashState> crashes = Map.of(1, new CrashState(3, T0.minusSeconds(500), T0.minusSeconds(600)));

        Decision d = supervise(desired, List.of(c), T0, crashes);
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.crashes()).isEmpty();

        ObservedContainer young = withStatus(c, "Up 9 minutes");
        assertThat(supervise(desired, List.of(young), T0, crashes).crashes()).containsOnlyKeys(1);
    }

    @Test
    void restartPolicyNoLeavesAnExitedReplicaAlone() {
        DesiredApp desired = target(1, "nginx:1.27", s -> s.restartPolicy = "no", u -> { });

        Decision d = supervise(desired, List.of(exited(desired, "default-web-1", 1, 1, LONG_AGO)), T0, Map.of());
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.requeueAfter()).isNull();
        assertThat(d.crashes()).isEmpty();
    }

    /** A one-shot job (exits 0, not restarted) rolled out anew has done its work: no failure, nothing watched, nothing restarted. */
    @Test
    void aRolledOutOneShotJobThatExitedZeroCompletesTheRollout() {
        DesiredApp job = target(1, "nginx:1.27", s -> s.restartPolicy = "no", u -> { });
        Decision done = decide(job, List.of(exited(job, "default-web-1", 1, 0, T0.minusSeconds(1))), T0, Map.of());
        assertThat(done.plan().toString()).isEmpty();
        assertThat(done.rolloutFailed()).isFalse();
        assertThat(done.rolloutComplete()).isTrue();

        Decision failed = decide(job, List.of(exited(job, "default-web-1", 1, 3, T0.minusSeconds(1))), T0, Map.of());
        assertThat(failed.rolloutFailures()).containsExactly("default-web-1 exited with code 3");
        // a service that should keep running has failed when it exits, whatever the code
        DesiredApp service = target(1, "nginx:1.27", s -> s.restartPolicy = "always", u -> { });
        assertThat(decide(service, List.of(exited(service, "default-web-1", 1, 0, T0.minusSeconds(1))), T0, Map.of()).rolloutFailures())
                .containsExactly("default-web-1 exited with code 0");
    }

    @Test
    void restartPolicyOnFailureRestartsOnlyAfterAFailure() {
        DesiredApp desired = target(1, "nginx:1.27", s -> s.restartPolicy = "on-failure", u -> { });

        Decision clean = supervise(desired, List.of(exited(desired, "default-web-1", 1, 0, LONG_AGO)), T0, Map.of());
        assertThat(clean.plan().toString()).isEmpty();
        assertThat(clean.crashes()).isEmpty();

        Decision failed = supervise(desired, List.of(exited(desired, "default-web-1", 1, 137, LONG_AGO)), T0, Map.of());
        assertThat(failed.plan().toString()).isEqualTo("""
                [1] StartContainer default-web-1: container is exited (code 137), should run; restart 1""");
    }

    @Test
    void restartPolicyAlwaysRestartsAfterACleanExit() {
        DesiredApp desired = target(1, "nginx:1.27", s -> s.restartPolicy = "always", u -> { });

        Decision d = supervise(desired, List.of(exited(desired, "default-web-1", 1, 0, LONG_AGO)), T0, Map.of());
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StartContainer default-web-1: container is exited (code 0), should run; restart 1""");
    }

    @Test
    void anUnhealthyReplicaIsReplacedUnderTheSameBackOff() {
        DesiredApp desired = target(1, "nginx:1.27", u -> { });
        ObservedContainer sick = withHealth(running(desired, "default-web-1", 1, LONG_AGO, T0), "unhealthy");

        Decision d = supervise(desired, List.of(sick), T0, Map.of());
        assertThat(d.plan().toString()).isEqualTo("""
                [1] StopContainer default-web-1: unhealthy; replaced (restart 1)
                [2] RemoveContainer default-web-1: unhealthy; replaced (restart 1)
                [3] CreateContainer default-web-1: replaces unhealthy default-web-1
                [4] StartContainer default-web-1: replacement of unhealthy replica 1""");
        assertThat(d.crashes()).containsExactly(Map.entry(1, new CrashState(1, T0.plusSeconds(10), T0)));
        assertThat(d.requeueAfter()).isEqualTo(Duration.ofSeconds(10));
        assertNoNameConflicts(d.plan(), List.of(sick));

        // The replacement turns unhealthy within the back-off: left alone until it ends.
        Instant t = T0.plusSeconds(7);
        ObservedContainer sickAgain = withId(withHealth(running(desired, "default-web-1", 1, T0, t), "unhealthy"), "id-replacement");
        d = supervise(desired, List.of(sickAgain), t, d.crashes());
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.backoffs()).containsExactly(
                "default-web-1 is unhealthy; restarted 1 times; next attempt at 2026-01-01T00:00:10Z (back-off 10s)");
        assertThat(d.requeueAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void anUnhealthyReplicaIsKeptWhenRestartOnUnhealthyIsOff() {
        DesiredApp desired = target(1, "nginx:1.27", s -> s.restartOnUnhealthy = false, u -> { });
        ObservedContainer sick = withHealth(running(desired, "default-web-1", 1, LONG_AGO, T0), "unhealthy");

        Decision d = supervise(desired, List.of(sick), T0, Map.of());
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.crashes()).isEmpty();
    }

    // ---- dependencies -------------------------------------------------------------------

    @Test
    void missingReplicasWaitForDependencies() {
        DesiredApp desired = target(3, "nginx:1.27", u -> { });
        List<ObservedContainer> observed = List.of(running(desired, "default-web-1", 1, LONG_AGO, T0));

        Decision d = AppPlanner.decide(desired, new RolloutState(observed, T0, readyLongAgo(observed), Map.of(), false, false));
        assertThat(d.plan().toString()).isEmpty();
        assertThat(d.waitingForDependencies()).isEqualTo(2);

        d = AppPlanner.decide(desired, new RolloutState(observed, T0, readyLongAgo(observed), Map.of(), false, true));
        assertThat(d.plan().toString()).isEqualTo("""
                [1] CreateContainer default-web-2: missing replica 2
                [2] StartContainer default-web-2: new replica 2
                [3] CreateContainer default-web-3: missing replica 3
                [4] StartContainer default-web-3: new replica 3""");
        assertThat(d.waitingForDependencies()).isZero();
    }

    // ---- helpers ------------------------------------------------------------------------

    /** An App "web" with the given replicas and image, and spec.update as customized. */
    static DesiredApp target(int replicas, String image, Consumer<AppSpec.UpdateStrategy> update) {
        return target(replicas, image, s -> { }, update);
    }

    static DesiredApp target(int replicas, String image, Consumer<AppSpec> spec, Consumer<AppSpec.UpdateStrategy> update) {
        return DesiredApp.of(app("web", s -> {
            s.replicas = replicas;
            s.image = image;
            s.update = new AppSpec.UpdateStrategy();
            update.accept(s.update);
            spec.accept(s);
        }));
    }

    /** A pass during a rollout (status says one is in progress). */
    static Decision decide(DesiredApp desired, List<ObservedContainer> observed, Instant now, Map<String, Instant> readySince) {
        return AppPlanner.decide(desired, new RolloutState(observed, now, readySince, Map.of(), true, true));
    }

    /** A pass outside any rollout, with the crash history of the previous one. */
    static Decision supervise(DesiredApp desired, List<ObservedContainer> observed, Instant now, Map<Integer, CrashState> crashes) {
        Map<String, Instant> ready = new HashMap<>();
        observed.stream().filter(ObservedContainer::isReady).forEach(c -> ready.put(c.id(), LONG_AGO));
        return AppPlanner.decide(desired, new RolloutState(observed, now, ready, crashes, false, true));
    }

    /** Every ready container seen ready since long ago. */
    static Map<String, Instant> readyLongAgo(List<ObservedContainer> containers) {
        Map<String, Instant> ready = new HashMap<>();
        containers.stream().filter(ObservedContainer::isReady).forEach(c -> ready.put(c.id(), LONG_AGO.plusSeconds(10)));
        return ready;
    }

    static ObservedContainer running(DesiredApp made, String name, int replica, Instant created, Instant now) {
        long up = now.getEpochSecond() - created.getEpochSecond();
        return container(made, name, replica, "running", created, "Up " + up + " seconds");
    }

    static ObservedContainer exited(DesiredApp made, String name, int replica, int code, Instant created) {
        return container(made, name, replica, "exited", created, "Exited (" + code + ") 1 second ago");
    }

    static ObservedContainer created(DesiredApp made, String name, int replica, Instant created) {
        return container(made, name, replica, "created", created, "Created");
    }

    /** Ids differ between configurations, so a replacement under the same name is another container. */
    static ObservedContainer container(DesiredApp made, String name, int replica, String state, Instant created, String status) {
        Map<String, String> labels = made.container(name, replica).labels();
        return new ObservedContainer("id-" + name + "-" + made.configHash().substring(0, 8)
                + (made.imageId() == null ? "" : "-" + made.imageId().substring(7, 11)), name, labels, state, "none",
                Set.copyOf(made.networkNames()), created.getEpochSecond(),
                made.imageId() == null ? "sha256:image" : made.imageId(), status, List.of());
    }

    static ObservedContainer withHealth(ObservedContainer c, String health) {
        return new ObservedContainer(c.id(), c.name(), c.labels(), c.state(), health, c.networks(),
                c.createdEpochSeconds(), c.imageId(), c.status() + " (" + (health.equals("starting") ? "health: starting" : health) + ")",
                c.ports());
    }

    static ObservedContainer withStatus(ObservedContainer c, String status) {
        return new ObservedContainer(c.id(), c.name(), c.labels(), c.state(), c.health(), c.networks(),
                c.createdEpochSeconds(), c.imageId(), status, c.ports());
    }

    static ObservedContainer withImageId(ObservedContainer c, String imageId) {
        return new ObservedContainer(c.id(), c.name(), c.labels(), c.state(), c.health(), c.networks(),
                c.createdEpochSeconds(), imageId, c.status(), c.ports());
    }

    static ObservedContainer withId(ObservedContainer c, String id) {
        return new ObservedContainer(id, c.name(), c.labels(), c.state(), c.health(), c.networks(),
                c.createdEpochSeconds(), c.imageId(), c.status(), c.ports());
    }
}
