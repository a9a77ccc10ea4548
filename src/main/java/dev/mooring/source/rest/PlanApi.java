package dev.mooring.source.rest;

import dev.mooring.api.ApiException;
import dev.mooring.api.Kind;
import dev.mooring.api.ResourceKey;
import dev.mooring.reconcile.PlanPreview;
import dev.mooring.reconcile.ResourcePlan;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET …/{plural}/{name}/plan}: what the loop would do to bring the engine to the stored
 * desired state of an App, Network or Volume, without doing it (see {@link PlanPreview}). A read:
 * it needs the viewer role in the namespace (AccessRules' rule for the plural).
 */
// Rooted at /api/v1alpha1 like ResourcesApi: a class path of .../{name} would shadow its GET of the resource.
@Path("/api/v1alpha1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "resources")
public class PlanApi {
    @Inject
    PlanPreview plans;

    @GET
    @Path("/namespaces/{ns}/{plural}/{name}/plan")
    @Operation(summary = "The operations Mooring would perform for this resource, with causes and a field-level diff; changes nothing")
    public ResourcePlan plan(@PathParam("ns") String ns, @PathParam("plural") String plural, @PathParam("name") String name) {
        Kind kind = Kind.byPlural(plural).orElseThrow(() -> new ApiException(404, "Not Found",
                "no resource type \"" + plural + "\"; use apps, networks, volumes or secrets", null));
        return plans.preview(new ResourceKey(kind, ns, name));
    }
}
