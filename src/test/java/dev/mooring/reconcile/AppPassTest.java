package dev.mooring.reconcile;

import dev.mooring.api.AppSpec;
import dev.mooring.api.AppStatus;
import dev.mooring.api.Condition;
import dev.mooring.control.Result;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loop's pass of an App over in-memory fakes of the store and the engine: what it performs,
 * the status and the events it records, pass after pass. Fast: no Quarkus, no engine.
 */
class AppPassTest {
    final FakeLoop loop = new FakeLoop();

    @Test
    void aNewAppGetsItsReplicasAndItsFirstRevisionCompletes() {
        loop.apply("web", s -> s.replicas = 2);

        Result r = loop.reconcile("web");

        assertThat(loop.performed).containsExactly(
                "CreateContainer default-web-1: missing replica 1", "StartContainer default-web-1: new replica 1",
                "CreateContainer default-web-2: missing replica 2", "StartContainer default-web-2: new replica 2");
        assertThat(conditions()).isEqualTo("""
                Ready=True AllReplicasReady: 2/2 replicas ready
                Progressing=False Converged: every replica runs the desired configuration
                Degraded=False AsExpected:\s""");
        AppStatus s = loop.stored("web").getStatus();
        assertThat(s.rollout.phase + " " + s.rollout.revision + " current " + s.currentRevision).isEqualTo("Complete 1 current 1");
        assertThat(loop.revisions.phases()).isEqualTo("1 Complete");
        assertThat(r.requeueAfter()).isEmpty();
        loop.reconcile("web");
        assertThat(loop.performed).as("converged: the next pass does nothing").isEmpty();
    }

    @Test
    void aOneShotJobThatExitedZeroHasCompletedAndIsNotLookedAtAgain() {
        loop.apply("web", s -> {
            s.restartPolicy = "no";
            s.env = List.of(new AppSpec.EnvVar("MODE", "job"));
        });

        Result r = loop.reconcile("web");

        assertThat(loop.performed).containsExactly(
                "CreateContainer default-web-1: missing replica 1", "StartContainer default-web-1: new replica 1");
        assertThat(conditions()).startsWith("Ready=False Completed: every replica exited 0; restartPolicy no starts none again");
        assertThat(r.requeueAfter()).as("nothing is left to wait for").isEmpty();
        loop.reconcile("web");
        assertThat(loop.performed).as("the job runs once").isEmpty();
    }

    @Test
    void aSuspendedAppIsLeftAlone() {
        loop.apply("web", s -> s.suspend = true);

        loop.reconcile("web");

        assertThat(loop.performed).isEmpty();
        assertThat(conditions()).isEqualTo("""
                Suspended=True Suspended: spec.suspend is true: Mooring leaves this App alone
                Progressing=False Suspended: spec.suspend is true: Mooring leaves this App alone""");
    }

    @Test
    void aRolloutThatFailsWithNoEarlierRevisionCompletedHasNothingToRollBackToAndPauses() {
        failWithNothingToReturnTo();

        assertThat(loop.performed).as("paused: the failed replica stays as it is").isEmpty();
        assertThat(loop.events).contains("Warning RolloutFailed: revision 2 failed (default-web-1 exited with code 1); "
                + "no earlier revision completed, nothing to roll back to; rollout paused until the spec changes");
        assertThat(loop.stored("web").getStatus().rollout.phase).isEqualTo("Paused");
        assertThat(loop.revisions.phases()).isEqualTo("1 Progressing, 2 Failed");
        assertThat(conditions()).contains("Degraded=True RolloutFailed: revision 2 failed (default-web-1 exited with code 1); "
                + "no earlier revision completed, nothing to roll back to; rollout paused until the spec changes");
    }

    @Test
    void aSpecChangeAfterAFailureForgetsItAndRollsOutTheNewRevision() {
        failWithNothingToReturnTo();

        loop.apply("web", s -> s.env = List.of(new AppSpec.EnvVar("MODE", "fixed")));
        loop.reconcile("web");

        assertThat(loop.performed).hasSize(3).first().asString().startsWith("RemoveContainer default-web-1: replaced: config hash changed");
        AppStatus.Rollout r = loop.stored("web").getStatus().rollout;
        assertThat(r.phase + " " + r.revision + " failed " + r.failedRevision).isEqualTo("Progressing 3 failed null");
        assertThat(loop.events).contains("Normal RolloutStarted: rolling out revision 3 (1 replicas to replace)");
    }

    /** Revision 1 crash-loops (it never completes); revision 2 fails its rollout. */
    private void failWithNothingToReturnTo() {
        loop.apply("web", s -> s.env = List.of(new AppSpec.EnvVar("MODE", "crash")));
        loop.reconcile("web");
        loop.apply("web", s -> s.env = List.of(new AppSpec.EnvVar("MODE", "crash-again")));
        loop.reconcile("web");
        loop.clock.advance(Duration.ofSeconds(1));
        loop.reconcile("web");
    }

    @Test
    void anAppThatDependsOnAnotherCreatesNoReplicaUntilItIsMet() {
        loop.apply("web", s -> {
            AppSpec.Dependency d = new AppSpec.Dependency();
            d.app = "db";
            d.condition = "started";
            s.dependsOn = List.of(d);
        });

        Result r = loop.reconcile("web");

        assertThat(loop.performed).isEmpty();
        assertThat(conditions()).contains("Progressing=True WaitingForDependencies: waiting for App db (not found)");
        assertThat(r.requeueAfter()).contains(AppPass.DEPENDENCY_RECHECK);
        ResourcePlan plan = loop.plan("web");
        assertThat(plan.waitingFor()).isEqualTo("App db (not found)");
        assertThat(plan.changes()).extracting(c -> c.action() + " " + c.target()).containsExactly("create default-web-1");
    }

    private String conditions() {
        return loop.stored("web").getStatus().conditions.stream().map(c -> c.type + "=" + c.status + " " + c.reason + ": " + c.message)
                .collect(Collectors.joining("\n"));
    }
}
