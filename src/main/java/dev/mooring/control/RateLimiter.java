package dev.mooring.control;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How long a key that failed waits before its next try: the larger of a per-key exponential
 * backoff (base doubling per failure, up to a cap) and a global token bucket that bounds the
 * retry rate of all keys together. These are client-go's {@code DefaultControllerRateLimiter}
 * semantics (5 ms doubling, 10/s with a burst of 100).
 */
public final class RateLimiter<K> {
    private final long baseNanos;
    private final long capNanos;
    private final double tokensPerNano;
    private final double burst;
    private final LongSupplier clock;

    /** Guarded by this: failures per key since its last {@link #forget}. */
    private final Map<K, Integer> failures = new HashMap<>();
    /** Guarded by this: tokens left in the bucket at {@link #lastRefill}; negative when reserved ahead. */
    private double tokens;
    private long lastRefill;

    public RateLimiter(Duration base, Duration cap, double perSecond, int burst, LongSupplier nanoClock) {
        this.baseNanos = base.toNanos();
        this.capNanos = cap.toNanos();
        this.tokensPerNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.clock = nanoClock;
        this.lastRefill = nanoClock.getAsLong();
    }

    public static <K> RateLimiter<K> defaults(Duration cap) {
        return new RateLimiter<>(Duration.ofMillis(5), cap, 10, 100, System::nanoTime);
    }

    /** Delay before the key may be retried; counts one more failure of the key. */
    public synchronized Duration when(K key) {
        int n = failures.merge(key, 1, Integer::sum) - 1;
        long perKey = n >= 62 ? capNanos : Math.min(capNanos, baseNanos << Math.min(n, 40));
        if (perKey < 0) {
            perKey = capNanos;
        }
        return Duration.ofNanos(Math.max(perKey, reserveToken()));
    }

    /** The key succeeded: its backoff starts again from the base. */
    public synchronized void forget(K key) {
        failures.remove(key);
    }

    public synchronized int numRequeues(K key) {
        return failures.getOrDefault(key, 0);
    }

    private long reserveToken() {
        long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - lastRefill) * tokensPerNano);
        lastRefill = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / tokensPerNano);
    }
}
