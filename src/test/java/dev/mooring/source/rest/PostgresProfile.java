package dev.mooring.source.rest;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * Runs the same tests against PostgreSQL: the role and database that scripts/setup-test-env.sh
 * creates (mooring/mooring, database mooring_test on localhost:5432).
 */
public class PostgresProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mooring.store.kind", "postgresql",
                "mooring.store.jdbc-url", System.getProperty("mooring.test.pg-url", "jdbc:postgresql://localhost:5432/mooring_test"),
                "mooring.store.username", "mooring",
                "mooring.store.password", "mooring");
    }
}
