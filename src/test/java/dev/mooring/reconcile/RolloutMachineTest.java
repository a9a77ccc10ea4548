package dev.mooring.reconcile;

import dev.mooring.api.AppStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rollout state machine is pure: a previous rollout status and a planner decision built by
 * hand; each test asserts the whole text of what it returns (phase, failure, events, conditions).
 */
class RolloutMachineTest {
    static final long GEN = 5L;

    @Test
    void aRolloutWhoseReplicasAllRunTheTargetCompletes() {
        AppStatus.Rollout previous = rollout("Progressing", 2);

        RolloutMachine.Settled s = RolloutMachine.settle(previous, complete(), pass(2, false, false, true));

        assertThat(describe(s)).isEqualTo("""
                phase=Complete revision=2 failed=- message=-
                event Normal RolloutComplete: revision 2 runs on every replica
                completed""");
        assertThat(describe(RolloutMachine.settle(s.rollout(), complete(), pass(2, false, false, true))))
                .as("a complete rollout says so once").isEqualTo("""
                phase=Complete revision=2 failed=- message=-
                completed""");
    }

    @Test
    void aFailedRevisionRollsBackToTheLastOneThatCompletedAndSaysSo() {
        AppStatus.Rollout previous = rollout("Progressing", 3);

        RolloutMachine.Failure f = RolloutMachine.failed(previous, 3, GEN, "sha256:bad", List.of("default-web-1 exited with code 1"),
                "rollback", 2);

        assertThat(f.rollbackTo()).isEqualTo(2);
        assertThat(f.event()).hasToString("Warning RolloutFailed: revision 3 failed: default-web-1 exited with code 1; rolling back to revision 2");
        RolloutMachine.Settled back = RolloutMachine.settle(f.rollout(), pending(1, 0), pass(2, false, true, false));
        assertThat(describe(back)).isEqualTo("""
                phase=RollingBack revision=2 failed=3@5 message=revision 3 failed (default-web-1 exited with code 1); rolled back to revision 2
                condition Degraded=true RolloutFailed: revision 3 failed (default-web-1 exited with code 1); rolled back to revision 2
                condition Progressing=true RolloutFailed: revision 3 failed (default-web-1 exited with code 1); rolled back to revision 2""");
        assertThat(RolloutMachine.started(rollout("Progressing", 3), 2, true, pendingWithPlan(1)).orElseThrow())
                .hasToString("Normal RollingBack: rolling back to revision 2 (1 replicas to replace)");

        RolloutMachine.Settled done = RolloutMachine.settle(back.rollout(), complete(), pass(2, true, true, true));
        assertThat(describe(done)).isEqualTo("""
                phase=RolledBack revision=2 failed=3@5 message=revision 3 failed (default-web-1 exited with code 1); rolled back to revision 2
                event Normal RolledBack: rolled back to revision 2
                condition Degraded=true RolloutFailed: revision 3 failed (default-web-1 exited with code 1); rolled back to revision 2
                condition Progressing=false RolloutFailed: revision 3 failed (default-web-1 exited with code 1); rolled back to revision 2
                completed""");
    }

    @Test
    void aFailedFirstRevisionHasNothingToRollBackToAndPauses() {
        RolloutMachine.Failure f = RolloutMachine.failed(rollout(null, null), 1, GEN, "sha256:bad",
                List.of("default-web-1 is unhealthy"), "rollback", null);

        assertThat(f.rollbackTo()).isNull();
        assertThat(f.event()).hasToString("Warning RolloutFailed: revision 1 failed (default-web-1 is unhealthy); "
                + "no earlier revision completed, nothing to roll back to; rollout paused until the spec changes");
        assertThat(describe(RolloutMachine.settle(f.rollout(), failed("default-web-1 is unhealthy"), pass(1, false, false, false))))
                .isEqualTo("""
                        phase=Paused revision=1 failed=1@5 message=revision 1 failed (default-web-1 is unhealthy); no earlier revision completed, nothing to roll back to; rollout paused until the spec changes
                        condition Degraded=true RolloutFailed: revision 1 failed (default-web-1 is unhealthy); no earlier revision completed, nothing to roll back to; rollout paused until the spec changes
                        condition Progressing=true RolloutFailed: revision 1 failed (default-web-1 is unhealthy); no earlier revision completed, nothing to roll back to; rollout paused until the spec changes""");
    }

    @Test
    void failureActionPausePausesTheRolloutWhereItFailed() {
        RolloutMachine.Failure f = RolloutMachine.failed(rollout("Progressing", 4), 4, GEN, "sha256:bad",
                List.of("default-web-2 not ready after 120s (update.progressDeadline)"), "pause", 3);

        assertThat(f.rollbackTo()).as("pause never rolls back, whatever completed before").isNull();
        RolloutMachine.Settled s = RolloutMachine.settle(f.rollout(), failed("default-web-2 not ready after 120s (update.progressDeadline)"),
                pass(4, false, false, true));
        assertThat(describe(s)).isEqualTo("""
                phase=Paused revision=4 failed=4@5 message=revision 4 failed (default-web-2 not ready after 120s (update.progressDeadline)); rollout paused until the spec changes
                condition Degraded=true RolloutFailed: revision 4 failed (default-web-2 not ready after 120s (update.progressDeadline)); rollout paused until the spec changes
                condition Progressing=true RolloutFailed: revision 4 failed (default-web-2 not ready after 120s (update.progressDeadline)); rollout paused until the spec changes""");
        assertThat(describe(RolloutMachine.settle(s.rollout(), nothing(), new RolloutMachine.Pass(4, GEN, true, false, false, null))))
                .as("the failed revision stays failed for this generation; nothing is rolled out any more").isEqualTo("""
                phase=Paused revision=4 failed=4@5 message=revision 4 failed (default-web-2 not ready after 120s (update.progressDeadline)); rollout paused until the spec changes
                condition Degraded=true RolloutFailed: revision 4 failed (default-web-2 not ready after 120s (update.progressDeadline)); rollout paused until the spec changes
                condition Progressing=false RolloutFailed: revision 4 failed (default-web-2 not ready after 120s (update.progressDeadline)); rollout paused until the spec changes""");
    }

    @Test
    void aSpecChangeAfterAFailureForgetsItAndRollsOutTheNewRevision() {
        AppStatus.Rollout paused = rollout("Paused", 4);
        paused.failedRevision = 4;
        paused.failedGeneration = GEN;
        paused.failedImageId = "sha256:bad";
        paused.message = "revision 4 failed (default-web-1 exited with code 1); rollout paused until the spec changes";

        assertThat(RolloutMachine.started(paused, 5, false, pendingWithPlan(2)).orElseThrow())
                .hasToString("Normal RolloutStarted: rolling out revision 5 (2 replicas to replace)");
        RolloutMachine.Settled s = RolloutMachine.settle(paused, pending(2, 0), new RolloutMachine.Pass(5, GEN + 1, false, false, false, null));

        assertThat(describe(s)).isEqualTo("""
                phase=Progressing revision=5 failed=- message=-
                condition Progressing=true RollingOut: rolling out revision 5: 2 replicas to replace, 0 being watched""");
    }

    @Test
    void aBackOffOrAWaitForAppsSpeaksWhenNoFailureDoes() {
        AppPlanner.Decision backoff = new AppPlanner.Decision(Plan.empty(), Duration.ofSeconds(10), List.of(), 0, 0, Map.of(),
                List.of("default-web-1 exited with code 1; restarted 1 times"), 0);
        assertThat(describe(RolloutMachine.settle(rollout("Complete", 1), backoff, pass(1, true, false, false)))).isEqualTo("""
                phase=Complete revision=1 failed=- message=-
                condition Degraded=true CrashLoopBackOff: default-web-1 exited with code 1; restarted 1 times
                condition Ready=false CrashLoopBackOff: default-web-1 exited with code 1; restarted 1 times""");

        AppPlanner.Decision waits = new AppPlanner.Decision(Plan.empty(), null, List.of(), 0, 0, Map.of(), List.of(), 2);
        assertThat(describe(RolloutMachine.settle(rollout(null, null), waits, new RolloutMachine.Pass(1, GEN, false, false, false, "App db (healthy)"))))
                .isEqualTo("""
                        phase=- revision=1 failed=- message=-
                        condition Ready=false WaitingForDependencies: waiting for App db (healthy)
                        condition Progressing=true WaitingForDependencies: waiting for App db (healthy)""");
    }

    private static RolloutMachine.Pass pass(int target, boolean failedHere, boolean rolledBack, boolean allReady) {
        return new RolloutMachine.Pass(target, GEN, failedHere, rolledBack, allReady, null);
    }

    private static AppStatus.Rollout rollout(String phase, Integer revision) {
        AppStatus.Rollout r = new AppStatus.Rollout();
        r.phase = phase;
        r.revision = revision;
        return r;
    }

    private static AppPlanner.Decision complete() {
        return nothing();
    }

    private static AppPlanner.Decision nothing() {
        return new AppPlanner.Decision(Plan.empty(), null, List.of(), 0, 0, Map.of(), List.of(), 0);
    }

    private static AppPlanner.Decision pending(int pending, int inFlight) {
        return new AppPlanner.Decision(Plan.empty(), Duration.ofSeconds(1), List.of(), pending, inFlight, Map.of(), List.of(), 0);
    }

    private static AppPlanner.Decision pendingWithPlan(int pending) {
        Plan plan = new Plan(List.of(new Operation.RemoveContainer("id-1", "default-web-1", "replaced")));
        return new AppPlanner.Decision(plan, Duration.ofSeconds(1), List.of(), pending, 0, Map.of(), List.of(), 0);
    }

    private static AppPlanner.Decision failed(String failure) {
        return new AppPlanner.Decision(Plan.empty(), Duration.ofSeconds(1), List.of(failure), 0, 0, Map.of(), List.of(), 0);
    }

    private static String describe(RolloutMachine.Settled s) {
        AppStatus.Rollout r = s.rollout();
        List<String> lines = new ArrayList<>();
        lines.add("phase=" + (r.phase == null ? "-" : r.phase) + " revision=" + r.revision
                + " failed=" + (r.failedRevision == null ? "-" : r.failedRevision + "@" + r.failedGeneration)
                + " message=" + (r.message == null ? "-" : r.message));
        s.events().forEach(e -> lines.add("event " + e));
        s.conditions().forEach(c -> lines.add("condition " + c));
        if (s.completed()) {
            lines.add("completed");
        }
        return String.join("\n", lines);
    }
}
