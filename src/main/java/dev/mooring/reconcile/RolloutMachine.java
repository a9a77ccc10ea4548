package dev.mooring.reconcile;

import dev.mooring.api.AppStatus;
import dev.mooring.api.Condition;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rollout state machine, without I/O: from the rollout status of the previous pass, the
 * planner's decision and the App's generation, the next rollout status, the conditions it
 * asserts and the events it records. The reconciler applies what it returns; nothing here writes.
 * <p>
 * A pass goes through it at up to three points: {@link #failed} when the planner says the rollout
 * failed (it decides whether to return to the last revision that completed), {@link #started}
 * before a plan that begins a rollout is executed, and {@link #settle} once the pass's outcome is
 * observed.
 */
final class RolloutMachine {
    private RolloutMachine() {
    }

    /** An event to record: {@link StatusWriter#NORMAL} or {@link StatusWriter#WARNING}, reason, message. */
    record Event(String type, String reason, String message) {
        @Override
        public String toString() {
            return type + " " + reason + ": " + message;
        }
    }

    /** A condition to assert on the App's status. */
    record Assert(String type, boolean status, String reason, String message) {
        @Override
        public String toString() {
            return type + "=" + status + " " + reason + ": " + message;
        }
    }

    /**
     * A revision failed its rollout.
     * @param rollbackTo the revision to return to; null when there is none (or the App does not roll back)
     */
    record Failure(AppStatus.Rollout rollout, Event event, Integer rollbackTo) {
    }

    /** The rollout's state after a pass, what it asserts, what it tells, and whether the target completed. */
    record Settled(AppStatus.Rollout rollout, List<Assert> conditions, List<Event> events, boolean completed) {
    }

    /** What {@link #settle} needs to know of the pass beyond the planner's decision. */
    record Pass(int targetRevision, Long generation, boolean failedHere, boolean rolledBack, boolean allReady,
                String waitingForApps) {
    }

    /**
     * The planner says the new revision failed (and it had not failed for this generation before):
     * it is marked failed, and with {@code failureAction: rollback} the App returns to {@code lastGood}.
     */
    static Failure failed(AppStatus.Rollout previous, int revision, Long generation, String imageId, List<String> failures,
                          String failureAction, Integer lastGood) {
        AppStatus.Rollout next = copy(previous);
        String why = String.join("; ", failures);
        next.failedRevision = revision;
        next.failedGeneration = generation;
        next.failedImageId = imageId;
        boolean rollback = "rollback".equals(failureAction);
        Integer to = rollback ? lastGood : null;
        if (to != null) {
            next.message = "revision " + revision + " failed (" + why + "); rolled back to revision " + to;
            return new Failure(next, new Event(StatusWriter.WARNING, "RolloutFailed",
                    "revision " + revision + " failed: " + why + "; rolling back to revision " + to), to);
        }
        next.message = "revision " + revision + " failed (" + why + ")"
                + (rollback ? "; no earlier revision completed, nothing to roll back to" : "")
                + "; rollout paused until the spec changes";
        return new Failure(next, new Event(StatusWriter.WARNING, "RolloutFailed", next.message), null);
    }

    /** The event of a plan that starts replacing replicas with a revision other than the one under way, if it does. */
    static Optional<Event> started(AppStatus.Rollout rollout, int targetRevision, boolean rollingBack, AppPlanner.Decision d) {
        if (d.plan().isEmpty() || Objects.equals(rollout.revision, targetRevision) || d.pendingReplicas() == 0) {
            return Optional.empty();
        }
        return Optional.of(new Event(StatusWriter.NORMAL, rollingBack ? "RollingBack" : "RolloutStarted",
                (rollingBack ? "rolling back to revision " : "rolling out revision ") + targetRevision
                        + " (" + d.pendingReplicas() + " replicas to replace)"));
    }

    /** The rollout's phase, its failure kept or forgotten, and the conditions it asserts, after the pass. */
    static Settled settle(AppStatus.Rollout previous, AppPlanner.Decision d, Pass pass) {
        AppStatus.Rollout next = copy(previous);
        List<Event> events = new ArrayList<>();
        RolloutPhase was = RolloutPhase.of(previous.phase);
        boolean completed = d.rolloutComplete() && pass.allReady();
        RolloutPhase phase = was;
        if (completed) {
            if ((was == null || !was.settled()) && previous.revision != null) {
                events.add(new Event(StatusWriter.NORMAL, pass.rolledBack() ? "RolledBack" : "RolloutComplete",
                        (pass.rolledBack() ? "rolled back to revision " : "revision ") + pass.targetRevision()
                                + (pass.rolledBack() ? "" : " runs on every replica")));
            }
            phase = pass.rolledBack() ? RolloutPhase.RolledBack : RolloutPhase.Complete;
        } else if (d.rolloutFailed()) {
            phase = RolloutPhase.Paused;
        } else if (d.pendingReplicas() > 0 || d.inFlight() > 0) {
            phase = pass.rolledBack() ? RolloutPhase.RollingBack : RolloutPhase.Progressing;
        }
        next.phase = phase == null ? previous.phase : phase.name();
        next.revision = pass.targetRevision();
        if (!pass.failedHere() && !Objects.equals(next.failedGeneration, pass.generation()) && next.failedRevision != null
                && !d.rolloutFailed()) {
            // the spec changed since the failure: it is history, not the current state
            next.failedRevision = null;
            next.failedGeneration = null;
            next.failedImageId = null;
            next.message = null;
        }
        return new Settled(next, conditions(next, d, pass), events, completed);
    }

    /** The one concern that speaks for the rollout in the conditions: a failure, a back-off, a wait, or the rollout. */
    private static List<Assert> conditions(AppStatus.Rollout r, AppPlanner.Decision d, Pass pass) {
        if (Objects.equals(r.failedGeneration, pass.generation()) && r.failedRevision != null) {
            return List.of(new Assert(Condition.DEGRADED, true, "RolloutFailed", r.message),
                    new Assert(Condition.PROGRESSING, !d.rolloutComplete(), "RolloutFailed", r.message));
        }
        if (!d.backoffs().isEmpty()) {
            String msg = String.join("; ", d.backoffs());
            return List.of(new Assert(Condition.DEGRADED, true, "CrashLoopBackOff", msg),
                    new Assert(Condition.READY, false, "CrashLoopBackOff", msg));
        }
        if (pass.waitingForApps() != null && d.waitingForDependencies() > 0) {
            String msg = "waiting for " + pass.waitingForApps();
            return List.of(new Assert(Condition.READY, false, "WaitingForDependencies", msg),
                    new Assert(Condition.PROGRESSING, true, "WaitingForDependencies", msg));
        }
        if (d.pendingReplicas() > 0 || d.inFlight() > 0) {
            return List.of(new Assert(Condition.PROGRESSING, true, "RollingOut",
                    (pass.rolledBack() ? "rolling back to revision " : "rolling out revision ") + pass.targetRevision() + ": "
                            + d.pendingReplicas() + " replicas to replace, " + d.inFlight() + " being watched"));
        }
        return List.of();
    }

    private static AppStatus.Rollout copy(AppStatus.Rollout r) {
        AppStatus.Rollout c = new AppStatus.Rollout();
        c.phase = r.phase;
        c.revision = r.revision;
        c.failedRevision = r.failedRevision;
        c.failedGeneration = r.failedGeneration;
        c.failedImageId = r.failedImageId;
        c.message = r.message;
        c.lastBatchAt = r.lastBatchAt;
        return c;
    }
}
