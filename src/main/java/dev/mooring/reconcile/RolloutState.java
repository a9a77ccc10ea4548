package dev.mooring.reconcile;

import dev.mooring.docker.ObservedContainer;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the planner knows beyond the engine's snapshot, carried in the App's status between
 * passes so that a restarted Mooring resumes where it was: when each container was first seen
 * ready (for {@code update.monitor}), each replica's crash-loop back-off, and whether a rollout
 * is under way.
 */
public record RolloutState(
        List<ObservedContainer> containers,
        Instant now,
        /** Container id → when Mooring first saw it ready; absent when it is not ready. */
        Map<String, Instant> readySince,
        /** Replica → restarts Mooring made and when it may try again. */
        Map<Integer, CrashState> crashes,
        /** A rollout of the target started and has not completed yet. */
        boolean rolloutInProgress,
        /** The Apps this one depends on are satisfied: missing replicas may be created. */
        boolean mayCreate) {

    public record CrashState(int restarts, Instant nextRestartAt, Instant lastRestartAt) {
    }

    /** The same state with a rollout of the target under way (a rollback just decided). */
    RolloutState underWay() {
        return new RolloutState(containers, now, readySince, crashes, true, mayCreate);
    }

    public static RolloutState of(List<ObservedContainer> containers, Instant now) {
        return new RolloutState(containers, now, Map.of(), Map.of(), false, true);
    }
}
