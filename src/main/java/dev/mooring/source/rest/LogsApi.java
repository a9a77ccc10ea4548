package dev.mooring.source.rest;

import dev.mooring.api.ApiException;
import dev.mooring.api.App;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.DockerEngines;
import dev.mooring.docker.ObservedContainer;
import dev.mooring.reconcile.DesiredApp;
import dev.mooring.security.Access;
import dev.mooring.security.StreamLimiter;
import dev.mooring.store.ResourceStore;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * An App's container output, as {@code docker logs} gives it. With several replicas and none
 * chosen, each line is prefixed with its container's name (as compose does). {@code follow}
 * keeps the response open and streams new output until the client goes away.
 *
 * <p>The output is a {@link Multi} fed by the engine's stream callbacks, so no request thread
 * waits on it (issue 10: blocking streams used up the worker pool, health checks included). The
 * client going away cancels it, which closes the engine streams within moments. Each followed
 * container takes a place of the {@link StreamLimiter}, which also ends a stream that has sent
 * nothing for its idle timeout (a quiet container, or a client that stopped reading).
 */
@Path("/api/v1alpha1/namespaces/{ns}/apps/{name}/logs")
@Tag(name = "resources")
public class LogsApi {
    private static final Logger LOG = Logger.getLogger(LogsApi.class);
    /** Output frames (docker sends a line, at most 16 KiB, in each) held for a client that reads slowly. */
    static final int BUFFERED_FRAMES = 1024;

    @Inject
    ResourceStore store;
    @Inject
    DockerEngines engines;
    @Inject
    StreamLimiter limiter;
    @Inject
    Access access;

    @GET
    @Produces(MediaType.TEXT_PLAIN + ";charset=UTF-8")
    @Blocking
    @Operation(summary = "Output of the App's containers (replica, tail, since, follow, timestamps)")
    public Multi<byte[]> logs(@PathParam("ns") String ns, @PathParam("name") String name,
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
        // following, each container is an engine connection for as long as the stream lasts; without
        // follow they are read one after the other (like kubectl, which limits only followed logs)
        int streams = follow ? Math.max(1, containers.size()) : 1;
        StreamLimiter.Permit permit = limiter.acquire(access.caller(), streams,
                "the logs of App " + ns + "/" + name + (follow ? " (" + streams + (streams == 1 ? " container)" : " containers)") : ""));
        boolean prefix = containers.size() > 1;
        List<Multi<byte[]>> outputs = containers.stream()
                .map(c -> output(engine, c, prefix, tail, sinceSeconds, follow, timestamps)).toList();
        Multi<byte[]> all;
        if (!follow) {
            all = outputs.isEmpty() ? Multi.createFrom().empty() : Multi.createBy().concatenating().streams(outputs);
        } else {
            // an empty first item sends the response head now, not with the first line
            all = Multi.createBy().concatenating().streams(Multi.createFrom().item(new byte[0]),
                    Multi.createBy().merging().withConcurrency(Math.max(1, outputs.size())).streams(outputs));
        }
        return limiter.bound(all, permit);
    }

    /**
     * One container's output, as a stream that opens the engine stream when subscribed and closes
     * it when cancelled. Back-pressure reaches the engine: the engine stream's thread waits while
     * {@value #BUFFERED_FRAMES} frames wait for the client, so a slow client slows its engine stream
     * (TCP does the rest) instead of filling memory, and a client that stops reading ends at the
     * idle timeout.
     */
    private static Multi<byte[]> output(DockerEngine engine, ObservedContainer c, boolean prefix, Integer tail, Integer since,
                                        boolean follow, boolean timestamps) {
        byte[] label = (c.name() + " | ").getBytes(StandardCharsets.UTF_8);
        Semaphore room = new Semaphore(BUFFERED_FRAMES);
        Multi<byte[]> frames = Multi.createFrom().<byte[]>emitter(em -> {
            EngineStream open = new EngineStream();
            em.onTermination(open::close);
            open.set(engine.logs(c.id(), tail, since, follow, timestamps,
                    payload -> send(em, room, prefix ? concat(label, payload) : payload), em::complete));
        }, BackPressureStrategy.BUFFER);
        return frames.onItem().invoke(frame -> room.release());
    }

    /** Emits once there is room; on an engine stream's own thread, which closing the stream interrupts. */
    private static void send(MultiEmitter<? super byte[]> em, Semaphore room, byte[] frame) {
        try {
            room.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the stream is being closed
            return;
        }
        em.emit(frame);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * The engine stream of one container's output. It is closed on a worker thread: the client going
     * away is noticed on the event loop, and closing an engine connection may block briefly.
     */
    private static final class EngineStream {
        private Closeable stream;
        private boolean closed;

        synchronized void set(Closeable engineStream) {
            if (closed) {
                closeLater(engineStream); // the client went while the stream was being opened
            } else {
                stream = engineStream;
            }
        }

        synchronized void close() {
            closed = true;
            if (stream != null) {
                closeLater(stream);
                stream = null;
            }
        }

        private static void closeLater(Closeable stream) {
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                try {
                    stream.close();
                } catch (IOException | RuntimeException e) {
                    LOG.debugf("closing a log stream: %s", e.toString());
                }
            });
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
