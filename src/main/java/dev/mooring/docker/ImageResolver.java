package dev.mooring.docker;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which image a tag names on an engine, as {@code imagePullPolicy} wants it: {@code IfNotPresent}
 * pulls only a missing image, {@code Always} pulls at most every {@code mooring.images.pull-interval}
 * (so a tag pushed anew is noticed), {@code Never} never pulls. Lookups are cached per engine
 * until an image event (tag, pull, load, delete) says a tag may have moved.
 */
@ApplicationScoped
public class ImageResolver {
    private static final Logger LOG = Logger.getLogger(ImageResolver.class);

    @ConfigProperty(name = "mooring.images.pull-interval", defaultValue = "1m")
    Duration pullInterval;

    private final Map<String, Map<String, String>> ids = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastPull = new ConcurrentHashMap<>();
    /** Why the last pull of an {@code Always} image failed while the engine's own copy kept running, by engine/reference. */
    private final Map<String, String> pullFailures = new ConcurrentHashMap<>();

    /** The image ID the reference resolves to, pulling as the policy says. */
    public String resolve(DockerEngine engine, String reference, String pullPolicy) {
        return resolve(engine, reference, pullPolicy, message -> { });
    }

    /**
     * {@link #resolve(DockerEngine, String, String)}, telling {@code pullFailed} when an {@code Always}
     * pull just failed and the engine's own copy of the image is used instead.
     */
    public String resolve(DockerEngine engine, String reference, String pullPolicy, java.util.function.Consumer<String> pullFailed) {
        String policy = pullPolicy == null ? "IfNotPresent" : pullPolicy;
        if ("Always".equals(policy)) {
            String key = engine.name() + "/" + reference;
            Instant last = lastPull.get(key);
            if (last == null || Instant.now().isAfter(last.plus(pullInterval))) {
                try {
                    engine.pull(reference);
                    pullFailures.remove(key);
                } catch (EngineException e) {
                    String local = cached(engine, reference);
                    if (local == null) {
                        throw e;
                    }
                    // one line, no stack trace: this repeats every pull interval while the registry is down
                    String message = "pulling " + reference + " failed, so the local image " + shortId(local) + " runs: " + e.getMessage();
                    LOG.warn(message);
                    pullFailures.put(key, message);
                    pullFailed.accept(message);
                }
                lastPull.put(key, Instant.now());
                invalidate(engine.name());
            }
        }
        String id = cached(engine, reference);
        if (id == null && "IfNotPresent".equals(policy)) {
            engine.pull(reference);
            invalidate(engine.name());
            id = cached(engine, reference);
        }
        if (id == null) {
            throw new EngineException("image " + reference + " is not on engine " + engine.name()
                    + ("Never".equals(policy) ? " and imagePullPolicy is Never" : " after pulling it"), 404, null);
        }
        return id;
    }

    /** Why the last {@code Always} pull of the reference failed while its local image runs, or null when it did not fail. */
    public String pullFailure(DockerEngine engine, String reference) {
        return pullFailures.get(engine.name() + "/" + reference);
    }

    private static String shortId(String id) {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.substring(0, Math.min(12, hex.length()));
    }

    private String cached(DockerEngine engine, String reference) {
        Map<String, String> perEngine = ids.computeIfAbsent(engine.name(), n -> new ConcurrentHashMap<>());
        String id = perEngine.get(reference);
        if (id == null) {
            id = engine.imageId(reference);
            if (id != null) {
                perEngine.put(reference, id);
            }
        }
        return id;
    }

    /** An image event on the engine: every cached tag may now name another image. */
    public void invalidate(String engineName) {
        Map<String, String> perEngine = ids.get(engineName);
        if (perEngine != null) {
            perEngine.clear();
        }
    }
}
