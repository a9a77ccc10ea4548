package dev.mooring.store;

import dev.mooring.api.ResourceKey;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Events as Kubernetes keeps an event series: a repeat raises the count and last time of one row. */
@QuarkusTest
class EventStoreTest {
    @Inject
    EventStore events;

    @Test
    void theSameEventNineTimesIsOneEventWithACount() {
        ResourceKey key = new ResourceKey(dev.mooring.api.Kind.App, "events-" + UUID.randomUUID().toString().substring(0, 8), "web");
        String uid = UUID.randomUUID().toString();
        for (int i = 0; i < 9; i++) {
            events.record(key, uid, "Warning", "PortConflict", "container.start: host port 127.0.0.1:8080 is already in use on engine local");
        }
        events.record(key, uid, "Warning", "PortConflict", "container.start: host port 127.0.0.1:8081 is already in use on engine local");
        events.record(key, uid, "Normal", "Created", "CreateContainer web-1");
        events.record(key, UUID.randomUUID().toString(), "Warning", "PortConflict", "another incarnation of the App");

        List<EventStore.StoredEvent> stored = events.events(key, uid);
        assertThat(stored).extracting(EventStore.StoredEvent::reason, EventStore.StoredEvent::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("PortConflict", 9), org.assertj.core.groups.Tuple.tuple("PortConflict", 1),
                        org.assertj.core.groups.Tuple.tuple("Created", 1));
        EventStore.StoredEvent series = stored.get(0);
        assertThat(series.message()).contains("8080");
        assertThat(series.lastTimestamp()).isAfter(series.firstTimestamp());
    }
}
