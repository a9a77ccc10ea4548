package dev.mooring.write;

import dev.mooring.api.ApiException;
import dev.mooring.store.WriteConflictException;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The one retry of a write that lost a race ({@link WriteConflictException}: the loop wrote
 * status, or another write landed, at the same moment). Any other failure, a 409 of the API
 * included (a stale resourceVersion, another source's resource), is the caller's and is not retried.
 */
public final class RetryOnConflict {
    /** How often a write is tried before its conflict is answered (a 409 through the REST API). */
    static final int ATTEMPTS = 20;

    private RetryOnConflict() {
    }

    /**
     * Runs {@code write}, again after a short random pause growing to 50 ms (so that writers that
     * collided do not collide again) while it loses races. Five immediate retries were not enough
     * for six concurrent PUTs (issue 10, finding 6).
     */
    public static <T> T run(Supplier<T> write) {
        for (int attempt = 1; ; attempt++) {
            try {
                return write.get();
            } catch (RuntimeException e) {
                if (WriteConflictException.in(e) == null || attempt >= ATTEMPTS) {
                    throw e;
                }
                pause(Math.min(50, 2L << attempt));
            }
        }
    }

    private static void pause(long maxMillis) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, maxMillis + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.conflict("the resource was changed by another request at the same time; read it again and retry");
        }
    }
}
