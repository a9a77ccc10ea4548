package dev.mooring.faults;

import dev.mooring.testing.TestHostResource;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Mooring with a second engine, {@code faults}, on a test host of its own ({@link TestHostResource}),
 * which the fault tests restart and cut off; the resync is short (2 s) so that an outage of a
 * minute spans many resync intervals, and an engine call gives up after 15 s (less than the default 120 s, more than a
 * container stop takes on a busy machine: a stop cut short and followed by a removal can wedge dockerd 20.10).
 */
public class TestHostProfile implements QuarkusTestProfile {
    static final String ENGINE = "faults";
    static final int INDEX = 71;
    static final Duration RESYNC = Duration.ofSeconds(2);

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mooring.controller.resync-interval", RESYNC.toSeconds() + "s",
                "mooring.docker.call-timeout", "15s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(TestHostResource.class, Map.of("engine", ENGINE, "index", Integer.toString(INDEX))));
    }
}
