package dev.mooring.reconcile;

import dev.mooring.api.Labels;
import dev.mooring.docker.ObservedContainer;
import dev.mooring.reconcile.ResourcePlan.Change;
import dev.mooring.reconcile.ResourcePlan.Classification;
import dev.mooring.reconcile.ResourcePlan.FieldChange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The operations of a simulated rollout ({@link AppPreview}) grouped per replica into
 * {@link Change}s, each with the field-level diff between the template the replaced container was
 * made from (looked up by its config hash) and the desired template.
 */
final class PreviewChanges {
    private final DesiredApp target;
    /** The real containers the simulation started from, by ID. */
    private final Map<String, ObservedContainer> initial;
    /** The plan's notes, to which a container of an unknown configuration adds one. */
    private final List<String> notes;
    private final Map<String, Optional<String>> liveByHash = new HashMap<>();
    private final Set<String> notedUnknown = new HashSet<>();
    private final Map<String, List<FieldChange>> diffByHash = new HashMap<>();
    private String desiredJson;

    PreviewChanges(DesiredApp target, Map<String, ObservedContainer> initial, List<String> notes) {
        this.target = target;
        this.initial = initial;
        this.notes = notes;
    }

    /** The operations grouped per replica (or per container outside the replicas), in the order they first act. */
    List<Change> of(List<AppPreview.Step> steps, Function<String, Optional<String>> liveTemplates) {
        Map<String, List<AppPreview.Step>> groups = new LinkedHashMap<>();
        Map<String, String> nameOf = new HashMap<>();
        Map<String, ObservedContainer> touched = new HashMap<>();
        for (AppPreview.Step s : steps) {
            boolean inRange = s.replica() >= 1 && s.replica() <= target.replicas();
            String key = inRange ? Integer.toString(s.replica()) : s.subject();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            nameOf.putIfAbsent(key, inRange ? DockerNames.container(target.namespace(), target.name(), s.replica()) : key);
            ObservedContainer existing = existing(s.op());
            if (existing != null && !touched.containsKey(key) && s.op() instanceof Operation.RemoveContainer) {
                touched.put(key, existing);
            }
        }
        List<Change> out = new ArrayList<>();
        groups.forEach((key, ops) -> out.add(change(nameOf.get(key), ops, touched.get(key), liveTemplates)));
        return out;
    }

    private Change change(String target, List<AppPreview.Step> ops, ObservedContainer old, Function<String, Optional<String>> liveTemplates) {
        boolean creates = ops.stream().anyMatch(s -> s.op() instanceof Operation.CreateContainer);
        boolean removesExisting = ops.stream().anyMatch(s -> s.op() instanceof Operation.RemoveContainer && existing(s.op()) != null);
        boolean starts = ops.stream().anyMatch(s -> s.op() instanceof Operation.StartContainer);
        boolean stops = ops.stream().anyMatch(s -> s.op() instanceof Operation.StopContainer);
        String action;
        Classification cls;
        if (creates && removesExisting) {
            action = "recreate";
            cls = Classification.RECREATE;
        } else if (creates) {
            action = "create";
            cls = Classification.NONE;
        } else if (removesExisting) {
            action = "remove";
            cls = Classification.NONE;
        } else if (starts && stops) {
            action = "restart";
            cls = Classification.RESTART;
        } else if (starts) {
            action = "start";
            cls = Classification.RESTART;
        } else if (stops) {
            action = "stop";
            cls = Classification.RESTART;
        } else {
            action = "rename";
            cls = Classification.NONE;
        }
        Operation first = ops.stream().map(AppPreview.Step::op)
                .filter(op -> !"recreate".equals(action) || op instanceof Operation.CreateContainer)
                .findFirst().orElse(ops.get(0).op());
        List<FieldChange> diff = "recreate".equals(action) && old != null ? diff(old, liveTemplates) : List.of();
        List<String> lines = ops.stream().map(s -> "[" + s.step() + "] " + s.op().describe()).toList();
        return new Change(ops.get(0).step(), target, action, cls, first.cause(), ops.get(0).waitsFor(), diff, lines, null);
    }

    /** The old container's template (by its config hash) against the desired one, and its image against the tag's. */
    private List<FieldChange> diff(ObservedContainer old, Function<String, Optional<String>> liveTemplates) {
        List<FieldChange> out = new ArrayList<>();
        if (old.configHash() != null && !old.configHash().equals(target.configHash())) {
            // one template lookup and one diff per config hash, not per replica: replicas share them
            Optional<String> live = liveByHash.computeIfAbsent(old.configHash(), liveTemplates);
            if (live.isPresent()) {
                out.addAll(diffByHash.computeIfAbsent(old.configHash(), h -> ConfigDiff.diff(live.get(), desiredJson())));
            } else {
                out.add(new FieldChange("configHash", ConfigHash.shortForm(old.configHash()), ConfigHash.shortForm(target.configHash())));
                String note = old.name() + " was made from a configuration Mooring has no record of (config hash "
                        + ConfigHash.shortForm(old.configHash()) + "): its diff shows the hash only";
                if (notedUnknown.add(note)) {
                    notes.add(note);
                }
            }
        }
        if (target.imageId() != null && old.imageId() != null && !target.imageId().equals(old.imageId())) {
            out.add(new FieldChange("imageId", old.imageId(), target.imageId()));
        }
        return out;
    }

    private String desiredJson() {
        if (desiredJson == null) {
            desiredJson = ConfigHash.canonicalJson(target.template());
        }
        return desiredJson;
    }

    /** The real container an operation acts on, or null for a container the plan creates. */
    private ObservedContainer existing(Operation op) {
        String ref = ref(op);
        return ref == null ? null : initial.get(ref);
    }

    static String ref(Operation op) {
        return op instanceof Operation.StartContainer s ? s.ref()
                : op instanceof Operation.StopContainer s ? s.ref()
                : op instanceof Operation.RemoveContainer r ? r.ref()
                : op instanceof Operation.RenameContainer r ? r.ref() : null;
    }

    static int replicaOf(Operation op) {
        if (op instanceof Operation.CreateContainer c) {
            try {
                return Integer.parseInt(c.spec().labels().getOrDefault(Labels.REPLICA, "0"));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    static String name(Operation op) {
        if (op instanceof Operation.CreateContainer c) {
            return c.spec().name();
        }
        if (op instanceof Operation.RenameContainer r) {
            return r.to();
        }
        return op instanceof Operation.StartContainer s ? s.name()
                : op instanceof Operation.StopContainer s ? s.name()
                : op instanceof Operation.RemoveContainer r ? r.name() : op.describe();
    }
}
