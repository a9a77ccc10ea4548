package dev.mooring.source.rest;

import dev.mooring.api.ResourceParser;
import dev.mooring.api.ApiException;
import dev.mooring.api.App;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Validation;
import dev.mooring.reconcile.PlanPreview;
import dev.mooring.reconcile.ResourcePlan;
import dev.mooring.security.Access;
import dev.mooring.security.Admission;
import dev.mooring.security.AuditTrail;
import dev.mooring.store.ResourceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one write path of many resources at once, shared by POST /apply and the compose import:
 * each resource writable by the caller in its namespace (AccessRules' roles), no dependency
 * cycle among Apps, Admission, then one all-or-nothing store apply, each change audited.
 * Resources arrive parsed and validated ({@link ResourceParser}, or {@link #validate} for
 * resources made by a translator).
 */
@ApplicationScoped
public class ResourceWriter {
    @Inject
    ResourceStore store;
    @Inject
    Access access;
    @Inject
    Admission admission;
    @Inject
    AuditTrail audit;
    @Inject
    PlanPreview plans;

    /** The per-resource answer of an apply: kind, namespace, name, result (created, configured, unchanged), generation, resourceVersion. */
    public List<Map<String, Object>> apply(List<MooringResource<?, ?>> resources, boolean dryRun, String verb) {
        access.requireWrite(resources);
        checkDependencyCycles(resources);
        List<Admission.Finding> findings = admission.admit(resources);
        List<ResourceStore.Written> written = ResourcesApi.retryOnConflict(() -> store.apply(resources, dryRun));
        for (ResourceStore.Written w : written) {
            audit.wrote(verb, w.resource(), w.previousResourceVersion(), w.outcome().name() + (dryRun ? " (dry run, nothing stored)" : ""));
        }
        if (!dryRun) {
            admission.record(findings, written.stream().<MooringResource<?, ?>>map(ResourceStore.Written::resource).toList());
        }
        List<Map<String, Object>> results = written.stream().map(w -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", w.resource().getKind());
            m.put("namespace", w.resource().namespace());
            m.put("name", w.resource().name());
            m.put("result", w.outcome().name());
            m.put("generation", w.resource().getMetadata().getGeneration());
            m.put("resourceVersion", w.resource().getMetadata().getResourceVersion());
            return m;
        }).toList();
        if (dryRun) {
            // what each resource would make the loop do on the engine, computed against the live engine
            List<ResourcePlan> plans = this.plans.preview(written.stream().<MooringResource<?, ?>>map(ResourceStore.Written::resource).toList());
            for (int i = 0; i < results.size(); i++) {
                results.get(i).put("plan", plans.get(i));
            }
        }
        return results;
    }

    /** Validation of resources that were not parsed from a request body: a 422 naming each field and its resource. */
    public static void validate(List<MooringResource<?, ?>> resources) {
        List<ApiException.FieldError> errors = new java.util.ArrayList<>();
        for (MooringResource<?, ?> r : resources) {
            String id = r.getKind() + " " + r.namespace() + "/" + r.name();
            Validation.validate(r).forEach(e -> errors.add(e.of(id)));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }

    /**
     * Refuses a write that would make Apps depend on each other in a circle: the request's Apps
     * over the stored ones of the same namespaces ({@link Validation#dependencyCycle(Map, List)}).
     */
    public void checkDependencyCycles(List<MooringResource<?, ?>> incoming) {
        Map<String, List<App>> stored = new LinkedHashMap<>();
        for (MooringResource<?, ?> r : incoming) {
            if (r instanceof App app) {
                stored.computeIfAbsent(app.namespace(), ns -> store.list(App.class, ns));
            }
        }
        ApiException.FieldError cycle = Validation.dependencyCycle(stored, incoming);
        if (cycle != null) {
            throw ApiException.invalid(List.of(cycle));
        }
    }
}
