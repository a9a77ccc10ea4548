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

    /** The image ID the reference resolves to, pulling as the policy says. */
    public String resolve(DockerEngine engine, String reference, String pullPolicy) {
        String policy = pullPolicy == null ? "IfNotPresent" : pullPolicy;
        if ("Always".equals(policy)) {
            String key = engine.name() + "/" + reference;
            Instant last = lastPull.get(key);
            if (last == null || Instant.now().isAfter(last.plus(pullInterval))) {
                try {
                    engine.pull(reference);
                } catch (EngineException e) {
                    if (cached(engine, reference) == null) {
                        throw e;
                    }
                    LOG.warnf("pulling %s failed; using the image the engine has: %s", reference, e.getMessage());
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
