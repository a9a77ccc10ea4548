package dev.mooring.docker;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Deadlines for one engine's non-streaming calls, so that a call the engine never answers cannot
 * hold a control-loop worker (issue 10: a create with a 2.9 MB command line hung runc for 12
 * minutes, past the socket's 120 s timeout, which the unix socket does not even honour).
 * <p>
 * Each call runs on a thread of this engine's own bounded pool while the caller waits at most the
 * deadline. On expiry the caller gets an {@link EngineTimeoutException} at once, and the call's
 * thread is interrupted: that closes a unix-socket connection (an interruptible channel) and so
 * aborts the HTTP exchange; a TCP connection is cut by its socket timeout, which is the same
 * deadline. A call still running after its deadline is counted ({@code mooring.docker.calls.overdue});
 * at most {@code threads} of them exist per engine, fewer than the connection pool holds, so stuck
 * calls never take the connections other Apps' calls need. Once every thread is stuck, further calls
 * fail at once instead of queueing behind them.
 */
final class EngineCalls {
    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int OVERDUE = 3;

    private final String engine;
    private final Duration callTimeout;
    private final Duration pullTimeout;
    private final int threads;
    private final ThreadPoolExecutor pool;
    private final AtomicInteger overdue = new AtomicInteger();

    EngineCalls(String engine, Duration callTimeout, Duration pullTimeout, int threads, MeterRegistry meters) {
        this.engine = engine;
        this.callTimeout = callTimeout;
        this.pullTimeout = pullTimeout;
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "engine-call-" + engine + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        if (meters != null) {
            Gauge.builder("mooring.docker.calls.overdue", overdue, AtomicInteger::get)
                    .description("Docker calls still running after their deadline (their workers were freed)")
                    .tag("engine", engine).register(meters);
        }
    }

    /** The deadline of an operation: pulls and pushes move whole images, everything else answers quickly. */
    Duration deadline(String operation) {
        return operation.equals("image.pull") || operation.equals("image.push") ? pullTimeout : callTimeout;
    }

    /** Calls still running past their deadline right now. */
    int overdue() {
        return overdue.get();
    }

    <T> T run(String operation, Supplier<T> body) {
        Duration deadline = deadline(operation);
        if (overdue.get() >= threads) {
            throw new EngineTimeoutException(operation, engine, deadline, overdue.get() + " earlier calls are still stuck on this engine");
        }
        AtomicInteger state = new AtomicInteger(QUEUED);
        FutureTask<T> task = new FutureTask<>(() -> {
            if (!state.compareAndSet(QUEUED, RUNNING)) {
                return null; // given up before it started
            }
            try {
                return body.get();
            } finally {
                if (state.getAndSet(DONE) == OVERDUE) {
                    overdue.decrementAndGet();
                }
            }
        });
        pool.execute(task);
        try {
            return task.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            giveUp(state, task);
            throw new EngineTimeoutException(operation, engine, deadline, "mooring.docker." + (deadline == pullTimeout ? "pull" : "call") + "-timeout");
        } catch (InterruptedException e) {
            giveUp(state, task);
            Thread.currentThread().interrupt();
            throw new EngineException(operation + " on engine " + engine + ": interrupted", 0, e);
        } catch (CancellationException e) {
            throw new EngineException(operation + " on engine " + engine + ": cancelled", 0, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new EngineException(operation + " on engine " + engine + ": " + e.getCause(), 0, e.getCause());
        }
    }

    private void giveUp(AtomicInteger state, FutureTask<?> task) {
        if (state.compareAndSet(RUNNING, OVERDUE)) {
            overdue.incrementAndGet();
        } else {
            state.compareAndSet(QUEUED, DONE);
        }
        task.cancel(true); // interrupts the call: a unix-socket read ends with its connection closed
    }

    void close() {
        pool.shutdownNow();
    }

    /** {@code 60s}, {@code 1m30s}, {@code 500ms}: a deadline as people write it in configuration. */
    static String human(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        return s >= 60 && s % 60 == 0 ? (s / 60) + "m" : s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }
}
