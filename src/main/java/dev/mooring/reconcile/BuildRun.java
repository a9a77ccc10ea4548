package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.AppStatus;
import dev.mooring.api.ResourceKey;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.EngineException;
import dev.mooring.reconcile.ImageBuilds.Outcome;
import dev.mooring.store.BuildLogStore;
import dev.mooring.store.SecretStore;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One {@link ImageBuilds#ensure} of one App on one engine, once its context has been read:
 * decide from what the engine has (up to date, only a push missing, failed a moment ago, or
 * build), act, and record the outcome in status.build, the build log and the App's events.
 */
final class BuildRun {
    private static final Logger LOG = Logger.getLogger(BuildRun.class);

    private final StatusWriter status;
    private final BuildLogStore logs;
    private final SecretStore secrets;
    private final Duration retryAfter;
    private final ResourceKey key;
    private final App app;
    private final AppSpec.Build build;
    private final DockerEngine engine;
    private final Map<String, Map<String, String>> secretDigests;
    private final AppStatus.Build previous;
    private final Instant started = Instant.now();

    BuildRun(StatusWriter status, BuildLogStore logs, SecretStore secrets, Duration retryAfter,
             ResourceKey key, App app, DockerEngine engine, Map<String, Map<String, String>> secretDigests) {
        this.status = status;
        this.logs = logs;
        this.secrets = secrets;
        this.retryAfter = retryAfter;
        this.key = key;
        this.app = app;
        this.build = app.getSpec().build;
        this.engine = engine;
        this.secretDigests = secretDigests;
        this.previous = app.getStatus() == null ? null : app.getStatus().build;
    }

    /** Decides from what the engine has for {@code target}, and acts: nothing, only a push, nothing yet (failed a moment ago), or a build. */
    Outcome ensure(ImageBuilds.Target target) {
        String imageId = engine.imageId(target.local());
        if (imageId != null) {
            return onEngine(target, imageId);
        }
        if (failedRecently(target.digest())) {
            return new Outcome(null, previous); // the same inputs failed a moment ago: not again yet
        }
        return build(target);
    }

    /** Records that the build context could not be read ({@code step}: checking or reading it). */
    Outcome unreadable(String step, String message) {
        return failed(null, step, message, null);
    }

    /** Whether this digest's build failed less than {@code mooring.builds.retry-after} ago. */
    private boolean failedRecently(String digest) {
        return previous != null && "Failed".equals(previous.phase) && digest.equals(previous.digest) && previous.finishedAt != null
                && Instant.parse(previous.finishedAt).plus(retryAfter).isAfter(started);
    }

    /** The image of this context is on the engine already: at most its push (or its pushed name) is missing. */
    private Outcome onEngine(ImageBuilds.Target target, String imageId) {
        String pushRef = target.pushRef();
        if (pushRef == null || (previous != null && pushRef.equals(previous.pushed))) {
            if (pushRef != null && engine.imageId(pushRef) == null) {
                engine.tagImage(imageId, pushRef); // the pushed name was removed on the engine; the image is still here
            }
            return new Outcome(target.runs(), sameOrNew(previous, target.digest(), target.runs(), pushRef));
        }
        // built before, not pushed yet (or the push failed): only push
        StringBuilder log = new StringBuilder();
        try {
            push(imageId, pushRef, log);
        } catch (RuntimeException e) {
            return failed(target.digest(), "push " + pushRef, message(e), log);
        }
        logs.write(key.namespace(), key.name(), log.toString());
        return new Outcome(target.runs(), succeeded(target.digest(), target.runs(), pushRef, started));
    }

    /** Builds the image, gives it the App's image name too, pushes it with {@code build.push}, and records how it went. */
    private Outcome build(ImageBuilds.Target target) {
        status.event(key, app, StatusWriter.NORMAL, "BuildStarted", "building " + target.local() + " from " + build.context
                + " (" + target.context().size() + " entries, digest sha256:" + target.digest().substring(0, 16) + ")");
        StringBuilder log = new StringBuilder();
        log.append("# build of ").append(key.namespace()).append('/').append(key.name()).append(" from ").append(build.context)
                .append(", digest sha256:").append(target.digest()).append(", started ").append(started).append('\n');
        String imageId = null;
        try {
            imageId = buildImage(target, log);
            if (app.getSpec().image != null && !app.getSpec().image.contains("@")) {
                tagAlso(imageId, withTag(app.getSpec().image), log);
            }
            if (target.pushRef() != null) {
                push(imageId, target.pushRef(), log);
            }
        } catch (DockerEngine.BuildFailedException e) {
            return failed(target.digest(), e.step(), e.getMessage(), log);
        } catch (IOException e) {
            return failed(target.digest(), "packing the build context", e.getMessage(), log);
        } catch (RuntimeException e) {
            String step = target.pushRef() != null && imageId != null ? "push " + target.pushRef() : "build";
            return failed(target.digest(), step, message(e), log);
        }
        return built(target, imageId, log);
    }

    /** Packs the context into a temporary tar and builds it, tagged locally and labelled with its owner and digest. */
    private String buildImage(ImageBuilds.Target target, StringBuilder log) throws IOException {
        Path tar = Files.createTempFile("mooring-build-", ".tar");
        try {
            try (OutputStream out = Files.newOutputStream(tar)) {
                target.context().writeTar(out);
            }
            Set<String> tags = new LinkedHashSet<>();
            tags.add(target.local());
            Map<String, String> labels = new TreeMap<>(DesiredApp.ownerLabels(key.namespace(), key.name()));
            labels.put("dev.mooring.build-digest", target.digest());
            var request = new DockerEngine.BuildRequest(target.context().dockerfile(),
                    build.args == null ? Map.of() : build.args, build.target, tags, labels);
            try (InputStream in = Files.newInputStream(tar)) {
                return engine.buildImage(in, request, line -> log.append(line).append('\n'));
            }
        } finally {
            try {
                Files.deleteIfExists(tar);
            } catch (IOException e) {
                LOG.debugf("could not remove %s: %s", tar, e.getMessage());
            }
        }
    }

    /** Records a build that succeeded: the end of its log, and an event. */
    private Outcome built(ImageBuilds.Target target, String imageId, StringBuilder log) {
        String pushRef = target.pushRef();
        AppStatus.Build done = succeeded(target.digest(), target.runs(), pushRef, started);
        log.append("# built ").append(target.local()).append(" (").append(imageId).append(") in ").append(done.durationMillis).append(" ms")
                .append(pushRef == null ? "" : ", pushed " + pushRef).append('\n');
        logs.write(key.namespace(), key.name(), log.toString());
        status.event(key, app, StatusWriter.NORMAL, "BuildSucceeded", "built " + target.runs() + " (digest sha256:"
                + target.digest().substring(0, 16) + ") in " + seconds(done.durationMillis)
                + (pushRef == null ? "" : ", pushed to " + build.push.registry));
        return new Outcome(target.runs(), done);
    }

    /**
     * Gives the built image the App's {@code spec.image} name too, unless that name already
     * belongs to an image Mooring did not build for this App: on a shared engine, another
     * namespace's Apps may run it, and moving the tag (then removing it with this App) would swap
     * their image (issue 10). Such a name is left alone and said in an event and the build log.
     */
    private void tagAlso(String imageId, String reference, StringBuilder log) {
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

    private void push(String imageId, String pushRef, StringBuilder log) {
        AppSpec.Push push = build.push;
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

    /** Records a build that failed (at {@code step}; a null digest: before the context was read) in its log and an event. */
    private Outcome failed(String digest, String step, String message, StringBuilder log) {
        AppStatus.Build b = failure(previous, digest, step, message, started);
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

    /** Whether an image's labels say Mooring built it for this App (the same owner labels). */
    private static boolean builtFor(ResourceKey key, Map<String, String> labels) {
        return OwnerLabels.carries(labels, DesiredApp.ownerLabels(key.namespace(), key.name()));
    }

    /** status.build of a failed build; the image and pushed reference of the last good one stay. */
    private static AppStatus.Build failure(AppStatus.Build previous, String digest, String step, String message, Instant started) {
        AppStatus.Build b = finished("Failed", digest, started);
        b.step = step;
        b.message = message;
        b.image = previous == null ? null : previous.image;
        b.pushed = previous == null ? null : previous.pushed;
        return b;
    }

    private static AppStatus.Build succeeded(String digest, String image, String pushed, Instant started) {
        AppStatus.Build b = finished("Succeeded", digest, started);
        b.image = image;
        b.pushed = pushed;
        return b;
    }

    /** A build that ended now: its phase, context digest and timing. */
    private static AppStatus.Build finished(String phase, String digest, Instant started) {
        AppStatus.Build b = new AppStatus.Build();
        b.phase = phase;
        b.digest = digest;
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

    private static String withTag(String image) {
        int slash = image.lastIndexOf('/');
        return image.contains("@") || image.indexOf(':', slash + 1) >= 0 ? image : image + ":latest";
    }

    private static String message(RuntimeException e) {
        return e instanceof EngineException || e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}
