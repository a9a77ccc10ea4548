package dev.mooring.faults;

import dev.mooring.testing.PostgresServer;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/** Mooring on a PostgreSQL server of the test's own ({@link PostgresServer}), which the test stops and starts. */
public class PostgresFaultProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mooring.controller.resync-interval", "2s",
                // a connection is looked for only briefly while the database is away, so requests answer quickly
                "quarkus.datasource.pg.jdbc.acquisition-timeout", "3s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PostgresServer.class));
    }
}
