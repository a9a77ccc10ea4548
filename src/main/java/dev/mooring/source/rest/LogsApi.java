package dev.mooring.source.rest;

import dev.mooring.api.ApiException;
import dev.mooring.api.App;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.DockerEngines;
import dev.mooring.docker.ObservedContainer;
import dev.mooring.reconcile.DesiredApp;
import dev.mooring.store.ResourceStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An App's container output, as {@code docker logs} gives it. With several replicas and none
 * chosen, each line is prefixed with its container's name (as compose does). {@code follow}
 * keeps the response open and streams new output until the client goes away.
 */
@Path("/api/v1alpha1/namespaces/{ns}/apps/{name}/logs")
@Tag(name = "resources")
public class LogsApi {
    @Inject
    ResourceStore store;
    @Inject
    DockerEngines engines;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "Output of the App's containers (replica, tail, since, follow, timestamps)")
    public Response logs(@PathParam("ns") String ns, @PathParam("name") String name,
                         @QueryParam("replica") Integer replica, @QueryParam("tail") Integer tail,
                         @QueryParam("since") String since, @QueryParam("follow") @DefaultValue("false") boolean follow,
                         @QueryParam("timestamps") @DefaultValue("false") boolean timestamps) {
        App app = store.find(App.class, ns, name).orElseThrow(() -> ApiException.notFound("App", ns, name));
        if (tail != null && tail < 0) {
            throw ApiException.invalid(List.of(new ApiException.FieldError("tail", "must be 0 or more")));
        }
        Integer sinceSeconds = since == null ? null : parseSince(since);
        DockerEngine engine = engines.engine(app.engineName());
        List<ObservedContainer> containers = new ArrayList<>(engine.listContainers(DesiredApp.ownerLabels(ns, name)));
        containers.sort(Comparator.comparingInt(ObservedContainer::replica));
        if (replica != null) {
            containers.removeIf(c -> c.replica() != replica);
            if (containers.isEmpty()) {
                throw new ApiException(404, "Not Found", "App " + ns + "/" + name + " has no replica " + replica, null);
            }
        }
        boolean prefix = containers.size() > 1;
        StreamingOutput body = out -> stream(engine, containers, tail, sinceSeconds, follow, timestamps, prefix, out);
        return Response.ok(body, MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).build();
    }

    private static void stream(DockerEngine engine, List<ObservedContainer> containers, Integer tail, Integer since,
                               boolean follow, boolean timestamps, boolean prefix, OutputStream out) throws IOException {
        CountDownLatch ended = new CountDownLatch(containers.size());
        AtomicBoolean clientGone = new AtomicBoolean();
        List<Closeable> handles = new ArrayList<>();
        for (ObservedContainer c : containers) {
            byte[] label = (c.name() + " | ").getBytes(StandardCharsets.UTF_8);
            handles.add(engine.logs(c.id(), tail, since, follow, timestamps, payload -> {
                synchronized (out) {
                    try {
                        if (prefix) {
                            out.write(label);
                        }
                        out.write(payload);
                        if (follow) {
                            out.flush();
                        }
                    } catch (IOException e) {
                        clientGone.set(true);
                    }
                }
            }, ended::countDown));
        }
        try {
            while (!ended.await(1, TimeUnit.SECONDS)) {
                if (clientGone.get()) {
                    break;
                }
                synchronized (out) {
                    try {
                        out.flush(); // notices a client that went away
                    } catch (IOException e) {
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Closeable h : handles) {
                try {
                    h.close();
                } catch (IOException ignored) {
                    // the stream is over either way
                }
            }
        }
    }

    /** {@code since}: unix seconds, an RFC 3339 time, or a duration back from now ({@code 10m}). */
    static int parseSince(String since) {
        try {
            if (since.matches("\\d+")) {
                return Integer.parseInt(since);
            }
            if (since.contains("T")) {
                return (int) OffsetDateTime.parse(since).toEpochSecond();
            }
            return (int) Instant.now().minus(dev.mooring.api.Quantities.duration(since)).getEpochSecond();
        } catch (RuntimeException e) {
            throw ApiException.invalid(List.of(new ApiException.FieldError("since",
                    "\"" + since + "\" is not unix seconds, an RFC 3339 time or a duration like 10m")));
        }
    }
}
