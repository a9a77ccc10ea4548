package dev.mooring.source.rest;

import dev.mooring.api.ApiException;
import dev.mooring.api.App;
import dev.mooring.store.BuildLogStore;
import dev.mooring.store.ResourceStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The output of an App's last image build (spec.build), as plain text. */
// Rooted at /api/v1alpha1 like ResourcesApi: a class path of .../apps/{name} would shadow its GET of the App.
@Path("/api/v1alpha1")
@Tag(name = "resources")
public class BuildLogApi {
    @Inject
    ResourceStore store;
    @Inject
    BuildLogStore logs;

    @GET
    @Path("/namespaces/{ns}/apps/{name}/buildlog")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "The output of the App's last image build")
    public String buildLog(@PathParam("ns") String ns, @PathParam("name") String name) {
        App app = store.find(App.class, ns, name).orElseThrow(() -> ApiException.notFound("App", ns, name));
        if (app.getSpec().build == null) {
            throw new ApiException(404, "Not Found", "App " + ns + "/" + name + " has no spec.build, so there is no build log", null);
        }
        return logs.read(ns, name).orElseThrow(() -> new ApiException(404, "Not Found",
                "App " + ns + "/" + name + " has not been built yet; its events say what the build waits for", null));
    }
}
