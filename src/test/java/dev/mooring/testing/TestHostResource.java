package dev.mooring.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts a {@link TestHost} before the application and configures it as an engine:
 * {@code @WithTestResource(value = TestHostResource.class, initArgs = {@ResourceArg(name = "engine", value = "faults"),
 * @ResourceArg(name = "index", value = "71")})}. The host is removed when the application stops.
 * Tests reach the same host with {@code new TestHost(engine, index)}.
 */
public class TestHostResource implements QuarkusTestResourceLifecycleManager {
    private TestHost host;
    private String engine;

    @Override
    public void init(Map<String, String> initArgs) {
        engine = initArgs.getOrDefault("engine", "testhost");
        host = new TestHost(engine, Integer.parseInt(initArgs.getOrDefault("index", "71")));
    }

    @Override
    public Map<String, String> start() {
        host.up();
        return host.engineConfig(engine);
    }

    @Override
    public void stop() {
        host.down();
    }
}
