package dev.mooring.reconcile;

import dev.mooring.docker.ObservedContainer;
import dev.mooring.reconcile.RolloutState.CrashState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides, without I/O, which container operations bring an App's containers towards the
 * desired state, one pass at a time:
 * <ul>
 *   <li>a missing replica is created (once the Apps it depends on allow it);</li>
 *   <li>replicas running an older configuration are replaced in batches of
 *       {@code update.parallelism}: stop-first (stop and remove the old, create the new) or
 *       start-first (the new one runs beside the old, under {@code <name>-next}, until it has been
 *       ready for {@code update.monitor}; then the old goes and the new takes its name). The next
 *       batch starts after {@code update.delay}; new replicas that exit, turn unhealthy or are not
 *       ready within {@code update.progressDeadline} fail the rollout;</li>
 *   <li>a replica that exited is started again as {@code restartPolicy} says, after a back-off
 *       that doubles from 10 s to 5 min (Kubernetes' CrashLoopBackOff), and one that stays
 *       unhealthy is replaced under the same back-off;</li>
 *   <li>duplicates of a replica (left by a crash mid-replace) go, keeping the best one;</li>
 *   <li>surplus replicas go, highest number first.</li>
 * </ul>
 */
public final class AppPlanner {
    static final Duration BACKOFF_BASE = Duration.ofSeconds(10);
    static final Duration BACKOFF_CAP = Duration.ofMinutes(5);
    /** A replica that has run this long is forgiven its earlier crashes (as the kubelet does). */
    static final long CRASH_RESET_SECONDS = 600;
    static final Duration WATCH = Duration.ofSeconds(1);

    private AppPlanner() {
    }

    /** What a pass should do, and what it learned for status. */
    public record Decision(
            Plan plan,
            /** Look again after this long (rollout monitoring, back-off, delay); null when nothing waits. */
            Duration requeueAfter,
            /** New replicas that failed the rollout, with the reason; non-empty means failureAction applies. */
            List<String> rolloutFailures,
            /** Replicas still running an older configuration. */
            int pendingReplicas,
            /** New replicas not yet ready for update.monitor. */
            int inFlight,
            /** Crash-loop state per replica after this pass. */
            Map<Integer, CrashState> crashes,
            /** Replicas waiting out a back-off, in words. */
            List<String> backoffs,
            /** Replicas not created because dependencies are not met. */
            int waitingForDependencies) {

        public boolean rolloutFailed() {
            return !rolloutFailures.isEmpty();
        }

        /** Every replica runs the target and none is still being watched. */
        public boolean rolloutComplete() {
            return pendingReplicas == 0 && inFlight == 0 && rolloutFailures.isEmpty();
        }
    }

    /** A pass with no history: nothing watched, no back-off (planner tests, orphans, deletion). */
    public static Plan plan(DesiredApp desired, List<ObservedContainer> observed) {
        return decide(desired, RolloutState.of(observed, Instant.EPOCH)).plan();
    }

    public static Decision decide(DesiredApp desired, RolloutState state) {
        Map<Integer, List<ObservedContainer>> byReplica = new TreeMap<>();
        for (ObservedContainer c : state.containers()) {
            byReplica.computeIfAbsent(c.replica(), r -> new ArrayList<>()).add(c);
        }
        Pass pass = new Pass(desired, state);
        pass.removeSurplus(byReplica);
        if (desired.template() == null) {
            return new Decision(new Plan(pass.ops), null, List.of(), 0, 0, pass.crashes, List.of(), 0);
        }
        for (int r = 1; r <= desired.replicas(); r++) {
            pass.replica(r, byReplica.getOrDefault(r, List.of()));
        }
        return pass.decision();
    }

    /** One pass's decisions as they accumulate, replica by replica. */
    private static final class Pass {
        final DesiredApp desired;
        final RolloutState state;
        final Integer stop;
        final List<Operation> ops = new ArrayList<>();
        final Map<Integer, CrashState> crashes;
        final List<String> backoffs = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final List<ObservedContainer[]> failedPairs = new ArrayList<>();
        final List<Pending> pending = new ArrayList<>();
        /** A rollout is a change of target (config or image); a dead or detached container is only repaired. */
        final boolean rolloutActive;
        Duration requeue;
        int inFlight;
        int waiting;
        Instant lastSettled;

        Pass(DesiredApp desired, RolloutState state) {
            this.desired = desired;
            this.state = state;
            this.stop = desired.stopTimeoutSeconds();
            this.crashes = new HashMap<>(state.crashes());
            this.rolloutActive = desired.template() != null && (state.rolloutInProgress() || state.containers().stream()
                    .anyMatch(c -> c.replica() >= 1 && c.replica() <= desired.replicas() && outdated(desired, c)));
        }

        /** Surplus and unnumbered replicas go first, highest number first: they free names and ports. */
        void removeSurplus(Map<Integer, List<ObservedContainer>> byReplica) {
            List<Integer> surplus = byReplica.keySet().stream().filter(r -> r < 1 || r > desired.replicas())
                    .sorted(Comparator.reverseOrder()).toList();
            for (int r : surplus) {
                String why = r < 1 ? "no valid replica number" : desired.replicas() == 0 && desired.template() == null
                        ? "owner is gone" : "scale down to " + desired.replicas() + " replicas";
                for (ObservedContainer c : byReplica.get(r)) {
                    ReplicaOps.remove(ops, c, stop, why);
                }
                crashes.remove(r);
            }
        }

        /** Replica {@code r}: created when missing, queued for replacement when stale, else kept and watched. */
        void replica(int r, List<ObservedContainer> candidates) {
            String name = DockerNames.container(desired.namespace(), desired.name(), r);
            if (desired.running() && desired.hasSecretFiles()) {
                candidates = ReplicaOps.dropUnstarted(ops, candidates, stop);
            }
            if (candidates.isEmpty()) {
                if (!state.mayCreate()) {
                    waiting++;
                    return;
                }
                ReplicaOps.create(ops, desired, name, r, "missing replica " + r, "new replica " + r);
                return;
            }
            List<ObservedContainer> current = new ArrayList<>(candidates.stream().filter(c -> staleness(desired, c) == null).toList());
            List<ObservedContainer> stale = new ArrayList<>(candidates.stream().filter(c -> staleness(desired, c) != null).toList());
            current.sort(best(name));
            stale.sort(best(name));
            if (current.isEmpty()) {
                ObservedContainer old = stale.get(0);
                for (ObservedContainer extra : stale.subList(1, stale.size())) {
                    ReplicaOps.remove(ops, extra, stop, "duplicate of replica " + r);
                }
                pending.add(new Pending(r, name, old, staleness(desired, old)));
                return;
            }
            ObservedContainer keeper = current.get(0);
            for (ObservedContainer extra : current.subList(1, current.size())) {
                ReplicaOps.remove(ops, extra, stop, "duplicate of replica " + r);
            }
            keep(r, name, keeper, stale);
        }

        /** An up-to-date replica: watched while a rollout proves it, paired with the old one it replaces, or supervised. */
        private void keep(int r, String name, ObservedContainer keeper, List<ObservedContainer> stale) {
            Instant readySince = state.readySince().get(keeper.id());
            boolean settled = readySince != null && !state.now().isBefore(readySince.plus(desired.update().monitor()));
            if (settled) {
                Instant at = readySince.plus(desired.update().monitor());
                lastSettled = lastSettled == null || at.isAfter(lastSettled) ? at : lastSettled;
            }
            settled = settled || completed(desired, keeper); // a one-shot job that is done has proven itself
            String failure = rolloutActive && !settled ? failure(desired, keeper, state.now()) : null;
            boolean carryOn = "continue".equals(desired.update().failureAction());
            if (rolloutActive && desired.running() && "created".equals(keeper.state())) {
                // left between create and start (a crash of Mooring, say): start it, then watch it as usual
                ops.add(new Operation.StartContainer(keeper.id(), keeper.name(), "container is created, should run"));
            }
            if (!stale.isEmpty()) {
                // A start-first pair: the new replica runs beside the old one until it has proven itself.
                if (settled || !desired.running() || (failure != null && carryOn)) {
                    ReplicaOps.swap(ops, keeper, stale, name, r, desired, stop);
                } else if (failure != null) {
                    failures.add(keeper.name() + " " + failure);
                    failedPairs.add(new ObservedContainer[]{keeper, stale.get(0)});
                } else {
                    inFlight++;
                }
                return;
            }
            ReplicaOps.rename(ops, keeper, name, r);
            if (!desired.running()) {
                if (keeper.isRunning()) {
                    ops.add(new Operation.StopContainer(keeper.id(), name, stop, "desiredState is Stopped"));
                }
            } else if (rolloutActive && !settled) {
                if (failure != null && !carryOn) {
                    failures.add(keeper.name() + " " + failure);
                } else if (failure == null) {
                    inFlight++;
                }
            } else {
                requeue = min(requeue, supervise(ops, desired, keeper, name, r, state.now(), crashes, backoffs, stop));
            }
        }

        /** The rollout fails past maxFailureRatio; else tolerated failures are swapped in and the next batch starts after update.delay. */
        Decision decision() {
            int allowed = (int) Math.floor(desired.update().maxFailureRatio() * desired.replicas());
            if (failures.size() > allowed) {
                return new Decision(new Plan(ops), WATCH, failures, pending.size(), inFlight, crashes, backoffs, waiting);
            }
            for (ObservedContainer[] pair : failedPairs) {
                // a tolerated failure (maxFailureRatio): the rollout goes on, the new replica takes the old one's place
                int r = pair[0].replica();
                ReplicaOps.swap(ops, pair[0], List.of(pair[1]), DockerNames.container(desired.namespace(), desired.name(), r), r, desired, stop);
            }
            if (inFlight > 0) {
                requeue = min(requeue, WATCH);
            } else if (!pending.isEmpty()) {
                Instant earliest = lastSettled == null ? state.now() : lastSettled.plus(desired.update().delay());
                if (state.now().isBefore(earliest)) {
                    requeue = min(requeue, Duration.between(state.now(), earliest));
                } else {
                    int batch = desired.update().parallelism() == 0 ? pending.size() : Math.min(desired.update().parallelism(), pending.size());
                    for (Pending p : pending.subList(0, batch)) {
                        ReplicaOps.replace(ops, desired, p);
                    }
                    requeue = min(requeue, WATCH);
                }
            }
            return new Decision(new Plan(ops), requeue, List.of(), pending.size(), inFlight, crashes, backoffs, waiting);
        }
    }

    /** A replica running an older configuration, waiting for its batch; {@code why} says what is stale. */
    record Pending(int replica, String name, ObservedContainer old, String why) {
    }

    /** Exited 0 where {@code restartPolicy} starts it no more ({@code no}, {@code on-failure}): a one-shot job, done. */
    static boolean completed(DesiredApp desired, ObservedContainer c) {
        return "exited".equals(c.state()) && Integer.valueOf(0).equals(c.exitCode()) && !desired.lifecycle().restarts(0);
    }

    /** Built from another configuration or image than the target: a rollout must replace it. */
    static boolean outdated(DesiredApp desired, ObservedContainer c) {
        return !desired.configHash().equals(c.configHash())
                || (desired.imageId() != null && c.imageId() != null && !desired.imageId().equals(c.imageId()));
    }

    /**
     * Keeps an up-to-date replica running: starts a fresh or exited one (with back-off when it
     * keeps exiting), replaces one that stays unhealthy. Returns when to look again, or null.
     */
    private static Duration supervise(List<Operation> ops, DesiredApp desired, ObservedContainer c, String name, int r,
                                      Instant now, Map<Integer, CrashState> crashes, List<String> backoffs, Integer stop) {
        DesiredApp.Lifecycle life = desired.lifecycle();
        if ("created".equals(c.state())) {
            ops.add(new Operation.StartContainer(c.id(), name, "container is created, should run"));
            return null;
        }
        boolean exited = "exited".equals(c.state());
        boolean unhealthy = c.isRunning() && "unhealthy".equals(c.health()) && life.restartOnUnhealthy();
        if (!exited && !unhealthy) {
            if (c.isRunning() && c.upSeconds() >= CRASH_RESET_SECONDS) {
                crashes.remove(r);
            }
            return c.isReady(life.minReadySeconds()) ? null : Duration.ofSeconds(2);
        }
        if (exited && !life.restarts(c.exitCode())) {
            return null; // done, as restartPolicy wants: "no", or "on-failure" after a clean exit
        }
        CrashState cs = crashes.getOrDefault(r, new CrashState(0, null, null));
        if (cs.nextRestartAt() != null && now.isBefore(cs.nextRestartAt())) {
            backoffs.add(name + (exited ? " exited with code " + c.exitCode() : " is unhealthy") + "; restarted "
                    + cs.restarts() + " times; next attempt at " + cs.nextRestartAt() + " (back-off "
                    + backoff(cs.restarts()).toSeconds() + "s)");
            return Duration.between(now, cs.nextRestartAt());
        }
        int restarts = cs.restarts() + 1;
        crashes.put(r, new CrashState(restarts, now.plus(backoff(restarts)), now));
        if (exited) {
            ops.add(new Operation.StartContainer(c.id(), name, "container is exited"
                    + (c.exitCode() == null ? "" : " (code " + c.exitCode() + ")") + ", should run; restart " + restarts));
        } else {
            ReplicaOps.remove(ops, c, stop, "unhealthy; replaced (restart " + restarts + ")");
            ReplicaOps.create(ops, desired, name, r, "replaces unhealthy " + name, "replacement of unhealthy replica " + r);
        }
        return backoff(restarts);
    }

    /** Back-off before the restart after the n-th: 10 s doubling to 5 min; none before the first. */
    static Duration backoff(int restarts) {
        if (restarts <= 0) {
            return Duration.ZERO;
        }
        long seconds = BACKOFF_BASE.toSeconds() << Math.min(restarts - 1, 10);
        return Duration.ofSeconds(Math.min(seconds, BACKOFF_CAP.toSeconds()));
    }

    /** Why a new replica fails the rollout, or null while it may still come good. */
    static String failure(DesiredApp desired, ObservedContainer c, Instant now) {
        if ("exited".equals(c.state()) || "dead".equals(c.state())) {
            return "exited" + (c.exitCode() == null ? "" : " with code " + c.exitCode());
        }
        if ("unhealthy".equals(c.health())) {
            return "is unhealthy";
        }
        long age = now.getEpochSecond() - c.createdEpochSeconds();
        if (!c.isReady(desired.lifecycle().minReadySeconds()) && age > desired.update().progressDeadline().toSeconds()) {
            return "not ready after " + desired.update().progressDeadline().toSeconds() + "s (update.progressDeadline)";
        }
        return null;
    }

    /** Why the container cannot stay as it is, or null when it matches the desired target. */
    static String staleness(DesiredApp desired, ObservedContainer c) {
        if (!desired.configHash().equals(c.configHash())) {
            return "config hash changed (" + ConfigHash.shortForm(c.configHash()) + " -> " + ConfigHash.shortForm(desired.configHash()) + ")";
        }
        if (desired.imageId() != null && c.imageId() != null && !desired.imageId().equals(c.imageId())) {
            return "image changed (" + shortId(c.imageId()) + " -> " + shortId(desired.imageId()) + ")";
        }
        if ("dead".equals(c.state())) {
            return "container is dead";
        }
        for (String network : desired.networkNames()) {
            if (!c.networks().contains(network)) {
                return "not attached to network " + network;
            }
        }
        return null;
    }

    private static String shortId(String id) {
        String s = id.startsWith("sha256:") ? id.substring(7) : id;
        return s.substring(0, Math.min(12, s.length()));
    }

    /** Preference among containers of one replica: running, canonical name, newest. */
    private static Comparator<ObservedContainer> best(String canonical) {
        return Comparator.<ObservedContainer>comparingInt(c -> c.isRunning() ? 0 : 1)
                .thenComparingInt(c -> c.name().equals(canonical) ? 0 : 1)
                .thenComparing(Comparator.comparingLong(ObservedContainer::createdEpochSeconds).reversed())
                .thenComparing(ObservedContainer::id);
    }

    private static Duration min(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.compareTo(b) <= 0 ? a : b;
    }
}
