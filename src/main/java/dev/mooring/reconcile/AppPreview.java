package dev.mooring.reconcile;

import dev.mooring.docker.ObservedContainer;
import dev.mooring.reconcile.ResourcePlan.Change;
import dev.mooring.reconcile.RolloutState.CrashState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The whole of what the loop would do to an App, worked out without I/O: it runs
 * {@link AppPlanner#decide} pass after pass, as the reconciler would, on a simulated engine
 * where every operation succeeds at once and every new replica becomes ready, letting the clock
 * run on while the rollout waits ({@code update.monitor}, {@code update.delay}, back-offs). So a
 * rolling update shows in full and in its real order, and the decisions are the planner's own,
 * never a second copy of them.
 * <p>
 * The Docker operations are then grouped per replica into {@link Change}s ({@link PreviewChanges}).
 */
public final class AppPreview {
    /** Passes simulated at most; a rollout of many replicas with parallelism 1 takes a few per replica. */
    static final int MAX_PASSES = 2_000;
    /**
     * Containers the simulation may look at in all (passes × containers): each pass reads every
     * container, so without this bound a rollout of many replicas one at a time would cost
     * passes × replicas. Past it the plan is cut, with a note, as past {@link #MAX_PASSES}.
     */
    static final long MAX_CONTAINER_VISITS = 1_000_000;
    /** Replicas named in one "waits for" text; the rest are counted (a text per change must not grow with replicas). */
    static final int MAX_NAMED = 10;

    private AppPreview() {
    }

    /** The changes, plus what the simulation had to assume or could not resolve. */
    public record Outcome(List<Change> changes, List<String> notes) {
    }

    /**
     * @param target        what the reconciler would roll out (with the image ID the tag names, if known)
     * @param start         the state the next pass would start from: real containers, ready times, back-offs
     * @param liveTemplates the recorded template (canonical JSON) of a config hash, for the diff
     */
    public static Outcome preview(DesiredApp target, RolloutState start, Function<String, Optional<String>> liveTemplates) {
        Simulation sim = new Simulation(target, start);
        sim.run();
        List<Change> changes = new PreviewChanges(target, sim.initial, sim.notes).of(sim.steps, liveTemplates);
        return new Outcome(changes, sim.notes);
    }

    /**
     * An operation of the simulation, with the pass it happened in, what it waited for before, and
     * the replica number and name of the container it acts on (as it was before the operation).
     */
    record Step(int step, Operation op, String waitsFor, int replica, String subject) {
    }

    private static final class Simulation {
        final DesiredApp target;
        final Map<String, ObservedContainer> byId = new LinkedHashMap<>();
        /** Container name → ID, so finding a container by name costs no scan (issue 10: scans made a preview quadratic). */
        final Map<String, java.util.LinkedHashSet<String>> idsByName = new HashMap<>();
        final Map<String, ObservedContainer> initial = new LinkedHashMap<>();
        final Map<String, Instant> startedAt = new HashMap<>();
        final Map<String, Instant> readySince;
        Map<Integer, CrashState> crashes;
        boolean inProgress;
        Instant now;
        final List<Step> steps = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final Set<String> assumedHealthy = new TreeSet<>();
        /** What the passes since the last step waited for, in order. */
        final List<String> waited = new ArrayList<>();
        int created;
        int step;

        Simulation(DesiredApp target, RolloutState start) {
            this.target = target;
            start.containers().forEach(c -> {
                put(c);
                initial.put(c.id(), c);
            });
            this.readySince = new HashMap<>(start.readySince());
            this.crashes = start.crashes();
            this.inProgress = start.rolloutInProgress();
            this.now = start.now();
        }

        void run() {
            long visits = 0;
            for (int pass = 1; pass <= MAX_PASSES; pass++) {
                if (pass > 1) {
                    if (visits > MAX_CONTAINER_VISITS) {
                        notes.add("the plan was cut after " + (pass - 1) + " reconcile passes (" + target.replicas() + " replicas)");
                        return;
                    }
                    assumeReplicasComeGood();
                }
                visits += byId.size() + target.replicas();
                if (!pass()) {
                    return;
                }
            }
            notes.add("the plan was cut after " + MAX_PASSES + " reconcile passes");
        }

        /** One simulated pass of the loop; false when the simulation ends with it. */
        private boolean pass() {
            List<ObservedContainer> observed = observed();
            refreshReady(observed);
            AppPlanner.Decision d = AppPlanner.decide(target, new RolloutState(observed, now, Map.copyOf(readySince), crashes, inProgress, true));
            if (d.rolloutFailed()) {
                notes.add("the rollout would fail: " + String.join("; ", d.rolloutFailures()) + " (update.failureAction "
                        + target.update().failureAction() + ")");
                return false;
            }
            crashes = d.crashes();
            if (!d.plan().isEmpty()) {
                perform(d);
                return true;
            }
            boolean converged = d.pendingReplicas() == 0 && d.inFlight() == 0;
            if (converged && d.backoffs().isEmpty() || d.requeueAfter() == null) {
                if (!d.backoffs().isEmpty()) {
                    notes.add("back-off: " + String.join("; ", d.backoffs()));
                }
                if (converged) {
                    inProgress = false;
                }
                finish();
                return false;
            }
            waitOut(d, observed);
            return true;
        }

        /** The pass's operations become the next step, each applied to the simulated engine. */
        private void perform(AppPlanner.Decision d) {
            step++;
            String waitsFor = waited.isEmpty() ? null : String.join(", then ", waited);
            waited.clear();
            for (Operation op : d.plan().operations()) {
                ObservedContainer subject = op instanceof Operation.CreateContainer ? null : find(PreviewChanges.ref(op)).orElse(null);
                int replica = subject != null ? subject.replica() : PreviewChanges.replicaOf(op);
                steps.add(new Step(step, op, waitsFor, replica, subject != null ? subject.name() : PreviewChanges.name(op)));
                apply(op);
            }
            if (d.pendingReplicas() > 0 || d.inFlight() > 0) {
                inProgress = true;
            }
            now = now.plus(d.requeueAfter() == null ? AppPlanner.WATCH : d.requeueAfter());
        }

        /** A pass without operations: what it waits for is noted, and the clock runs on to the next pass that may act. */
        private void waitOut(AppPlanner.Decision d, List<ObservedContainer> observed) {
            String why = waitReason(d, observed);
            if (waited.isEmpty() || !waited.get(waited.size() - 1).equals(why)) {
                waited.add(why);
            }
            now = now.plus(d.requeueAfter());
            if (d.inFlight() > 0 && d.backoffs().isEmpty()) {
                // nothing happens until a watched replica has been ready for update.monitor: skip the passes between
                Instant settles = firstSettling(observed);
                if (settles != null && settles.isAfter(now)) {
                    now = settles;
                }
            }
        }

        private void finish() {
            if (!assumedHealthy.isEmpty()) {
                notes.add("assumes " + String.join(", ", assumedHealthy) + " become(s) ready");
            }
        }

        /** Why a pass without operations waits: new replicas being watched, update.delay, or a back-off. */
        private String waitReason(AppPlanner.Decision d, List<ObservedContainer> observed) {
            if (d.inFlight() > 0) {
                Duration monitor = target.update().monitor();
                List<String> watched = observed.stream()
                        .filter(c -> c.replica() >= 1 && c.replica() <= target.replicas() && AppPlanner.staleness(target, c) == null)
                        .filter(c -> readySince.get(c.id()) == null || now.isBefore(readySince.get(c.id()).plus(monitor)))
                        .map(ObservedContainer::name).sorted().toList();
                return named(watched) + " to be ready for " + seconds(monitor) + " (update.monitor)";
            }
            if (d.pendingReplicas() > 0) {
                return seconds(target.update().delay()) + " (update.delay)";
            }
            return "back-off: " + String.join("; ", d.backoffs());
        }

        /** When the first replica being watched will have been ready for update.monitor, or null. */
        private Instant firstSettling(List<ObservedContainer> observed) {
            Duration monitor = target.update().monitor();
            return observed.stream().map(c -> readySince.get(c.id())).filter(java.util.Objects::nonNull)
                    .map(t -> t.plus(monitor)).filter(t -> t.isAfter(now)).min(Instant::compareTo).orElse(null);
        }

        /** Names, the first {@link #MAX_NAMED} of them, and how many more. */
        private static String named(List<String> names) {
            if (names.size() <= MAX_NAMED) {
                return String.join(", ", names);
            }
            return String.join(", ", names.subList(0, MAX_NAMED)) + " and " + (names.size() - MAX_NAMED) + " more";
        }

        private static String seconds(Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }

        /** From the second pass on, real replicas still starting are taken to turn healthy (said in a note). */
        private void assumeReplicasComeGood() {
            for (ObservedContainer c : List.copyOf(byId.values())) {
                if ("starting".equals(c.health()) && c.isRunning()) {
                    put(with(c, c.name(), c.state(), "healthy", c.status()));
                    if (initial.containsKey(c.id())) {
                        assumedHealthy.add(c.name());
                    }
                }
            }
        }

        private List<ObservedContainer> observed() {
            List<ObservedContainer> out = new ArrayList<>();
            for (ObservedContainer c : byId.values()) {
                Instant started = startedAt.get(c.id());
                if (started != null && c.isRunning()) {
                    long up = Duration.between(started, now).toSeconds();
                    c = with(c, c.name(), c.state(), c.health(), up < 1 ? "Up Less than a second" : "Up " + up + " seconds");
                    put(c);
                }
                out.add(c);
            }
            return out;
        }

        private void refreshReady(List<ObservedContainer> observed) {
            int minReady = target.lifecycle().minReadySeconds();
            Set<String> ready = new HashSet<>();
            for (ObservedContainer c : observed) {
                if (c.isReady(minReady)) {
                    ready.add(c.id());
                    readySince.putIfAbsent(c.id(), now);
                }
            }
            readySince.keySet().retainAll(ready);
        }

        /** The effect each operation has on the engine, as the executor's call would have it. */
        private void apply(Operation op) {
            if (op instanceof Operation.CreateContainer c) {
                String id = "planned-" + (++created) + "-" + c.spec().name();
                Set<String> networks = new TreeSet<>();
                c.spec().networks().forEach(n -> networks.add(n.network()));
                put(new ObservedContainer(id, c.spec().name(), c.spec().labels(), "created", "none", networks,
                        now.getEpochSecond(), target.imageId(), "Created", List.of()));
            } else if (op instanceof Operation.StartContainer s) {
                find(s.ref()).ifPresent(c -> {
                    startedAt.put(c.id(), now);
                    boolean checked = target.template() != null && target.template().healthcheck() != null;
                    put(with(c, c.name(), "running", checked ? "healthy" : "none", "Up Less than a second"));
                });
            } else if (op instanceof Operation.StopContainer s) {
                find(s.ref()).ifPresent(c -> {
                    startedAt.remove(c.id());
                    put(with(c, c.name(), "exited", "none", "Exited (0) Less than a second ago"));
                });
            } else if (op instanceof Operation.RemoveContainer r) {
                find(r.ref()).ifPresent(this::remove);
            } else if (op instanceof Operation.RenameContainer r) {
                find(r.ref()).ifPresent(c -> put(with(c, r.to(), c.state(), c.health(), c.status())));
            } else {
                throw new IllegalStateException("an App plan does not " + op.describe());
            }
        }

        /** By ID, or by name as the executor resolves a container it has just created. */
        private Optional<ObservedContainer> find(String ref) {
            ObservedContainer c = byId.get(ref);
            if (c != null) {
                return Optional.of(c);
            }
            var ids = idsByName.get(ref);
            return ids == null || ids.isEmpty() ? Optional.empty() : Optional.ofNullable(byId.get(ids.iterator().next()));
        }

        /** Adds or updates a container; of several with one name, the first that took it is found by it. */
        private void put(ObservedContainer c) {
            ObservedContainer was = byId.put(c.id(), c);
            if (was != null && !was.name().equals(c.name())) {
                unindex(was);
            }
            idsByName.computeIfAbsent(c.name(), n -> new java.util.LinkedHashSet<>()).add(c.id());
        }

        private void remove(ObservedContainer c) {
            byId.remove(c.id());
            unindex(c);
        }

        private void unindex(ObservedContainer c) {
            var ids = idsByName.get(c.name());
            if (ids != null && ids.remove(c.id()) && ids.isEmpty()) {
                idsByName.remove(c.name());
            }
        }

        private static ObservedContainer with(ObservedContainer c, String name, String state, String health, String status) {
            return new ObservedContainer(c.id(), name, c.labels(), state, health, c.networks(), c.createdEpochSeconds(), c.imageId(),
                    status, c.ports());
        }
    }
}
