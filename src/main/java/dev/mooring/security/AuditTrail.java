package dev.mooring.security;

import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import jakarta.enterprise.context.RequestScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * What the current request changed, said by the resource method that changed it (the path
 * alone does not tell an apply's resources, nor any resourceVersion). The audit filter turns
 * it into audit lines once the answer's status is known.
 */
@RequestScoped
public class AuditTrail {
    /** One change; {@code detail} says more (created, configured, unchanged, dry run, ...). */
    public record Change(String verb, String kind, String namespace, String name, String before, String after, String detail) {
    }

    private final List<Change> changes = new ArrayList<>();

    public void add(Change c) {
        changes.add(c);
    }

    public void wrote(String verb, MooringResource<?, ?> r, String before, String detail) {
        String after = r.getMetadata().getResourceVersion();
        changes.add(new Change(verb, Kind.of(r).name(), r.namespace(), r.name(), before, after, detail));
    }

    public List<Change> changes() {
        return List.copyOf(changes);
    }
}
