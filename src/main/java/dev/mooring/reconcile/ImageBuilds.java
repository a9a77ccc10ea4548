package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.AppStatus;
import dev.mooring.api.ResourceKey;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.EngineException;
import dev.mooring.security.Admission;
import dev.mooring.security.HostPathRefusedException;
import dev.mooring.store.BuildLogStore;
import dev.mooring.store.SecretStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The step the App reconciler takes before planning for an App with {@code spec.build}: make
 * sure the image of the current build context is on the App's engine (and in the registry, with
 * {@code build.push}), building it when it is not. The planner never sees a build: it gets the
 * image reference this step answers, whose tag names the context digest, so a changed context
 * changes the config hash and rolls out like any other change.
 *
 * <p>An image whose tag is on the engine is never built again. A build that failed is not retried
 * for the same digest until {@code mooring.builds.retry-after} has passed (a changed context is
 * built at once). Each build leaves a summary event and its output in {@link BuildLogStore}.
 */
@ApplicationScoped
public class ImageBuilds {
    private static final Logger LOG = Logger.getLogger(ImageBuilds.class);
    public static final String LOCAL_REGISTRY = "mooring.local";

    @Inject
    StatusWriter status;
    @Inject
    BuildLogStore logs;
    @Inject
    SecretStore secrets;
    @Inject
    Admission admission;

    @ConfigProperty(name = "mooring.builds.retry-after", defaultValue = "5m")
    Duration retryAfter;

    /** Context fingerprint (paths, sizes, times, modes) to content digest: unchanged listings are not read again. */
    private final Map<String, String> digests = new ConcurrentHashMap<>();

    /**
     * What the step found or did.
     * @param image  the reference the containers run (null when the build failed)
     * @param status what goes into status.build
     */
    public record Outcome(String image, AppStatus.Build status) {
        public boolean failed() {
            return image == null;
        }

        /** The failure for people: the step and the engine's message. */
        public String failure() {
            return (status.step == null ? "" : status.step + ": ") + status.message;
        }
    }

    /** The local tag of a build: {@code mooring.local/<namespace>/<app>:ctx-<first 16 hex of the digest>}. */
    public static String localTag(String namespace, String app, String digest) {
        return LOCAL_REGISTRY + "/" + namespace + "/" + app + ":" + BuildContext.TAG_PREFIX + digest.substring(0, 16);
    }

    /** The pushed reference: {@code <registry>/<repository>:ctx-<first 16 hex>}. */
    public static String pushTag(AppSpec.Push push, String digest) {
        return push.registry + "/" + push.repository + ":" + BuildContext.TAG_PREFIX + digest.substring(0, 16);
    }

    /**
     * The image a build of this App's context would run, without building, tagging or pushing
     * (for plans): the push reference or the local tag, both named by the context digest.
     *
     * @throws IllegalArgumentException or UncheckedIOException when the context cannot be read
     */
    public String expectedImage(ResourceKey key, App app) {
        AppSpec.Build build = app.getSpec().build;
        Path root;
        try {
            root = admission.buildContextToRead(key.namespace(), build.context);
        } catch (HostPathRefusedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return target(key, build, BuildContext.of(build, root)).runs();
    }

    /** What a build of {@code context} makes: its digest, its local tag and (with {@code build.push}) the pushed reference. */
    record Target(BuildContext context, String digest, String local, String pushRef) {
        /** The reference the containers run. */
        String runs() {
            return pushRef != null ? pushRef : local;
        }
    }

    private Target target(ResourceKey key, AppSpec.Build build, BuildContext context) {
        String digest = digestOf(build, context);
        return new Target(context, digest, localTag(key.namespace(), key.name(), digest),
                build.push == null ? null : pushTag(build.push, digest));
    }

    private String digestOf(AppSpec.Build build, BuildContext context) {
        String fingerprint = context.fingerprint(build);
        String digest = digests.get(fingerprint);
        if (digest == null) {
            digest = context.digest(build);
            if (digests.size() > 1000) {
                digests.clear();
            }
            digests.put(fingerprint, digest);
        }
        return digest;
    }

    /**
     * Makes sure the image of the App's current build context is on {@code engine} (and pushed,
     * with {@code build.push}), building it when it is not: this step reads the context and its
     * digest, and a {@link BuildRun} decides, acts and records.
     */
    public Outcome ensure(ResourceKey key, App app, DockerEngine engine, Map<String, Map<String, String>> secretDigests) {
        AppSpec.Build build = app.getSpec().build;
        BuildRun run = new BuildRun(status, logs, secrets, retryAfter, key, app, engine, secretDigests);
        Target target;
        try {
            // resolved again right before it is read: a link may have been swapped in since admission
            target = target(key, build, BuildContext.of(build, admission.buildContextToRead(key.namespace(), build.context)));
        } catch (HostPathRefusedException e) {
            return run.unreadable("checking the build context", e.getMessage());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return run.unreadable("reading the build context", e.getMessage());
        }
        return run.ensure(target);
    }

    /** The App is being deleted: the images built for it go too (pushed copies stay in their registry). */
    public void removeImages(ResourceKey key, DockerEngine engine) {
        try {
            int n = engine.removeImages(DesiredApp.ownerLabels(key.namespace(), key.name()));
            LOG.debugf("%s: removed %d built images", key, n);
        } catch (EngineException e) {
            LOG.warnf("%s: could not remove the images built for it: %s", key, e.getMessage());
        }
    }
}
