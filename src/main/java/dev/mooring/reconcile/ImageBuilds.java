package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.AppStatus;
import dev.mooring.api.ResourceKey;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.EngineException;
import dev.mooring.store.BuildLogStore;
import dev.mooring.store.SecretStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
    dev.mooring.security.Admission admission;

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
        } catch (dev.mooring.security.HostPathRefusedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String digest = digestOf(build, BuildContext.of(build, root));
        return build.push != null ? pushTag(build.push, digest) : localTag(key.namespace(), key.name(), digest);
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

    public Outcome ensure(ResourceKey key, App app, DockerEngine engine, Map<String, Map<String, String>> secretDigests) {
        AppSpec.Build build = app.getSpec().build;
        AppStatus.Build previous = app.getStatus() == null ? null : app.getStatus().build;
        Instant started = Instant.now();
        BuildContext context;
        String digest;
        try {
            // resolved again right before it is read: a link may have been swapped in since admission
            context = BuildContext.of(build, admission.buildContextToRead(key.namespace(), build.context));
        } catch (dev.mooring.security.HostPathRefusedException e) {
            return failed(key, app, previous, null, "checking the build context", e.getMessage(), started, null);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return failed(key, app, previous, null, "reading the build context", e.getMessage(), started, null);
        }
        try {
            digest = digestOf(build, context);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return failed(key, app, previous, null, "reading the build context", e.getMessage(), started, null);
        }
        String local = localTag(key.namespace(), key.name(), digest);
        String pushRef = build.push == null ? null : pushTag(build.push, digest);
        String runs = pushRef != null ? pushRef : local;

        String imageId = engine.imageId(local);
        if (imageId != null) {
            if (pushRef == null || (previous != null && pushRef.equals(previous.pushed))) {
                if (pushRef != null && engine.imageId(pushRef) == null) {
                    engine.tagImage(imageId, pushRef); // the pushed name was removed on the engine; the image is still here
                }
                return new Outcome(runs, sameOrNew(previous, digest, runs, pushRef));
            }
            // built before, not pushed yet (or the push failed): only push
            StringBuilder log = new StringBuilder();
            try {
                push(key, app, engine, imageId, pushRef, secretDigests, log);
            } catch (RuntimeException e) {
                return failed(key, app, previous, digest, "push " + pushRef, message(e), started, log);
            }
            logs.write(key.namespace(), key.name(), log.toString());
            return new Outcome(runs, succeeded(digest, runs, pushRef, started));
        }
        if (previous != null && "Failed".equals(previous.phase) && digest.equals(previous.digest) && previous.finishedAt != null
                && Instant.parse(previous.finishedAt).plus(retryAfter).isAfter(started)) {
            return new Outcome(null, previous); // the same inputs failed a moment ago: not again yet
        }

        status.event(key, app, StatusWriter.NORMAL, "BuildStarted", "building " + local + " from " + build.context
                + " (" + context.size() + " entries, digest sha256:" + digest.substring(0, 16) + ")");
        StringBuilder log = new StringBuilder();
        log.append("# build of ").append(key.namespace()).append('/').append(key.name()).append(" from ").append(build.context)
                .append(", digest sha256:").append(digest).append(", started ").append(started).append('\n');
        Path tar = null;
        try {
            tar = Files.createTempFile("mooring-build-", ".tar");
            try (OutputStream out = Files.newOutputStream(tar)) {
                context.writeTar(out);
            }
            Set<String> tags = new LinkedHashSet<>();
            tags.add(local);
            Map<String, String> labels = new TreeMap<>(DesiredApp.ownerLabels(key.namespace(), key.name()));
            labels.put("dev.mooring.build-digest", digest);
            try (InputStream in = Files.newInputStream(tar)) {
                imageId = engine.buildImage(in, new DockerEngine.BuildRequest(context.dockerfile(),
                        build.args == null ? Map.of() : build.args, build.target, tags, labels), line -> log.append(line).append('\n'));
            }
            if (app.getSpec().image != null && !app.getSpec().image.contains("@")) {
                tagAlso(key, app, engine, imageId, withTag(app.getSpec().image), log);
            }
            if (pushRef != null) {
                push(key, app, engine, imageId, pushRef, secretDigests, log);
            }
        } catch (DockerEngine.BuildFailedException e) {
            return failed(key, app, previous, digest, e.step(), e.getMessage(), started, log);
        } catch (IOException e) {
            return failed(key, app, previous, digest, "packing the build context", e.getMessage(), started, log);
        } catch (RuntimeException e) {
            return failed(key, app, previous, digest, pushRef != null && imageId != null ? "push " + pushRef : "build", message(e), started, log);
        } finally {
            if (tar != null) {
                try {
                    Files.deleteIfExists(tar);
                } catch (IOException e) {
                    LOG.debugf("could not remove %s: %s", tar, e.getMessage());
                }
            }
        }
        AppStatus.Build done = succeeded(digest, runs, pushRef, started);
        log.append("# built ").append(local).append(" (").append(imageId).append(") in ").append(done.durationMillis).append(" ms")
                .append(pushRef == null ? "" : ", pushed " + pushRef).append('\n');
        logs.write(key.namespace(), key.name(), log.toString());
        status.event(key, app, StatusWriter.NORMAL, "BuildSucceeded", "built " + runs + " (digest sha256:" + digest.substring(0, 16)
                + ") in " + seconds(done.durationMillis) + (pushRef == null ? "" : ", pushed to " + build.push.registry));
        return new Outcome(runs, done);
    }

    /**
     * Gives the built image the App's {@code spec.image} name too, unless that name already
     * belongs to an image Mooring did not build for this App: on a shared engine, another
     * namespace's Apps may run it, and moving the tag (then removing it with this App) would swap
     * their image (issue 10). Such a name is left alone and said in an event and the build log.
     */
    private void tagAlso(ResourceKey key, App app, DockerEngine engine, String imageId, String reference, StringBuilder log) {
        Map<String, String> existing = engine.imageLabels(reference);
        if (existing != null && !builtFor(key, existing)) {
            String message = "did not tag the built image as " + reference + ": that name is an image on engine " + app.engineName()
                    + " that Mooring did not build for this App (the App runs its build tag)";
            log.append("# ").append(message).append('\n');
            status.event(key, app, StatusWriter.WARNING, "ImageTagInUse", message);
            return;
        }
        engine.tagImage(imageId, reference);
    }

    /** Whether an image's labels say Mooring built it for this App (the same owner labels). */
    private static boolean builtFor(ResourceKey key, Map<String, String> labels) {
        return DesiredApp.ownerLabels(key.namespace(), key.name()).entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private void push(ResourceKey key, App app, DockerEngine engine, String imageId, String pushRef,
                      Map<String, Map<String, String>> secretDigests, StringBuilder log) {
        AppSpec.Push push = app.getSpec().build.push;
        engine.tagImage(imageId, pushRef);
        String user = null;
        String password = null;
        if (push.secret != null) {
            Map<String, String> d = secretDigests.getOrDefault(push.secret, Map.of());
            user = new String(secrets.value(key.namespace(), push.secret, push.usernameKey(), d.get(push.usernameKey())), StandardCharsets.UTF_8);
            password = new String(secrets.value(key.namespace(), push.secret, push.passwordKey(), d.get(push.passwordKey())), StandardCharsets.UTF_8);
        }
        log.append("# pushing ").append(pushRef).append(push.secret == null ? " (anonymous)" : " as " + user).append('\n');
        engine.pushImage(pushRef, user, password);
        log.append("# pushed ").append(pushRef).append('\n');
    }

    private Outcome failed(ResourceKey key, App app, AppStatus.Build previous, String digest, String step, String message,
                           Instant started, StringBuilder log) {
        AppStatus.Build b = new AppStatus.Build();
        b.phase = "Failed";
        b.digest = digest;
        b.step = step;
        b.message = message;
        b.startedAt = started.toString();
        Instant end = Instant.now();
        b.finishedAt = end.toString();
        b.durationMillis = Duration.between(started, end).toMillis();
        b.image = previous == null ? null : previous.image;
        b.pushed = previous == null ? null : previous.pushed;
        String text = (step == null ? "" : step + ": ") + message;
        if (log != null) {
            log.append("# build failed after ").append(b.durationMillis).append(" ms: ").append(text).append('\n');
            logs.write(key.namespace(), key.name(), log.toString());
        } else {
            logs.write(key.namespace(), key.name(), "# build failed: " + text + "\n");
        }
        status.event(key, app, StatusWriter.WARNING, "BuildFailed", text + (digest == null ? "" : " (digest sha256:" + digest.substring(0, 16) + ")")
                + " after " + seconds(b.durationMillis) + "; the running containers stay as they are");
        return new Outcome(null, b);
    }

    private static AppStatus.Build succeeded(String digest, String image, String pushed, Instant started) {
        AppStatus.Build b = new AppStatus.Build();
        b.phase = "Succeeded";
        b.digest = digest;
        b.image = image;
        b.pushed = pushed;
        b.startedAt = started.toString();
        Instant end = Instant.now();
        b.finishedAt = end.toString();
        b.durationMillis = Duration.between(started, end).toMillis();
        return b;
    }

    /** The image of this digest is on the engine already: keep the record of the build that made it. */
    private static AppStatus.Build sameOrNew(AppStatus.Build previous, String digest, String image, String pushed) {
        if (previous != null && digest.equals(previous.digest) && "Succeeded".equals(previous.phase)) {
            return previous;
        }
        AppStatus.Build b = new AppStatus.Build();
        b.phase = "Succeeded";
        b.digest = digest;
        b.image = image;
        b.pushed = pushed;
        b.message = "the image of this context was on the engine already; not built again";
        return b;
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

    private static String withTag(String image) {
        int slash = image.lastIndexOf('/');
        return image.contains("@") || image.indexOf(':', slash + 1) >= 0 ? image : image + ":latest";
    }

    private static String message(RuntimeException e) {
        return e instanceof EngineException || e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}
