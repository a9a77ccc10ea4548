package dev.mooring.control;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * client-go's DefaultControllerRateLimiter: per-key 5 ms doubling to a cap, under a global
 * token bucket of 10/s with a burst of 100. The clock is a fake, so every delay is exact.
 */
class RateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimiter<String> limiter =
            new RateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000), 10, 100, now::get);

    @Test
    void backoffDoublesPerKeyFromFiveMilliseconds() {
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(10));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(20));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(40));
        assertThat(limiter.when("b")).as("another key has its own count").isEqualTo(Duration.ofMillis(5));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(80));
        assertThat(limiter.numRequeues("a")).isEqualTo(5);
        assertThat(limiter.numRequeues("b")).isEqualTo(1);
        assertThat(limiter.numRequeues("never")).isZero();
    }

    @Test
    void forgetStartsTheKeyAgainFromTheBase() {
        limiter.when("a");
        limiter.when("a");
        limiter.when("a");
        limiter.when("b");
        limiter.forget("a");
        assertThat(limiter.numRequeues("a")).isZero();
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
        assertThat(limiter.when("b")).as("forget touches only its key").isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void backoffStopsAtTheCap() {
        // 5 ms * 2^17 = 655.36 s; * 2^18 = 1310.72 s, over the 1000 s cap.
        for (int i = 0; i < 17; i++) {
            limiter.when("a");
        }
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5L << 17));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofSeconds(1000));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofSeconds(1000));
    }

    @Test
    void aVeryLongFailingKeyStaysAtTheCapWithoutOverflow() {
        for (int i = 0; i < 200; i++) {
            now.addAndGet(Duration.ofHours(1).toNanos()); // keep the bucket full: only the per-key part counts
            Duration d = limiter.when("a");
            assertThat(d).as("failure %d", i + 1).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1000));
        }
        assertThat(limiter.when("a")).isEqualTo(Duration.ofSeconds(1000));

        RateLimiter<String> slow = new RateLimiter<>(Duration.ofSeconds(1), Duration.ofHours(1), 10, 100, now::get);
        for (int i = 0; i < 100; i++) {
            now.addAndGet(Duration.ofHours(1).toNanos());
            Duration d = slow.when("a");
            assertThat(d).as("failure %d with a 1 s base", i + 1).isBetween(Duration.ofSeconds(1), Duration.ofHours(1));
            if (i >= 12) {
                assertThat(d).isEqualTo(Duration.ofHours(1));
            }
        }
    }

    @Test
    void theBucketLetsABurstOfOneHundredThroughThenTenPerSecond() {
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.when("k" + i)).as("retry %d of the burst", i + 1).isEqualTo(Duration.ofMillis(5));
        }
        // The bucket is empty: each further retry waits one more tenth of a second.
        assertThat(limiter.when("k100")).isEqualTo(Duration.ofMillis(100));
        assertThat(limiter.when("k101")).isEqualTo(Duration.ofMillis(200));
        assertThat(limiter.when("k102")).isEqualTo(Duration.ofMillis(300));

        // A second later ten tokens have come back: three pay the debt, seven go through at once.
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        for (int i = 0; i < 7; i++) {
            assertThat(limiter.when("later" + i)).as("retry %d after refill", i + 1).isEqualTo(Duration.ofMillis(5));
        }
        assertThat(limiter.when("later7")).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void theBucketNeverHoldsMoreThanTheBurst() {
        now.addAndGet(Duration.ofDays(1).toNanos());
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.when("k" + i)).isEqualTo(Duration.ofMillis(5));
        }
        assertThat(limiter.when("k100")).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void theLongerOfBackoffAndBucketWins() {
        for (int i = 0; i < 100; i++) {
            limiter.when("burst" + i);
        }
        // Bucket says 100 ms; key "a" on its first failure says 5 ms.
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(100));
        // The bucket now says 200 ms; "a"'s own backoff is 10 ms.
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(200));
        // Much later the bucket is full again and the per-key backoff (20 ms) decides.
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void defaultsAreClientGos() {
        RateLimiter<String> d = RateLimiter.defaults(Duration.ofMinutes(5));
        assertThat(d.when("a")).isEqualTo(Duration.ofMillis(5));
        assertThat(d.when("a")).isEqualTo(Duration.ofMillis(10));
        assertThat(d.numRequeues("a")).isEqualTo(2);
    }
}
