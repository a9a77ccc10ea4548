package dev.mooring.source.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.api.ApiException;
import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceCodec;
import dev.mooring.reconcile.AppReconciler;
import dev.mooring.store.ResourceStore;
import dev.mooring.store.RevisionStore;
import dev.mooring.store.RevisionStore.Revision;
import dev.mooring.write.Actor;
import dev.mooring.write.WritePath;
import dev.mooring.write.WriteRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An App's revisions, and rolling back to one of them (through the same rolling update). */
// Rooted at /api/v1alpha1 like ResourcesApi: a class path of .../apps/{name} would shadow its GET of the App.
@Path("/api/v1alpha1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "resources")
public class AppRolloutApi {
    @Inject
    ResourceStore store;
    @Inject
    RevisionStore revisions;
    @Inject
    WritePath writes;

    @GET
    @Path("/namespaces/{ns}/apps/{name}/revisions")
    @Operation(summary = "The configurations this App has rolled out, oldest first")
    public Map<String, Object> revisions(@PathParam("ns") String ns, @PathParam("name") String name) {
        App app = app(ns, name);
        Integer current = app.getStatus() == null ? null : app.getStatus().currentRevision;
        List<Map<String, Object>> items = revisions.list(app.getMetadata().getUid()).stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("revision", r.number());
            m.put("configHash", r.configHash());
            m.put("image", r.image());
            m.put("imageId", r.imageId());
            m.put("phase", r.phase());
            m.put("cause", r.cause());
            m.put("created", r.created().toString());
            m.put("current", r.number() == (current == null ? -1 : current));
            m.put("spec", parse(r.spec()));
            return m;
        }).toList();
        return ListEnvelope.of("RevisionList", items);
    }

    /** Body {@code {"revision": N}}; without one, the newest completed revision before the current one. */
    @POST
    @Path("/namespaces/{ns}/apps/{name}/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Roll back to a revision through the App's rolling update")
    public MooringResource<?, ?> rollback(@PathParam("ns") String ns, @PathParam("name") String name, Map<String, Object> body) {
        App app = app(ns, name);
        String uid = app.getMetadata().getUid();
        Object wanted = body == null ? null : body.get("revision");
        if (body != null && body.keySet().stream().anyMatch(k -> !k.equals("revision"))) {
            throw ApiException.invalid(List.of(new ApiException.FieldError(body.keySet().stream().filter(k -> !k.equals("revision"))
                    .findFirst().orElseThrow(), "unknown field")));
        }
        Revision target;
        if (wanted == null) {
            Integer current = app.getStatus() == null ? null : app.getStatus().currentRevision;
            target = revisions.lastGood(uid, current == null ? -1 : current).orElseThrow(() ->
                    new ApiException(409, "Conflict", "App " + ns + "/" + name + " has no earlier completed revision to roll back to", null));
        } else {
            if (!(wanted instanceof Number n) || n.intValue() < 1 || n.doubleValue() != n.intValue()) {
                throw ApiException.invalid(List.of(new ApiException.FieldError("revision", "must be a revision number (1 or more)")));
            }
            target = revisions.get(uid, ((Number) wanted).intValue()).orElseThrow(() -> new ApiException(404, "Not Found",
                    "App " + ns + "/" + name + " has no revision " + wanted + "; GET .../revisions lists them", null));
        }
        App next = new App();
        next.setMetadata(app.getMetadata());
        next.getMetadata().setResourceVersion(null);
        Map<String, String> annotations = new HashMap<>(app.getMetadata().getAnnotations() == null ? Map.of() : app.getMetadata().getAnnotations());
        annotations.put(AppReconciler.CHANGE_CAUSE, "rollback to revision " + target.number());
        next.getMetadata().setAnnotations(annotations);
        next.setSpec(ResourceCodec.fromJson(target.spec(), AppSpec.class));
        // The revision was admitted when it was written, but the namespace's level may have been raised since.
        return writes.write(WriteRequest.replace(next, Actor.caller("rollback", "to revision " + target.number()))).get(0).resource();
    }

    private App app(String ns, String name) {
        return store.find(App.class, ns, name).orElseThrow(() -> ApiException.notFound("App", ns, name));
    }

    private static JsonNode parse(String json) {
        try {
            return ResourceCodec.JSON.readTree(json);
        } catch (Exception e) {
            return null;
        }
    }
}
