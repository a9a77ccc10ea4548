package dev.mooring.security;

import dev.mooring.api.ApiException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the long-lived streams of the API (container logs with {@code follow}; watches and exec
 * sessions use it too), each of which holds an engine connection and a thread while it lasts:
 * at most {@code mooring.streams.max-per-caller} open per token and {@code mooring.streams.max}
 * in all, refused past either with 429 and Retry-After; and a stream ends, cleanly, after
 * {@code mooring.streams.idle-timeout} without output or {@code mooring.streams.max-duration} in all.
 * Issue 10 (finding 3): a viewer's follow streams used to pile up until the server stopped answering.
 */
@ApplicationScoped
public class StreamLimiter {
    /** What a refused caller is told to wait: streams end when their clients go, within a second. */
    static final int RETRY_AFTER_SECONDS = 5;

    @ConfigProperty(name = "mooring.streams.max-per-caller", defaultValue = "8")
    int maxPerCaller;
    @ConfigProperty(name = "mooring.streams.max", defaultValue = "64")
    int max;
    @ConfigProperty(name = "mooring.streams.idle-timeout", defaultValue = "15m")
    Duration idleTimeout;
    @ConfigProperty(name = "mooring.streams.max-duration", defaultValue = "24h")
    Duration maxDuration;
    @Inject
    MeterRegistry meters;

    /** Open streams by caller (token id); the sum of the values is {@link #open}. Guarded by this. */
    private final Map<String, Integer> byCaller = new HashMap<>();
    private int open;

    @PostConstruct
    void gauge() {
        Gauge.builder("mooring.streams.open", this, StreamLimiter::open)
                .description("open log (and later watch and exec) streams of the API").register(meters);
    }

    public synchronized int open() {
        return open;
    }

    /**
     * Takes {@code streams} places for the caller (a log stream of an App takes one per container
     * it follows, as each is its own engine connection), or refuses with 429 naming the cap.
     * {@code what} says what they are for ("the logs of App shop/web (2 containers)").
     */
    public synchronized Permit acquire(Caller caller, int streams, String what) {
        String key = caller.tokenId() == null ? "name:" + caller.name() : caller.tokenId();
        int mine = byCaller.getOrDefault(key, 0);
        if (mine + streams > maxPerCaller) {
            throw new TooManyStreams("token " + caller.name() + " has " + mine + " streams open and " + what + " need " + streams
                    + "; at most " + maxPerCaller + " are allowed per token (mooring.streams.max-per-caller): "
                    + (streams > 1 && mine == 0 ? "follow one replica with ?replica=N" : "close one first"));
        }
        if (open + streams > max) {
            throw new TooManyStreams(open + " streams are open and " + what + " need " + streams
                    + "; at most " + max + " are allowed in all (mooring.streams.max): retry later");
        }
        byCaller.put(key, mine + streams);
        open += streams;
        return new Permit(key, streams);
    }

    private synchronized void release(String key, int streams) {
        byCaller.computeIfPresent(key, (k, n) -> n - streams <= 0 ? null : n - streams);
        open -= streams;
    }

    /**
     * The stream with this limiter's bounds: it completes after the idle timeout without an item and
     * at the maximum duration, and gives its places back however it ends (completion, failure, or
     * the client going away, which cancels it).
     */
    public <T> Multi<T> bound(Multi<T> stream, Permit permit) {
        return stream.ifNoItem().after(idleTimeout).recoverWithCompletion()
                .select().first(maxDuration)
                .onTermination().invoke(permit::close);
    }

    /** Places taken by one stream; closing gives them back, once however often it is called. */
    public final class Permit implements AutoCloseable {
        private final String key;
        private final int streams;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(String key, int streams) {
            this.key = key;
            this.streams = streams;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                release(key, streams);
            }
        }
    }

    /** 429 Too Many Requests, with a Retry-After the API adds from {@link #retryAfterSeconds}. */
    public static final class TooManyStreams extends ApiException {
        public final int retryAfterSeconds = RETRY_AFTER_SECONDS;

        TooManyStreams(String detail) {
            super(429, "Too Many Requests", detail, null);
        }
    }
}
