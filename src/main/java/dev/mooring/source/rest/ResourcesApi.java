package dev.mooring.source.rest;

import dev.mooring.api.ResourceParser;
import dev.mooring.api.ApiException;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceCodec;
import dev.mooring.api.ResourceKey;
import dev.mooring.reconcile.ForcedDeletion;
import dev.mooring.security.Access;
import dev.mooring.security.AuditTrail;
import dev.mooring.security.Role;
import dev.mooring.store.EventStore;
import dev.mooring.store.ResourceSources;
import dev.mooring.store.ResourceStore;
import dev.mooring.write.Actor;
import dev.mooring.write.RetryOnConflict;
import dev.mooring.write.WritePath;
import dev.mooring.write.WriteRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The desired-state API, shaped like Kubernetes': namespaced collections of each kind, with
 * create, read, replace (optimistic concurrency on resourceVersion), two-phase delete, events,
 * and one transactional apply for many resources at once.
 */
@Path("/api/v1alpha1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "resources")
public class ResourcesApi {
    static final String YAML = "application/yaml";

    @Inject
    ResourceStore store;
    @Inject
    EventStore events;
    @Inject
    AuditTrail audit;
    @Inject
    ResourceWriter writer;
    @Inject
    WritePath writes;
    @Inject
    Access access;
    @Inject
    ForcedDeletion forced;

    @GET
    @Path("/{plural}")
    @Operation(summary = "List resources of a kind in every namespace")
    public Map<String, Object> listAll(@PathParam("plural") String plural, @QueryParam("labelSelector") String selector) {
        Kind kind = kind(plural);
        return list(kind, store.list(kind, null, selector(selector)));
    }

    @GET
    @Path("/namespaces/{ns}/{plural}")
    @Operation(summary = "List resources of a kind in a namespace")
    public Map<String, Object> list(@PathParam("ns") String ns, @PathParam("plural") String plural,
                                    @QueryParam("labelSelector") String selector) {
        Kind kind = kind(plural);
        return list(kind, store.list(kind, ns, selector(selector)));
    }

    @POST
    @Path("/namespaces/{ns}/{plural}")
    @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
    @Operation(summary = "Create a resource")
    public Response create(@PathParam("ns") String ns, @PathParam("plural") String plural,
                           @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        Kind kind = kind(plural);
        MooringResource<?, ?> r = single(body, contentType, ns, kind, null);
        MooringResource<?, ?> created = writes.write(WriteRequest.create(r, Actor.caller("create"))).get(0).resource();
        return Response.status(201).entity(created).build();
    }

    @GET
    @Path("/namespaces/{ns}/{plural}/{name}")
    @Operation(summary = "Read a resource with its status")
    public MooringResource<?, ?> get(@PathParam("ns") String ns, @PathParam("plural") String plural, @PathParam("name") String name) {
        Kind kind = kind(plural);
        return store.find(kind, ns, name).orElseThrow(() -> ApiException.notFound(kind.name(), ns, name));
    }

    @PUT
    @Path("/namespaces/{ns}/{plural}/{name}")
    @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
    @Operation(summary = "Replace a resource; a stale metadata.resourceVersion is a 409")
    public MooringResource<?, ?> replace(@PathParam("ns") String ns, @PathParam("plural") String plural, @PathParam("name") String name,
                                         @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        Kind kind = kind(plural);
        MooringResource<?, ?> r = single(body, contentType, ns, kind, name);
        return writes.write(WriteRequest.replace(r, Actor.caller("update"))).get(0).resource();
    }

    @DELETE
    @Path("/namespaces/{ns}/{plural}/{name}")
    @Operation(summary = "Delete a resource: it stays, with deletionTimestamp set, until what it created is gone; "
            + "force=true (admin) removes it at once and answers what it left on the engine")
    public Response delete(@PathParam("ns") String ns, @PathParam("plural") String plural, @PathParam("name") String name,
                           @QueryParam("force") @DefaultValue("false") boolean force) {
        Kind kind = kind(plural);
        if (force) {
            return forceDelete(kind, ns, name);
        }
        ResourceKey key = new ResourceKey(kind, ns, name);
        ResourceStore.Written w = writes.write(WriteRequest.delete(key, ResourceSources.REST, Actor.caller("delete"))).get(0);
        return Response.accepted(w.resource()).build();
    }

    /**
     * The way out of a deletion the engine holds up: admin only, audited with what was left.
     * Answers a Kubernetes-style Status naming what may remain on the engine.
     */
    private Response forceDelete(Kind kind, String ns, String name) {
        access.require(Role.admin, ns, "force the deletion of " + kind.plural);
        ForcedDeletion.Outcome out = RetryOnConflict.run(() -> forced.delete(kind, ns, name));
        String left = out.describe();
        audit.wrote("delete", out.resource(), out.previousResourceVersion(), "forced: finalizer removed; left on engine " + out.engine() + ": " + left);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", kind.name());
        details.put("namespace", ns);
        details.put("name", name);
        details.put("uid", out.resource().getMetadata().getUid());
        details.put("engine", out.engine());
        details.put("leftBehind", out.leftBehind());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", "Status");
        body.put("status", "Success");
        body.put("reason", "ForceDeleted");
        body.put("message", kind.name() + " " + ns + "/" + name + " was removed without cleaning up; left on engine " + out.engine() + ": " + left);
        body.put("details", details);
        return Response.ok(body).build();
    }

    @GET
    @Path("/namespaces/{ns}/{plural}/{name}/events")
    @Operation(summary = "Events recorded about a resource, oldest first")
    public Map<String, Object> events(@PathParam("ns") String ns, @PathParam("plural") String plural, @PathParam("name") String name) {
        MooringResource<?, ?> r = get(ns, plural, name);
        ResourceKey key = new ResourceKey(Kind.of(r), ns, name);
        List<Map<String, Object>> items = events.events(key, r.getMetadata().getUid()).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", e.type());
            m.put("reason", e.reason());
            m.put("message", e.message());
            m.put("count", e.count());
            m.put("firstTimestamp", e.firstTimestamp().toString());
            m.put("lastTimestamp", e.lastTimestamp().toString());
            m.put("involvedObject", Map.of("kind", e.kind(), "namespace", e.namespace(), "name", e.name(), "uid", r.getMetadata().getUid()));
            return m;
        }).toList();
        return ListEnvelope.of("EventList", items);
    }

    @POST
    @Path("/apply")
    @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
    @Operation(summary = "Create or update many resources in one transaction, all or nothing")
    public Map<String, Object> apply(@QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
                                     @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        List<MooringResource<?, ?>> resources = ResourceParser.parse(body, ResourceParser.isYaml(contentType), "default");
        List<Map<String, Object>> results = writer.apply(resources, dryRun, "apply");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dryRun", dryRun);
        out.put("results", results);
        return out;
    }

    // ---- helpers -----------------------------------------------------------------------

    private static Kind kind(String plural) {
        return Kind.byPlural(plural).orElseThrow(() -> new ApiException(404, "Not Found",
                "no resource type \"" + plural + "\"; use one of " + String.join(", ", java.util.Arrays.stream(Kind.values()).map(k -> k.plural).toList()), null));
    }

    private static MooringResource<?, ?> single(String body, String contentType, String ns, Kind kind, String name) {
        List<MooringResource<?, ?>> rs = ResourceParser.parse(body, ResourceParser.isYaml(contentType), ns);
        if (rs.size() != 1) {
            throw ApiException.badRequest("send one resource here, or use POST /api/v1alpha1/apply for several");
        }
        MooringResource<?, ?> r = rs.get(0);
        List<ApiException.FieldError> errors = new java.util.ArrayList<>();
        if (Kind.of(r) != kind) {
            errors.add(new ApiException.FieldError("kind", "must be " + kind.name() + " at this URL, was " + r.getKind()));
        }
        if (!ns.equals(r.namespace())) {
            errors.add(new ApiException.FieldError("metadata.namespace", "\"" + r.namespace() + "\" does not match the namespace in the URL (" + ns + ")"));
        }
        if (name != null && !name.equals(r.name())) {
            errors.add(new ApiException.FieldError("metadata.name", "\"" + r.name() + "\" does not match the name in the URL (" + name + ")"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return r;
    }

    static Map<String, String> selector(String selector) {
        Map<String, String> m = new LinkedHashMap<>();
        if (selector == null || selector.isBlank()) {
            return m;
        }
        for (String part : selector.split(",")) {
            String[] kv = part.split("==?", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw ApiException.badRequest("labelSelector \"" + selector + "\" is not understood; use key=value[,key=value]");
            }
            m.put(kv[0].trim(), kv[1].trim());
        }
        return m;
    }

    private static Map<String, Object> list(Kind kind, List<MooringResource<?, ?>> items) {
        return ListEnvelope.of(kind.name() + "List", items);
    }

    static String toYaml(Object o) {
        try {
            return ResourceCodec.YAML.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
