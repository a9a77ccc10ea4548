package dev.mooring.write;

import dev.mooring.api.ApiException;
import dev.mooring.store.WriteConflictException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryOnConflictTest {
    @Test
    void aLostRaceIsTriedAgainUntilTheWriteSucceeds() {
        AtomicInteger tries = new AtomicInteger();
        String out = RetryOnConflict.run(() -> {
            if (tries.incrementAndGet() < 3) {
                // as a transaction hands it on: wrapped
                throw new IllegalStateException(new WriteConflictException("changed", null));
            }
            return "written";
        });
        assertThat(out).isEqualTo("written");
        assertThat(tries).hasValue(3);
    }

    @Test
    void aConflictTheApiAnswersIsNotTriedAgain() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> RetryOnConflict.run(() -> {
            tries.incrementAndGet();
            throw ApiException.conflict("App shop/web has changed (resourceVersion 5, request has 4)");
        })).isInstanceOf(ApiException.class);
        assertThat(tries).hasValue(1);
    }

    @Test
    void aRaceLostEveryTimeIsAnsweredAfterTheLastAttempt() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> RetryOnConflict.run(() -> {
            tries.incrementAndGet();
            throw new WriteConflictException("changed", null);
        })).isInstanceOf(WriteConflictException.class);
        assertThat(tries).hasValue(RetryOnConflict.ATTEMPTS);
    }
}
