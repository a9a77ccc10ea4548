package dev.mooring.reconcile;

import java.util.ArrayList;
import java.util.List;

/** The operations a reconcile pass will perform, in order. Its text is what planner tests assert. */
public record Plan(List<Operation> operations) {
    public Plan {
        operations = List.copyOf(operations);
    }

    public static Plan empty() {
        return new Plan(List.of());
    }

    public boolean isEmpty() {
        return operations.isEmpty();
    }

    /** {@code [1] CreateContainer default-web-1: missing replica 1}, one line per operation. */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < operations.size(); i++) {
            lines.add("[" + (i + 1) + "] " + operations.get(i).describe());
        }
        return String.join("\n", lines);
    }
}
