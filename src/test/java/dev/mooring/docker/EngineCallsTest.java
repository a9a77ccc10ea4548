package dev.mooring.docker;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The deadline of engine calls: a caller waits no longer than it, and stuck calls are counted and bounded. */
class EngineCallsTest {
    final CountDownLatch engineAnswers = new CountDownLatch(1);
    final EngineCalls calls = new EngineCalls("test", Duration.ofMillis(200), Duration.ofSeconds(5), 2, null);

    @AfterEach
    void close() {
        engineAnswers.countDown();
        calls.close();
    }

    /** A call the engine does not answer (it ignores interrupts, like a read on a TCP socket). */
    String hung() {
        while (true) {
            try {
                if (engineAnswers.await(10, TimeUnit.SECONDS)) {
                    return "late";
                }
            } catch (InterruptedException e) {
                // a socket read does not end on an interrupt either
            }
        }
    }

    @Test
    void aCallPastItsDeadlineFailsWithEngineTimeoutAndIsCountedUntilItEnds() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> calls.run("container.create", this::hung))
                .isInstanceOf(EngineTimeoutException.class)
                .hasMessage("container.create on engine test did not answer within 200ms (mooring.docker.call-timeout); the call was cancelled");
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("engine call deadline 200 ms: the caller waited %d ms%n", waitedMillis);
        assertThat(waitedMillis).isBetween(200L, 2_000L);
        assertThat(calls.overdue()).isEqualTo(1);

        engineAnswers.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> calls.overdue() == 0);
        assertThat(calls.run("container.inspect", () -> "answered")).isEqualTo("answered");
    }

    @Test
    void onceEveryCallThreadIsStuckFurtherCallsFailAtOnce() {
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> calls.run("container.create", this::hung)).isInstanceOf(EngineTimeoutException.class);
        }
        assertThat(calls.overdue()).isEqualTo(2);
        long start = System.nanoTime();
        assertThatThrownBy(() -> calls.run("container.list", () -> "never runs"))
                .isInstanceOf(EngineTimeoutException.class).hasMessageContaining("2 earlier calls are still stuck");
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms waited").isLessThan(100);
    }

    @Test
    void aFailingCallKeepsItsOwnError() {
        assertThatThrownBy(() -> calls.run("container.start", () -> {
            throw new EngineException("container.start on engine test: no such container", 404, null);
        })).isInstanceOf(EngineException.class).isNotInstanceOf(EngineTimeoutException.class).hasMessageContaining("no such container");
    }

    @Test
    void pullsGetTheirOwnDeadline() {
        assertThat(calls.deadline("image.pull")).isEqualTo(Duration.ofSeconds(5));
        assertThat(calls.deadline("container.create")).isEqualTo(Duration.ofMillis(200));
    }
}
