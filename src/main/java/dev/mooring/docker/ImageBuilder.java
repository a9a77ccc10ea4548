package dev.mooring.docker;

import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.BuildResponseItem;

import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Image builds on an engine. A build streams its output for as long as it takes (up to 30
 * minutes), so it goes through the stream client and has no call deadline; its failure names the
 * step that failed.
 */
final class ImageBuilder {
    private final EngineClient engine;

    ImageBuilder(EngineClient engine) {
        this.engine = engine;
    }

    /** Builds (never pulling base images), tags and answers the image ID; each line of output goes to {@code log}. */
    String build(InputStream contextTar, DockerEngine.BuildRequest request, Consumer<String> log) {
        engine.count("image.build");
        var cmd = engine.streams.buildImageCmd(contextTar).withDockerfilePath(request.dockerfile()).withPull(false)
                .withRemove(true).withForcerm(true).withTags(request.tags()).withLabels(engine.mine(request.labels()));
        request.args().forEach(cmd::withBuildArg);
        if (request.target() != null) {
            cmd.withTarget(request.target());
        }
        Output output = new Output(log);
        try {
            return cmd.exec(output).awaitImageId(30, TimeUnit.MINUTES);
        } catch (RuntimeException e) {
            String message = output.error != null ? output.error
                    : e instanceof DockerException de ? EngineClient.dockerMessage(de) : EngineClient.rootMessage(e);
            throw new DockerEngine.BuildFailedException(output.step, message, e);
        }
    }

    /** The build's output, passed on line by line, remembering the step that ran last and the build's error. */
    private static final class Output extends BuildImageResultCallback {
        private final Consumer<String> log;
        private volatile String step;
        private volatile String error;

        Output(Consumer<String> log) {
            this.log = log;
        }

        @Override
        public void onNext(BuildResponseItem item) {
            if (item.getStream() != null) {
                for (String line : item.getStream().split("\n")) {
                    if (line.startsWith("Step ")) {
                        step = line.strip();
                    }
                    if (!line.isBlank()) {
                        log.accept(line);
                    }
                }
            }
            if (item.isErrorIndicated()) {
                error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                        ? item.getErrorDetail().getMessage() : item.getError();
                log.accept("ERROR: " + error);
            }
            super.onNext(item);
        }
    }
}
