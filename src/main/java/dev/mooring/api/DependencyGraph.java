package dev.mooring.api;

import dev.mooring.api.ApiException.FieldError;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Apps of one namespace and the Apps each depends on ({@code spec.dependsOn}). An App waits
 * for its dependencies, so a cycle would make its Apps wait for each other forever; every write
 * path refuses one before storing.
 */
public final class DependencyGraph {
    private final Map<String, List<String>> edges;

    /** @param edges every App's dependsOn, by App name */
    public DependencyGraph(Map<String, List<String>> edges) {
        this.edges = edges;
    }

    /**
     * The graphs of the namespaces the incoming Apps are in, after the write: the stored Apps of
     * those namespaces, with an incoming App replacing the stored one of its name.
     *
     * @param stored the stored Apps of each namespace an incoming App is in, by namespace
     * @return the graph of each such namespace, by namespace in name order
     */
    public static Map<String, DependencyGraph> afterWrite(Map<String, ? extends Collection<App>> stored, List<? extends MooringResource<?, ?>> incoming) {
        Map<String, Map<String, List<String>>> byNamespace = new TreeMap<>();
        for (MooringResource<?, ?> r : incoming) {
            if (r instanceof App app && !byNamespace.containsKey(app.namespace())) {
                Map<String, List<String>> edges = new LinkedHashMap<>();
                Collection<App> apps = stored.get(app.namespace());
                for (App s : apps == null ? List.<App>of() : apps) {
                    edges.put(s.name(), dependsOn(s));
                }
                byNamespace.put(app.namespace(), edges);
            }
        }
        for (MooringResource<?, ?> r : incoming) {
            if (r instanceof App app) {
                byNamespace.get(app.namespace()).put(app.name(), dependsOn(app));
            }
        }
        Map<String, DependencyGraph> graphs = new TreeMap<>();
        byNamespace.forEach((ns, edges) -> graphs.put(ns, new DependencyGraph(edges)));
        return graphs;
    }

    /**
     * The field error naming the first cycle the write would make (as {@code a -> b -> a}) and
     * the App that starts it, or null when there is none.
     */
    public static FieldError cycleError(Map<String, ? extends Collection<App>> stored, List<? extends MooringResource<?, ?>> incoming) {
        for (var e : afterWrite(stored, incoming).entrySet()) {
            List<String> cycle = e.getValue().firstCycle();
            if (!cycle.isEmpty()) {
                return new FieldError("spec.dependsOn", "Apps in namespace " + e.getKey() + " depend on each other in a cycle: "
                        + String.join(" -> ", cycle), "App " + e.getKey() + "/" + cycle.get(0));
            }
        }
        return null;
    }

    /** The names of the Apps one App depends on. */
    public static List<String> dependsOn(App app) {
        return app.getSpec() == null || app.getSpec().dependsOn == null ? List.of()
                : app.getSpec().dependsOn.stream().filter(Objects::nonNull).map(d -> d.app).filter(Objects::nonNull).toList();
    }

    /**
     * The first cycle, searched from the Apps in name order: its Apps from where it starts, the
     * first repeated at the end ({@code [a, b, a]}); empty when there is none.
     */
    public List<String> firstCycle() {
        Map<String, Boolean> done = new HashMap<>(); // false: on the current path, true: no cycle through it
        for (String start : new TreeSet<>(edges.keySet())) {
            List<String> cycle = visit(start, done, new ArrayDeque<>());
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private List<String> visit(String node, Map<String, Boolean> done, Deque<String> path) {
        Boolean state = done.get(node);
        if (Boolean.TRUE.equals(state)) {
            return List.of();
        }
        path.addLast(node);
        if (state != null) {
            List<String> p = new ArrayList<>(path);
            return List.copyOf(p.subList(p.indexOf(node), p.size()));
        }
        done.put(node, false);
        for (String next : edges.getOrDefault(node, List.of())) {
            List<String> cycle = visit(next, done, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.removeLast();
        done.put(node, true);
        return List.of();
    }
}
