package dev.mooring.source.rest;

import dev.mooring.api.ResourceParser;
import dev.mooring.api.MooringResource;
import dev.mooring.reconcile.PlanPreview;
import dev.mooring.reconcile.ResourcePlan;
import dev.mooring.security.Access;
import dev.mooring.store.ResourceSources;
import dev.mooring.store.ResourceStore;
import dev.mooring.write.Actor;
import dev.mooring.write.WritePath;
import dev.mooring.write.WriteRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST side of writing many resources at once, shared by POST /apply and the compose import:
 * each resource writable by the caller in its namespace (AccessRules' roles), then the
 * {@link WritePath} (validation, cycles, admission, one all-or-nothing store apply, audit), and
 * the per-resource answer, with a dry run's engine plans. Resources arrive parsed
 * ({@link ResourceParser}) or made by a translator.
 */
@ApplicationScoped
public class ResourceWriter {
    @Inject
    WritePath writes;
    @Inject
    Access access;
    @Inject
    PlanPreview plans;

    /** The per-resource answer of an apply: kind, namespace, name, result (created, configured, unchanged), generation, resourceVersion. */
    public List<Map<String, Object>> apply(List<MooringResource<?, ?>> resources, boolean dryRun, String verb) {
        access.requireWrite(resources);
        List<ResourceStore.Written> written = writes.write(WriteRequest.apply(resources, ResourceSources.REST, Actor.caller(verb), dryRun));
        List<Map<String, Object>> results = written.stream().map(ResourceWriter::result).toList();
        if (dryRun) {
            // what each resource would make the loop do on the engine, computed against the live engine
            List<ResourcePlan> plans = this.plans.preview(written.stream().<MooringResource<?, ?>>map(ResourceStore.Written::resource).toList());
            for (int i = 0; i < results.size(); i++) {
                results.get(i).put("plan", plans.get(i));
            }
        }
        return results;
    }

    private static Map<String, Object> result(ResourceStore.Written w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", w.resource().getKind());
        m.put("namespace", w.resource().namespace());
        m.put("name", w.resource().name());
        m.put("result", w.outcome().name());
        m.put("generation", w.resource().getMetadata().getGeneration());
        m.put("resourceVersion", w.resource().getMetadata().getResourceVersion());
        return m;
    }
}
