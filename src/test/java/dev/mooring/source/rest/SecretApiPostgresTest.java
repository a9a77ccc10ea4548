package dev.mooring.source.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The Secret API and its encrypted store against PostgreSQL. */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class SecretApiPostgresTest extends SecretApiTest {
}
