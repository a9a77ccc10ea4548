package dev.mooring.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import dev.mooring.api.Labels;

import java.io.Closeable;
import java.util.Map;

/** An engine's event streams, on the stream client: they stay open for as long as Mooring runs. */
final class EngineEvents {
    private final EngineClient engine;

    EngineEvents(EngineClient engine) {
        this.engine = engine;
    }

    /** Image events (tag, pull, load, ...): a tag may now name another image. */
    Closeable images(long sinceEpochSeconds, ResultCallback<Event> callback) {
        engine.count("events");
        return engine.streams.eventsCmd().withSince(Long.toString(sinceEpochSeconds)).withEventTypeFilter("image").exec(callback);
    }

    /** Events of this instance's containers since the given unix time. */
    Closeable containers(long sinceEpochSeconds, ResultCallback<Event> callback) {
        engine.count("events");
        return engine.streams.eventsCmd()
                .withSince(Long.toString(sinceEpochSeconds))
                .withLabelFilter(Map.of(Labels.MANAGED, "true", Labels.INSTANCE, engine.instance))
                .withEventTypeFilter("container")
                .exec(callback);
    }
}
