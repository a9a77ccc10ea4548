package dev.mooring.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import dev.mooring.api.Labels;
import dev.mooring.api.ResourceKey;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
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
 * Turns Docker events of Mooring's containers into reconciles of their owners, at once. The
 * stream reconnects by itself (with {@code since}, so nothing in the gap is lost) and, since an
 * engine that comes back may have changed while away, a reconnect resyncs the engine's owners.
 */
@ApplicationScoped
public class EngineEventWatcher {
    private static final Logger LOG = Logger.getLogger(EngineEventWatcher.class);
    /** Events that mean a container may no longer be as planned. */
    private static final Set<String> RELEVANT = Set.of("die", "destroy", "stop", "kill", "oom", "pause", "unpause", "rename", "start");

    @Inject
    DockerEngines engines;
    @Inject
    jakarta.enterprise.event.Event<OwnedObjectChanged> ownedChanged;
    @Inject
    ImageResolver images;
    @Inject
    jakarta.enterprise.event.Event<ImagesChanged> imagesChanged;

    /** Image events that may move a tag to another image. */
    private static final Set<String> IMAGE_ACTIONS = Set.of("tag", "untag", "pull", "load", "import", "delete");

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mooring-docker-events");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;

    public void start() {
        for (DockerEngine engine : engines.all()) {
            new Subscription(engine).connect(Instant.now().getEpochSecond());
            watchImages(engine, Instant.now().getEpochSecond(), Duration.ofMillis(500));
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
                for (Map<String, String> owner : engine.ownerLabels()) {
                    ResourceKey.parse(owner.get(Labels.KIND), owner.get(Labels.NAMESPACE), owner.get(Labels.NAME)).ifPresent(k -> ownedChanged.fire(new OwnedObjectChanged(engine.name(), k)));
                }
            } catch (RuntimeException e) {
                LOG.debugf("engine %s: resync after reconnect failed: %s", engine.name(), e.getMessage());
            }
        }
    }
}
