package dev.mooring.source.rest;

import dev.mooring.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** /apply and the compose import read YAML as Compose and kubectl do (YAML 1.2, empty documents skipped, kind: List). */
@QuarkusTest
class YamlApiTest {
    String ns;

    @BeforeEach
    void namespace() {
        ns = Api.uniqueNamespace("yaml");
    }

    @AfterEach
    void clean() {
        Api.deleteNamespace(ns, Duration.ofSeconds(60));
    }

    @Test
    void applyStoresYaml12ValuesAsWrittenAndSkipsATrailingSeparator() {
        JsonPath applied = Api.applyOk("---\n" + Api.app(ns, "web", 0,
                "env: [{name: DEBUG, value: yes}, {name: RESTART, value: no}, {name: SINCE, value: 2024-01-02}, {name: AT, value: 22:22}]") + "---\n");
        assertThat(applied.getList("results.result")).containsExactly("created");
        assertThat(Api.get(ns, "apps", "web").jsonPath().getList("spec.env.value", String.class))
                .containsExactly("yes", "no", "2024-01-02", "22:22");
    }

    @Test
    void applyTakesAKindListAsItsItems() {
        String items = Api.app(ns, "a", 0, null).strip().replace("\n", "\n  ");
        JsonPath applied = Api.applyOk("apiVersion: v1\nkind: List\nitems:\n- " + items + "\n- " + items.replace("name: a", "name: b") + "\n");
        assertThat(applied.getList("results.name", String.class)).containsExactly("a", "b");
        assertThat(Api.get(ns, "apps", "b").statusCode()).isEqualTo(200);
    }

    @Test
    void composeReadsPortsRestartEnvironmentAndDatesAsCompose() {
        Response r = Api.givenYaml().body("""
                services:
                  web:
                    image: busybox:1
                    restart: no         # YAML 1.1 read false, and the import refused it
                    ports:
                      - 2222:22
                    environment:
                      DEBUG: yes
                      SINCE: 2024-01-02
                ---
                """).post(Api.BASE + "/namespaces/" + ns + "/compose?dryRun=true");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        String web = "resources.find { it.kind == 'App' }.spec.";
        assertThat(r.jsonPath().getInt(web + "ports[0].hostPort")).isEqualTo(2222);
        assertThat(r.jsonPath().getInt(web + "ports[0].containerPort")).isEqualTo(22);
        assertThat(r.jsonPath().getList(web + "env.value", String.class)).containsExactly("yes", "2024-01-02");
        assertThat(Api.get(ns, "apps", "web").statusCode()).isEqualTo(404);
    }

    @Test
    void aComposeAliasBombIsRefusedFastNamingTheLimit() {
        StringBuilder bomb = new StringBuilder("x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        String previous = "a";
        for (int level = 0; level < 9; level++) {
            bomb.append("x-l").append(level).append(": &l").append(level).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*" + previous))).append("]\n");
            previous = "l" + level;
        }
        bomb.append("services: {web: {image: busybox:1}}\n");
        // a harmless import first, so that the clock below does not count class loading in a fresh JVM
        Api.givenYaml().body("services: {warm: {image: busybox:1}}\n").post(Api.BASE + "/namespaces/" + ns + "/compose?dryRun=true");
        long t0 = System.nanoTime();
        Response r = Api.givenYaml().body(bomb.toString()).post(Api.BASE + "/namespaces/" + ns + "/compose");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("detail")).contains("expands to more than 100000 values through YAML aliases");
        assertThat(ms).as("ms to refuse the bomb").isLessThan(1000);
        assertThat(List.of(Api.get(ns, "apps", "web").statusCode(), Api.get(ns, "networks", "default").statusCode())).containsOnly(404);
    }
}
