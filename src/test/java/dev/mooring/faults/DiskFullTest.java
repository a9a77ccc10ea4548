package dev.mooring.faults;

import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.SmallDisk;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The data dir's disk full: writes are refused with 507 problem+json naming the cause, reads go
 * on, nothing is half-written, and once space is freed Mooring takes writes again (issue 10).
 */
@QuarkusTest
@TestProfile(DiskFullProfile.class)
@Tag("faults")
class DiskFullTest {
    static final Duration CONVERGE = Duration.ofSeconds(60);
    String ns;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("dfl");
    }

    @AfterEach
    void clean() {
        SmallDisk.free();
        Api.deleteNamespace(ns, CONVERGE);
    }

    @Test
    void aFullDiskRefusesWritesClearlyKeepsReadsAndRecovers() {
        Api.applyOk(Api.app(ns, "kept", 1, null));
        Api.awaitReady(ns, "kept", CONVERGE);

        long filled = SmallDisk.fill();
        System.out.printf("FIGURE disk full: filler of %d KiB%n", filled / 1024);
        Response refused = Api.apply(Api.app(ns, "refused", 1, "env: [{name: PAD, value: '" + "x".repeat(30_000) + "'}]"));
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(507);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.jsonPath().getString("detail")).contains("disk is full");

        Response read = Api.get(ns, "apps", "kept");
        assertThat(read.statusCode()).as(read.asString()).isEqualTo(200);
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps").jsonPath().getList("items.metadata.name"))
                .containsExactly("kept");

        SmallDisk.free();
        assertThat(Api.get(ns, "apps", "refused").statusCode()).as("the refused App is not in the store").isEqualTo(404);
        assertThat(DockerCli.appContainers(ns, "refused")).as("nor on the engine").isEmpty();
        Api.applyOk(Api.app(ns, "after", 1, null));
        Api.awaitReady(ns, "after", CONVERGE);
        Api.awaitReady(ns, "kept", CONVERGE);
    }
}
