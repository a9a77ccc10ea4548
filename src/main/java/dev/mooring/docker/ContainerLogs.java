package dev.mooring.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** Containers' output as docker logs gives it, streamed through the client without a response timeout. */
final class ContainerLogs {
    private final EngineClient engine;

    ContainerLogs(EngineClient engine) {
        this.engine = engine;
    }

    /** Streams a container's output to {@code out} until the stream ends or the handle is closed; then runs {@code onEnd} once. */
    Closeable stream(String containerId, Integer tail, Integer sinceEpochSeconds, boolean follow, boolean timestamps,
                     Consumer<byte[]> out, Runnable onEnd) {
        var cmd = engine.streams.logContainerCmd(containerId).withStdOut(true).withStdErr(true)
                .withFollowStream(follow).withTimestamps(timestamps);
        if (tail != null) {
            cmd.withTail(tail);
        }
        if (sinceEpochSeconds != null) {
            cmd.withSince(sinceEpochSeconds);
        }
        engine.count("container.logs");
        return cmd.exec(new Stream(out, onEnd));
    }

    /**
     * One log stream. Closing ends the engine connection at once, even before the engine has
     * answered (docker-java's own close forgets a stream that has not started, which then runs on
     * until the container goes: issue 10).
     */
    private static final class Stream extends ResultCallback.Adapter<Frame> {
        private final Consumer<byte[]> out;
        private final Runnable onEnd;
        private volatile boolean cancelled;
        private final AtomicBoolean ended = new AtomicBoolean();

        Stream(Consumer<byte[]> out, Runnable onEnd) {
            this.out = out;
            this.onEnd = onEnd;
        }

        @Override
        public void onStart(Closeable stream) {
            super.onStart(stream);
            if (cancelled) {
                closeQuietly();
            }
        }

        @Override
        public void onNext(Frame frame) {
            out.accept(frame.getPayload());
        }

        @Override
        public void onComplete() {
            super.onComplete();
            end();
        }

        @Override
        public void onError(Throwable throwable) {
            if (!cancelled) {
                super.onError(throwable);
            }
            end();
        }

        @Override
        public void close() throws IOException {
            cancelled = true;
            super.close();
            end();
        }

        private void closeQuietly() {
            try {
                super.close();
            } catch (IOException | RuntimeException ignored) {
                // the connection is gone either way
            }
        }

        private void end() {
            if (ended.compareAndSet(false, true)) {
                onEnd.run();
            }
        }
    }
}
