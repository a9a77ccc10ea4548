package dev.mooring.control;

import java.time.Duration;
import java.util.Optional;

/** What a reconcile pass asks for next: nothing, or another look after a while. */
public record Result(Optional<Duration> requeueAfter) {
    private static final Result DONE = new Result(Optional.empty());

    public static Result done() {
        return DONE;
    }

    public static Result requeueAfter(Duration d) {
        return new Result(Optional.of(d));
    }
}
