package dev.mooring.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PushResponseItem;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An engine's images: which image a reference names (the read side), and pulling, tagging,
 * pushing and removing them. Pulls and pushes run under the pull deadline ({@link EngineCalls}).
 */
final class Images {
    private final EngineClient engine;

    Images(EngineClient engine) {
        this.engine = engine;
    }

    /** The ID of the image a reference names on this engine, or null when the engine does not have it. */
    String id(String reference) {
        return EngineClient.orNullWhenAbsent(() -> engine.call("image.inspect",
                () -> engine.client.inspectImageCmd(reference).exec().getId()));
    }

    /**
     * The labels of the image a reference names on this engine (empty when it has none), or null
     * when the engine does not have it.
     */
    Map<String, String> labels(String reference) {
        return EngineClient.orNullWhenAbsent(() -> engine.call("image.inspect", () -> {
            var config = engine.client.inspectImageCmd(reference).exec().getConfig();
            return config == null || config.getLabels() == null ? Map.<String, String>of() : Map.copyOf(config.getLabels());
        }));
    }

    void pull(String image) {
        engine.call("image.pull", () -> {
            QuietPull pull = engine.client.pullImageCmd(image).exec(new QuietPull());
            try {
                pull.awaitCompletion();
            } catch (InterruptedException e) {
                closeQuietly(pull);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pulling " + image, e);
            } catch (RuntimeException e) {
                if (pull.error == null) {
                    throw e;
                }
            }
            if (pull.error != null) {
                throw pull.error instanceof RuntimeException r ? r : new IllegalStateException(pull.error.getMessage(), pull.error);
            }
            return null;
        });
    }

    /**
     * A pull whose failure is an answer, not a log entry: docker-java's callbacks log every error
     * with its stack trace, which a pull retried every minute (imagePullPolicy Always, registry down)
     * turned into a trace a minute (issue 10).
     */
    private static final class QuietPull extends PullImageResultCallback {
        volatile Throwable error;

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            closeQuietly(this);
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // closing a finished or failed call: nothing more to do
        }
    }

    /** Gives an image another name ({@code repository:tag}; no tag means {@code latest}). */
    void tag(String imageId, String reference) {
        int colon = reference.lastIndexOf(':');
        String repository = colon > reference.lastIndexOf('/') ? reference.substring(0, colon) : reference;
        String tag = colon > reference.lastIndexOf('/') ? reference.substring(colon + 1) : "latest";
        engine.call("image.tag", () -> engine.client.tagImageCmd(imageId, repository, tag).withForce(true).exec());
    }

    /** Pushes {@code repository:tag} to its registry, with credentials when given (null: anonymous). */
    void push(String reference, String username, String password) {
        int colon = reference.lastIndexOf(':');
        String repository = reference.substring(0, colon);
        String tag = reference.substring(colon + 1);
        engine.call("image.push", () -> {
            var cmd = engine.streams.pushImageCmd(repository).withTag(tag);
            if (username != null) {
                cmd.withAuthConfig(new AuthConfig().withUsername(username).withPassword(password)
                        .withRegistryAddress(repository.substring(0, repository.indexOf('/'))));
            }
            String[] error = new String[1];
            try {
                cmd.exec(new ResultCallback.Adapter<PushResponseItem>() {
                    @Override
                    public void onNext(PushResponseItem item) {
                        if (item.isErrorIndicated() && error[0] == null) {
                            error[0] = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                                    ? item.getErrorDetail().getMessage() : item.getError();
                        }
                    }
                }).awaitCompletion(30, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pushing " + reference, e);
            }
            if (error[0] != null) {
                throw new EngineException("image.push of " + reference + " on engine " + engine.name + ": " + error[0], 0, null);
            }
            return null;
        });
    }

    /** Removes every image of this instance carrying all the given labels (with all their tags); answers how many. */
    int removeAll(Map<String, String> labels) {
        var images = engine.call("image.list", () -> engine.client.listImagesCmd().withLabelFilter(engine.mine(labels)).exec());
        int removed = 0;
        for (var image : images) {
            try {
                engine.call("image.remove", () -> engine.client.removeImageCmd(image.getId()).withForce(true).exec());
                removed++;
            } catch (EngineException e) {
                if (!e.notFound()) {
                    throw e;
                }
            }
        }
        return removed;
    }
}
