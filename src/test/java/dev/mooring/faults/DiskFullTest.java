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
        // H2 may still have room inside its file: write until the first refusal
        String pad = "x".repeat(8_000);
        Response refused = null;
        String refusedName = null;
        int stored = 0;
        for (int i = 0; i < 300 && refused == null; i++) {
            Response r = Api.apply(Api.app(ns, "fill-" + i, 1, "suspend: true\nenv: [{name: PAD, value: '" + pad + "'}]"));
            if (r.statusCode() == 200) {
                stored++;
            } else {
                refused = r;
                refusedName = "fill-" + i;
            }
        }
        System.out.printf("FIGURE disk full: %d writes of 8 KB stored in H2's own free room before the first refusal%n", stored);
        assertThat(refused).as("a write is refused once the disk is full").isNotNull();
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(507);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.jsonPath().getString("detail")).contains("disk is full");

        Response read = Api.get(ns, "apps", "kept");
        assertThat(read.statusCode()).as(read.asString()).isEqualTo(200);
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps").jsonPath().getList("items.metadata.name"))
                .contains("kept").doesNotContain(refusedName).hasSize(stored + 1);

        SmallDisk.free();
        assertThat(Api.get(ns, "apps", refusedName).statusCode()).as("the refused App is not in the store").isEqualTo(404);
        assertThat(DockerCli.appContainers(ns, refusedName)).as("nor on the engine").isEmpty();
        Api.applyOk(Api.app(ns, "after", 1, null));
        Api.awaitReady(ns, "after", CONVERGE);
        Api.awaitReady(ns, "kept", CONVERGE);
    }
}
