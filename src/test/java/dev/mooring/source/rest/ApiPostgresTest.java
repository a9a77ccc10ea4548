package dev.mooring.source.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The REST contract against PostgreSQL. */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class ApiPostgresTest extends ApiTest {
}
