package dev.mooring.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import dev.mooring.api.Labels;
import dev.mooring.api.ResourceKey;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Follows each engine: keeps its watched view of containers ({@link WatchedContainers}) and turns
 * Docker events of Mooring's containers into reconciles of their owners, at once. Each event first
 * updates the view (a look at that container), then the owner is told, so its reconcile reads the
 * change. The view is listed in full once per {@code mooring.controller.resync-interval} per
 * engine (never per App); owners whose containers the list finds changed (an event the stream
 * lost) are told too. The stream reconnects by itself (with {@code since}, so nothing in the gap is
 * lost) and, since an engine that comes back may have changed while away, a reconnect relists the
 * view and tells every owner there.
 */
@ApplicationScoped
public class EngineEventWatcher {
    private static final Logger LOG = Logger.getLogger(EngineEventWatcher.class);
    /** Events that mean a container may no longer be as planned (a create: one made by hand with Mooring's labels). */
    private static final Set<String> RELEVANT = Set.of("create", "die", "destroy", "stop", "kill", "oom", "pause", "unpause", "rename", "start");

    @Inject
    DockerEngines engines;
    @Inject
    jakarta.enterprise.event.Event<OwnedObjectChanged> ownedChanged;
    @Inject
    ImageResolver images;
    @Inject
    jakarta.enterprise.event.Event<ImagesChanged> imagesChanged;
    @ConfigProperty(name = "mooring.controller.resync-interval", defaultValue = "30s")
    Duration resyncInterval;

    /** Image events that may move a tag to another image. */
    private static final Set<String> IMAGE_ACTIONS = Set.of("tag", "untag", "pull", "load", "import", "delete");

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mooring-docker-events");
        t.setDaemon(true);
        return t;
    });
    /** Full lists, apart from the reconnects: a list waits up to a call deadline on an engine that does not answer. */
    private final ScheduledExecutorService relists = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mooring-engine-relist");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;

    public void start() {
        for (DockerEngine engine : engines.all()) {
            engine.follow(); // the first read lists the engine if the first relist below has not yet
            new Subscription(engine).connect(Instant.now().getEpochSecond());
            relists.scheduleWithFixedDelay(() -> relist(engine), 0, resyncInterval.toMillis(), TimeUnit.MILLISECONDS);
            watchImages(engine, Instant.now().getEpochSecond(), Duration.ofMillis(500));
        }
    }

    /** The resync's full list of one engine; owners whose containers changed since the view last saw them look again. */
    private void relist(DockerEngine engine) {
        try {
            engine.relistContainers().forEach(k -> ownedChanged.fire(new OwnedObjectChanged(engine.name(), k)));
        } catch (RuntimeException e) {
            LOG.debugf("engine %s: relist failed, its view is stale: %s", engine.name(), e.getMessage());
        }
    }

    private void watchImages(DockerEngine engine, long since, Duration backoff) {
        if (stopping) {
            return;
        }
        long[] last = {since};
        Runnable again = () -> {
            if (stopping) {
                return;
            }
            try {
                scheduler.schedule(() -> {
                    images.invalidate(engine.name()); // events in the gap are covered by since, but be sure
                    watchImages(engine, last[0], Duration.ofMillis(Math.min(30_000, backoff.toMillis() * 2)));
                }, backoff.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // shutting down
            }
        };
        try {
            engine.watchImageEvents(since, new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Event event) {
                    if (event.getTime() != null) {
                        last[0] = Math.max(last[0], event.getTime());
                    }
                    LOG.debugf("engine %s: image event %s %s", engine.name(), event.getAction(), event.getId());
                    if (event.getAction() != null && IMAGE_ACTIONS.contains(event.getAction())) {
                        images.invalidate(engine.name());
                        imagesChanged.fire(new ImagesChanged(engine.name()));
                    }
                }

                @Override
                public void onError(Throwable t) {
                    again.run();
                }

                @Override
                public void onComplete() {
                    again.run();
                }
            });
        } catch (RuntimeException e) {
            again.run();
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        stopping = true;
        scheduler.shutdownNow();
        relists.shutdownNow();
    }

    /** One engine's event stream, with its reconnect state. */
    private final class Subscription {
        private final DockerEngine engine;
        private volatile long lastEventSeconds;
        private volatile Duration backoff = Duration.ofMillis(500);
        private volatile Closeable handle;

        Subscription(DockerEngine engine) {
            this.engine = engine;
        }

        void connect(long since) {
            if (stopping) {
                return;
            }
            lastEventSeconds = since;
            try {
                handle = engine.watchEvents(since, new ResultCallback.Adapter<>() {
                    @Override
                    public void onStart(Closeable stream) {
                        super.onStart(stream);
                        backoff = Duration.ofMillis(500);
                    }

                    @Override
                    public void onNext(Event event) {
                        handle(event);
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (!stopping) {
                            LOG.warnf("engine %s: event stream failed (%s); reconnecting", engine.name(), t.toString());
                        }
                        reconnect();
                    }

                    @Override
                    public void onComplete() {
                        reconnect();
                    }
                });
            } catch (RuntimeException e) {
                LOG.warnf("engine %s: cannot watch events (%s); retrying in %s", engine.name(), e.getMessage(), backoff);
                reconnect();
            }
        }

        private void handle(Event event) {
            if (event.getTime() != null) {
                lastEventSeconds = Math.max(lastEventSeconds, event.getTime());
            }
            String action = event.getAction() == null ? "" : event.getAction();
            if (!RELEVANT.contains(action) && !action.startsWith("health_status")) {
                return;
            }
            if (event.getId() != null) {
                engine.containerEvent(event.getId()); // the view first, so the owner's reconcile reads the change
            }
            Map<String, String> attrs = event.getActor() == null ? null : event.getActor().getAttributes();
            if (attrs == null || attrs.get(Labels.KIND) == null) {
                return;
            }
            ResourceKey.parse(attrs.get(Labels.KIND), attrs.get(Labels.NAMESPACE), attrs.get(Labels.NAME)).ifPresent(k -> ownedChanged.fire(new OwnedObjectChanged(engine.name(), k)));
        }

        private void reconnect() {
            if (stopping) {
                return;
            }
            Duration wait = backoff;
            backoff = Duration.ofMillis(Math.min(30_000, backoff.toMillis() * 2));
            try {
                scheduler.schedule(() -> {
                    connect(lastEventSeconds);
                    resyncEngine();
                }, wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // shutting down
            }
        }

        private void resyncEngine() {
            try {
                engine.relistContainers();
                for (Map<String, String> owner : engine.ownerLabels()) {
                    ResourceKey.parse(owner.get(Labels.KIND), owner.get(Labels.NAMESPACE), owner.get(Labels.NAME)).ifPresent(k -> ownedChanged.fire(new OwnedObjectChanged(engine.name(), k)));
                }
            } catch (RuntimeException e) {
                LOG.debugf("engine %s: resync after reconnect failed: %s", engine.name(), e.getMessage());
            }
        }
    }
}
