package dev.mooring.reconcile;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;

/**
 * What Mooring would do to bring one resource's live state to its desired state: the changes in
 * the order the loop would make them, each with its cause, its classification and a field-level
 * diff. A plain record tree, serialised as it is (REST answers, GitRepository status):
 * <pre>
 * {"kind": "App", "namespace": "shop", "name": "web", "classification": "recreate",
 *  "changes": [{"step": 1, "target": "shop-web-1", "action": "recreate", "classification": "recreate",
 *               "cause": "config hash changed (1a2b3c4d5e6f -> 6f5e4d3c2b1a)",
 *               "diff": [{"path": "env.FOO", "live": "1", "desired": "2"}],
 *               "operations": ["StopContainer shop-web-1: replaced: config hash changed (...)", ...]}],
 *  "waitingFor": null, "notes": [], "error": null}
 * </pre>
 * Null fields are left out. Secret values never appear, nor their digests (see {@link ConfigDiff}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourcePlan(
        String kind,
        String namespace,
        String name,
        /** The most disruptive classification among the changes; {@code none} when there is nothing to do. */
        Classification classification,
        List<Change> changes,
        /** What the changes wait for before the loop makes them (dependencies not ready yet), or null. */
        String waitingFor,
        /** What the plan cannot say for sure, or what Mooring deliberately leaves alone. */
        List<String> notes,
        /** Why no plan could be made (engine unreachable, unknown engine), or null. */
        String error) {

    public ResourcePlan {
        changes = List.copyOf(changes);
        notes = List.copyOf(notes);
    }

    public static ResourcePlan of(String kind, String namespace, String name, List<Change> changes, String waitingFor, List<String> notes) {
        Classification c = changes.stream().map(Change::classification).reduce(Classification.NONE, Classification::max);
        return new ResourcePlan(kind, namespace, name, c, changes, waitingFor, notes, null);
    }

    public static ResourcePlan failed(String kind, String namespace, String name, String error) {
        return new ResourcePlan(kind, namespace, name, Classification.NONE, List.of(), null, List.of(), error);
    }

    /** Nothing to do: no change, no error. */
    @JsonIgnore
    public boolean isEmpty() {
        return changes.isEmpty() && error == null;
    }

    /**
     * How much a change disturbs what exists, least first:
     * <ul>
     *   <li>{@code none}: no existing container's configuration changes (nothing to do, a new
     *       replica, a surplus replica removed, a rename);</li>
     *   <li>{@code restart}: an existing container keeps its configuration but is started or stopped;</li>
     *   <li>{@code recreate}: an existing container (or network) is replaced by one with another
     *       configuration or image;</li>
     *   <li>{@code replace-volume}: a volume would have to be made anew, and its data with it.</li>
     * </ul>
     */
    public enum Classification {
        NONE("none"), RESTART("restart"), RECREATE("recreate"), REPLACE_VOLUME("replace-volume");

        private final String text;

        Classification(String text) {
            this.text = text;
        }

        @JsonValue
        public String text() {
            return text;
        }

        public static Classification max(Classification a, Classification b) {
            return a.ordinal() >= b.ordinal() ? a : b;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * One change to one object on the engine.
     *
     * @param step       the reconcile pass it happens in, from 1: a rolling update spreads over passes
     * @param target     the container (replica's canonical name), network or volume it is about
     * @param action     {@code create}, {@code recreate}, {@code remove}, {@code start}, {@code stop},
     *                   {@code rename}, or {@code replace} (a volume Mooring will not replace itself)
     * @param waitsFor   what the loop waits for before this change (rollout monitor, update.delay), or null
     * @param diff       live against desired, field by field; empty for a create or a remove
     * @param operations the Docker calls, one line each, as the loop logs them
     * @param manual     true when Mooring will not make this change itself (it says so in the cause); null otherwise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Change(int step, String target, String action, Classification classification, String cause, String waitsFor,
                         List<FieldChange> diff, List<String> operations, Boolean manual) {
        public Change {
            diff = List.copyOf(diff);
            operations = List.copyOf(operations);
        }

        /** {@code [2] recreate shop-web-2 (recreate): cause}, then one line per field; what tests assert. */
        public String describe() {
            StringBuilder b = new StringBuilder("[" + step + "] " + action + " " + target + " (" + classification + "): " + cause);
            if (waitsFor != null) {
                b.append("; waits for ").append(waitsFor);
            }
            diff.forEach(d -> b.append("\n    ").append(d));
            return b.toString();
        }
    }

    /**
     * One field that differs. Values are JSON values (string, number, boolean, list, map) or
     * null when absent on that side.
     *
     * @param path like {@code env.FOO}, {@code image}, {@code ports[0].hostPort}, {@code labels.team}
     */
    public record FieldChange(String path, Object live, Object desired) {
        /** {@code env.FOO: "1" -> "2"}. */
        @Override
        public String toString() {
            return path + ": " + ConfigDiff.show(live) + " -> " + ConfigDiff.show(desired);
        }
    }

    /** Every change, one per line, then the notes and what it waits for; what tests assert. */
    public String describe() {
        StringBuilder b = new StringBuilder(kind + " " + namespace + "/" + name + ": " + classification);
        if (error != null) {
            b.append("\nerror: ").append(error);
        }
        if (waitingFor != null) {
            b.append("\nwaiting for: ").append(waitingFor);
        }
        changes.forEach(c -> b.append("\n").append(c.describe()));
        notes.forEach(n -> b.append("\nnote: ").append(n));
        return b.toString();
    }
}
