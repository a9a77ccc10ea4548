package dev.mooring.control;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The work queue's contract, as client-go states it (util/workqueue/doc.go): fair (FIFO),
 * stingy (a key added many times while it waits is processed once), and never processing one
 * key in two workers at once, while a key added during processing is processed again.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WorkQueueTest {
    private final AtomicLong fakeNanos = new AtomicLong();
    private final WorkQueue<String> queue = new WorkQueue<>(
            new RateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1), 10, 100, fakeNanos::get));

    @AfterEach
    void shutDown() {
        queue.shutDown();
    }

    @Test
    void aKeyIsNeverProcessedByTwoWorkersAtOnceAndNoAddIsLost() throws Exception {
        int workers = 6;
        int producers = 3;
        long producingNanos = Duration.ofMillis(300).toNanos();
        List<String> keys = List.of("a", "b", "c");
        Map<String, AtomicInteger> holders = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> maxHolders = new ConcurrentHashMap<>();
        // Each add bumps the key's sequence first; a worker notes the sequence it saw after get().
        // If no add is lost, the last pass of every key saw the final sequence.
        Map<String, AtomicLong> addedSeq = new ConcurrentHashMap<>();
        Map<String, AtomicLong> seenSeq = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> passes = new ConcurrentHashMap<>();
        for (String k : keys) {
            holders.put(k, new AtomicInteger());
            maxHolders.put(k, new AtomicInteger());
            addedSeq.put(k, new AtomicLong());
            seenSeq.put(k, new AtomicLong(-1));
            passes.put(k, new AtomicInteger());
        }

        ExecutorService pool = Executors.newFixedThreadPool(workers + producers);
        try {
            List<Future<?>> workerDone = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                workerDone.add(pool.submit(() -> {
                    while (true) {
                        Optional<String> got = queue.get();
                        if (got.isEmpty()) {
                            return null;
                        }
                        String k = got.get();
                        try {
                            int now = holders.get(k).incrementAndGet();
                            maxHolders.get(k).accumulateAndGet(now, Math::max);
                            seenSeq.get(k).set(addedSeq.get(k).get());
                            passes.get(k).incrementAndGet();
                            hold(); // let other threads run while the key is held, so that overlaps would show
                            holders.get(k).decrementAndGet();
                        } finally {
                            queue.done(k);
                        }
                    }
                }));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> producerDone = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int offset = p;
                producerDone.add(pool.submit(() -> {
                    start.await();
                    long end = System.nanoTime() + producingNanos;
                    for (int i = 0; System.nanoTime() < end; i++) {
                        String k = keys.get((i + offset) % keys.size());
                        addedSeq.get(k).incrementAndGet();
                        queue.add(k);
                        Thread.yield(); // keep adding while workers hold keys, for the whole window
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : producerDone) {
                f.get(5, TimeUnit.SECONDS);
            }
            // Shutting down stops new adds but lets the workers drain what is queued or dirty.
            queue.shutDown();
            for (Future<?> f : workerDone) {
                f.get(5, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        for (String k : keys) {
            assertThat(maxHolders.get(k).get()).as("concurrent holders of %s", k).isEqualTo(1);
            assertThat(seenSeq.get(k).get()).as("last pass of %s saw the last add", k).isEqualTo(addedSeq.get(k).get());
            assertThat(passes.get(k).get()).as("passes of %s (stingy)", k)
                    .isPositive().isLessThanOrEqualTo((int) addedSeq.get(k).get());
        }
        assertThat(queue.length()).isZero();
    }

    @Test
    void aKeyAddedManyTimesWhileWaitingIsProcessedOnce() throws Exception {
        for (int i = 0; i < 100; i++) {
            queue.add("a");
        }
        queue.add("b");
        queue.add("a");
        assertThat(queue.length()).isEqualTo(2);

        assertThat(queue.get()).contains("a");
        assertThat(queue.get()).contains("b");
        assertThat(queue.length()).isZero();
        queue.done("a");
        queue.done("b");
        assertThat(queue.length()).as("nothing is queued again after done").isZero();
    }

    @Test
    void aKeyAddedWhileBeingProcessedIsProcessedAgainAfterDone() throws Exception {
        queue.add("a");
        assertThat(queue.get()).contains("a");

        queue.add("a");
        queue.add("a");
        assertThat(queue.length()).as("not handed to a second worker while processing").isZero();

        queue.done("a");
        assertThat(queue.length()).isEqualTo(1);
        assertThat(queue.get()).contains("a");
        queue.done("a");
        assertThat(queue.length()).isZero();
    }

    @Test
    void aBlockedWorkerDoesNotGetAKeyThatAnotherWorkerHolds() throws Exception {
        queue.add("a");
        assertThat(queue.get()).contains("a");
        queue.add("a");
        CompletableFuture<Optional<String>> second = getAsync();
        awaitBlocked(second);

        queue.done("a");
        assertThat(second.get(2, TimeUnit.SECONDS)).contains("a");
    }

    @Test
    void distinctKeysComeOutInTheOrderTheyWereAdded() throws Exception {
        List<String> added = List.of("c", "a", "e", "b", "d");
        added.forEach(queue::add);
        queue.add("a"); // already waiting: keeps its place
        queue.add("c");

        List<String> got = new ArrayList<>();
        for (int i = 0; i < added.size(); i++) {
            got.add(queue.get().orElseThrow());
        }
        assertThat(got).containsExactlyElementsOf(added);
    }

    @Test
    void aKeyRequeuedByDoneGoesToTheBackOfTheLine() throws Exception {
        queue.add("a");
        assertThat(queue.get()).contains("a");
        queue.add("a");
        queue.add("b");
        queue.done("a");
        assertThat(queue.get()).contains("b");
        assertThat(queue.get()).contains("a");
    }

    @Test
    void addAfterMakesTheKeyAvailableOnlyOnceTheDelayHasPassed() throws Exception {
        long delayNanos = Duration.ofMillis(150).toNanos();
        long before = System.nanoTime();
        queue.addAfter("a", Duration.ofNanos(delayNanos));
        assertThat(queue.length()).isZero();

        CompletableFuture<Long> arrived = CompletableFuture.supplyAsync(() -> {
            try {
                queue.get();
                return System.nanoTime();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long at = arrived.get(2, TimeUnit.SECONDS);
        assertThat(at - before).isGreaterThanOrEqualTo(delayNanos);
    }

    @Test
    void addAfterWithNoDelayAddsAtOnce() {
        queue.addAfter("a", Duration.ZERO);
        queue.addAfter("b", Duration.ofMillis(-5));
        assertThat(queue.length()).isEqualTo(2);
    }

    @Test
    void theEarlierOfTwoAddAfterOfTheSameKeyWins() throws Exception {
        queue.addAfter("a", Duration.ofSeconds(30));
        queue.addAfter("a", Duration.ofMillis(50));
        await().atMost(Duration.ofSeconds(2)).until(() -> queue.length() == 1);
        assertThat(queue.get()).contains("a");
        queue.done("a");

        queue.addAfter("b", Duration.ofMillis(50));
        queue.addAfter("b", Duration.ofSeconds(30)); // later: ignored
        await().atMost(Duration.ofSeconds(2)).until(() -> queue.length() == 1);
        assertThat(queue.get()).contains("b");
        queue.done("b");
        assertThat(queue.length()).isZero();
    }

    @Test
    void aDelayedKeyThatIsAlreadyWaitingIsNotQueuedTwice() throws Exception {
        queue.add("a");
        queue.addAfter("a", Duration.ofMillis(20));
        queue.addAfter("b", Duration.ofMillis(40));
        await().atMost(Duration.ofSeconds(2)).until(() -> queue.length() == 2);
        assertThat(queue.get()).contains("a");
        assertThat(queue.get()).contains("b");
        assertThat(queue.length()).isZero();
    }

    @Test
    void addRateLimitedBacksOffPerKeyAndForgetResetsIt() throws Exception {
        queue.addRateLimited("a");
        queue.addRateLimited("a");
        queue.addRateLimited("a");
        queue.addRateLimited("b");
        assertThat(queue.numRequeues("a")).isEqualTo(3);
        assertThat(queue.numRequeues("b")).isEqualTo(1);

        // 5 ms, 10 ms, 20 ms: the earliest (5 ms) brings each key back once.
        await().atMost(Duration.ofSeconds(2)).until(() -> queue.length() == 2);
        assertThat(List.of(queue.get().orElseThrow(), queue.get().orElseThrow())).containsExactlyInAnyOrder("a", "b");

        queue.forget("a");
        assertThat(queue.numRequeues("a")).isZero();
        assertThat(queue.numRequeues("b")).isEqualTo(1);
    }

    @Test
    void shutDownWakesABlockedGetWithEmpty() throws Exception {
        CompletableFuture<Optional<String>> first = getAsync();
        CompletableFuture<Optional<String>> second = getAsync();
        awaitBlocked(first);
        awaitBlocked(second);

        queue.shutDown();
        assertThat(first.get(2, TimeUnit.SECONDS)).isEmpty();
        assertThat(second.get(2, TimeUnit.SECONDS)).isEmpty();
        assertThat(queue.isShuttingDown()).isTrue();
    }

    @Test
    void afterShutDownAddsAreIgnoredButQueuedKeysAreStillHandedOut() throws Exception {
        queue.add("a");
        queue.shutDown();
        queue.add("b");
        queue.addAfter("c", Duration.ofMillis(1));
        assertThat(queue.get()).contains("a");
        assertThat(queue.get()).isEmpty();
    }

    private CompletableFuture<Optional<String>> getAsync() {
        CompletableFuture<Optional<String>> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(queue.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "workqueue-test-get");
        t.setDaemon(true);
        t.start();
        blockedThreads.put(result, t);
        return result;
    }

    private final Map<CompletableFuture<?>, Thread> blockedThreads = new ConcurrentHashMap<>();

    /** Waits until the thread behind the future parks in get(), so the test checks a real wake-up. */
    private void awaitBlocked(CompletableFuture<?> f) {
        Thread t = blockedThreads.get(f);
        await().atMost(Duration.ofSeconds(2)).until(() -> t.getState() == Thread.State.WAITING);
        assertThat(f).isNotDone();
    }

    /** Simulated work that gives the processor away, so overlaps show even on one or two cores. */
    private static void hold() {
        for (int i = 0; i < 20; i++) {
            Thread.yield();
        }
    }
}
