package dev.mooring.source.compose;

import dev.mooring.api.ApiException;
import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Network;
import dev.mooring.api.Validation;
import dev.mooring.api.YamlReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The file level of a compose project: extends, include, profiles, override files, merge tags,
 * legacy external, extension keys in definitions, dockerfile_inline and bind mounts of the
 * project's own files. Pure translation on a project directory made here.
 */
class ComposeProjectFilesTest {
    @TempDir
    Path dir;

    Path project() throws IOException {
        return Files.createDirectories(dir.resolve("p"));
    }

    private static ComposeTranslator.Translation translate(String yaml, Path projectDir, String profiles) {
        return ComposeTranslator.translate("shop", yaml.getBytes(StandardCharsets.UTF_8), projectDir, ComposeTranslator.Options.profiles(profiles));
    }

    private static ComposeTranslator.Translation translate(String yaml, Path projectDir) {
        return translate(yaml, projectDir, null);
    }

    private static AppSpec app(ComposeTranslator.Translation t, String name) {
        return t.resources().stream().filter(r -> r instanceof App && r.name().equals(name)).map(r -> ((App) r).getSpec())
                .findFirst().orElseThrow(() -> new AssertionError("no App " + name + " in " + t.resources().stream().map(MooringResource::name).toList()));
    }

    private static List<String> apps(ComposeTranslator.Translation t) {
        return t.resources().stream().filter(r -> r instanceof App).map(MooringResource::name).toList();
    }

    private static List<String> errors(Runnable r) {
        try {
            r.run();
        } catch (ApiException e) {
            assertThat(e.status).isEqualTo(422);
            return e.errors.stream().map(f -> f.field() + ": " + f.message()).toList();
        }
        throw new AssertionError("no 422");
    }

    private static void write(Path root, String rel, String text) throws IOException {
        Path f = root.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    // ---- bind mounts of the project's own files

    @Test
    void aBindMountOfAProjectFileIsItsPathInTheProject() throws IOException {
        Path p = project();
        write(p, "nginx/nginx.conf", "events {}\n");
        var t = translate("""
                services:
                  web:
                    image: nginx:1
                    volumes:
                      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
                      - {type: bind, source: ./nginx, target: /srv}
                """, p);
        AppSpec web = app(t, "web");
        assertThat(web.volumes.get(0).hostPath).isEqualTo(p.resolve("nginx/nginx.conf").toString());
        assertThat(web.volumes.get(0).readOnly).isTrue();
        assertThat(web.volumes.get(1).hostPath).isEqualTo(p.resolve("nginx").toString());
    }

    @Test
    void aBindMountLeavingTheProjectIsNamedInComposeTerms() throws IOException {
        Path p = project();
        Files.createSymbolicLink(p.resolve("passwd"), Path.of("/etc/passwd"));
        Files.createDirectories(p.resolve("conf"));
        Files.createSymbolicLink(p.resolve("conf/up"), Path.of("../.."));
        List<String> e = errors(() -> translate("""
                services:
                  web:
                    image: nginx:1
                    volumes:
                      - ./passwd:/etc/app.conf
                      - ../other/secret.txt:/x
                      - ./conf/up/elsewhere:/y
                """, p));
        assertThat(e).hasSize(3);
        assertThat(e.get(0)).startsWith("services.web.volumes[0]: the bind mount ./passwd:/etc/app.conf of service web")
                .contains("resolves to /etc/passwd (symlinks followed), outside the project").contains("copy the file into it");
        assertThat(e.get(1)).startsWith("services.web.volumes[1]: the bind mount ../other/secret.txt:/x of service web")
                .contains("outside the project " + p);
        assertThat(e.get(2)).contains("resolves to " + dir.toRealPath().resolve("elsewhere")).contains("outside the project");
    }

    @Test
    void anAbsoluteHostPathIsLeftForAdmissionAndAProjectPathNeedsTheProject() {
        var t = translate("services: {web: {image: a, volumes: [\"/srv/data:/data\"]}}", null);
        assertThat(app(t, "web").volumes.get(0).hostPath).isEqualTo("/srv/data"); // admission judges it (baseline refuses it)
        assertThat(errors(() -> translate("services: {web: {image: a, volumes: [\"./conf:/conf\"]}}", null)))
                .singleElement().asString().contains("./conf:/conf").contains("send the project as a tar");
    }

    @Test
    void aComposeFileInASubdirectoryOfACheckoutMayUseTheCheckoutsFiles() throws IOException {
        Path checkout = project();
        write(checkout, "conf/site.conf", "x\n");
        Files.createDirectories(checkout.resolve("deploy"));
        String yaml = "services: {web: {image: a, volumes: [\"../conf/site.conf:/etc/site.conf\"]}}";
        var t = ComposeTranslator.translate("shop", yaml.getBytes(StandardCharsets.UTF_8), checkout.resolve("deploy"),
                new ComposeTranslator.Options(Set.of(), checkout));
        assertThat(app(t, "web").volumes.get(0).hostPath).isEqualTo(checkout.resolve("conf/site.conf").toString());
        assertThat(errors(() -> translate(yaml, checkout.resolve("deploy")))).as("the directory alone is the project otherwise")
                .singleElement().asString().contains("outside the project " + checkout.resolve("deploy"));
    }

    // ---- extends

    @Test
    void extendsMergesAsTheSpecificationSays() throws IOException {
        Path p = project();
        write(p, "common/base.yaml", """
                services:
                  base:
                    image: shop/base:1
                    command: ["sleep", "1"]
                    environment: [A=1, B=2]
                    labels: {tier: back}
                    ports: ["8080:80"]
                    cap_add: [CHOWN]
                    volumes: ["./data:/data", "logs:/logs"]
                    build: ./app
                volumes:
                  logs: {}
                """);
        var t = translate("""
                services:
                  web:
                    extends: {file: common/base.yaml, service: base}
                    command: ["sleep", "2"]
                    environment: {B: "3", C: "4"}
                    labels: [owner=me]
                    cap_add: [KILL]
                    ports: ["9090:90"]
                    volumes: ["./local:/data"]
                  worker:
                    extends: web
                    entrypoint: [/bin/sh]
                    ports: !reset []
                    environment: !override {ONLY: "1"}
                volumes:
                  logs: {}
                """, p);
        AppSpec web = app(t, "web");
        assertThat(web.image).isEqualTo("shop/base:1");
        assertThat(web.command).containsExactly("sleep", "2");
        assertThat(web.env).extracting(e -> e.name + "=" + e.value).containsExactlyInAnyOrder("A=1", "B=3", "C=4");
        assertThat(web.labels).containsEntry("tier", "back").containsEntry("owner", "me");
        assertThat(web.ports).extracting(x -> x.hostPort + "->" + x.containerPort).containsExactly("8080->80", "9090->90");
        assertThat(web.capAdd).containsExactly("CHOWN", "KILL");
        // volumes are unique by target: ./local replaces ./data at /data; the base's paths are relative to its file
        assertThat(web.volumes).extracting(v -> v.mountPath + "=" + (v.hostPath != null ? v.hostPath : v.volume))
                .containsExactly("/data=" + p.resolve("local"), "/logs=logs");
        assertThat(web.build.context).isEqualTo(p.resolve("common/app").toString());
        AppSpec worker = app(t, "worker");
        assertThat(worker.entrypoint).containsExactly("/bin/sh");
        assertThat(worker.command).containsExactly("sleep", "2");
        assertThat(worker.ports).isNullOrEmpty();
        assertThat(worker.env).extracting(e -> e.name).containsExactly("ONLY");
        t.resources().forEach(r -> assertThat(Validation.validate(r)).as(r.name()).isEmpty());
    }

    @Test
    void extendsCyclesMissingBasesAndFilesOutsideTheProjectAreNamed() throws IOException {
        Path p = project();
        write(dir, "outside.yaml", "services: {base: {image: a}}\n");
        List<String> e = errors(() -> translate("""
                services:
                  a: {extends: b}
                  b: {extends: {service: a}}
                  c: {extends: nowhere, image: x}
                  d: {extends: {file: ../outside.yaml, service: base}}
                  e: {extends: {file: missing.yaml, service: base}}
                """, p));
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith("services.a.extends: extends forms a cycle: a (the compose file) → b (the compose file) → a"));
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith("services.c.extends: extends service nowhere, which the compose file does not define"));
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith("services.d.extends.file: the file ../outside.yaml that service d extends is "
                + dir.resolve("outside.yaml") + ", outside the project"));
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith("missing.yaml: is not a file of the project"));
    }

    @Test
    void extendsThatCopiesTooMuchIsRefusedQuickly() {
        StringBuilder yaml = new StringBuilder("services:\n  base:\n    image: a\n    environment:\n");
        for (int i = 0; i < 900; i++) {
            yaml.append("      V").append(i).append(": x\n");
        }
        for (int i = 0; i < 200; i++) {
            yaml.append("  s").append(i).append(": {extends: base}\n");
        }
        long start = System.nanoTime();
        List<String> e = errors(() -> translate(yaml.toString(), null));
        assertThat(e).anySatisfy(m -> assertThat(m).contains("extends copies more than 100000 values in this project"));
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(2000);
    }

    // ---- include

    @Test
    void includedFilesAddTheirResourcesWithTheirPathsAndVariables() throws IOException {
        Path p = project();
        write(p, "db/compose.yaml", """
                services:
                  db:
                    image: postgres:${PG}
                    volumes: ["./init.sql:/docker-entrypoint-initdb.d/init.sql:ro", "pgdata:/var/lib/postgresql/data"]
                volumes:
                  pgdata: {}
                """);
        write(p, "db/.env", "PG=16\n");
        write(p, "db/init.sql", "select 1;\n");
        write(p, "cache/a.yaml", "services: {cache: {image: redis:7, command: [redis-server]}}\n");
        write(p, "cache/b.yaml", "services: {cache: {command: [redis-server, --save, \"\"]}}\n");
        var t = translate("""
                include:
                  - db/compose.yaml
                  - path: [cache/a.yaml, cache/b.yaml]
                services:
                  web: {image: shop/web:1, depends_on: [db, cache]}
                """, p);
        assertThat(apps(t)).containsExactlyInAnyOrder("web", "db", "cache");
        AppSpec db = app(t, "db");
        assertThat(db.image).isEqualTo("postgres:16");
        assertThat(db.volumes.get(0).hostPath).isEqualTo(p.resolve("db/init.sql").toString());
        assertThat(db.volumes.get(1).volume).isEqualTo("pgdata");
        assertThat(app(t, "cache").command).containsExactly("redis-server", "--save", "");
    }

    @Test
    void includeConflictsCyclesAndPathsOutsideAreRefusedNamingBoth() throws IOException {
        Path p = project();
        write(p, "other.yaml", "services: {web: {image: b}}\nvolumes: {data: {}}\n");
        write(p, "loop.yaml", "include: [loop.yaml]\nservices: {l: {image: c}}\n");
        write(dir, "outside.yaml", "services: {o: {image: d}}\n");
        List<String> e = errors(() -> translate("""
                include:
                  - other.yaml
                  - loop.yaml
                  - ../outside.yaml
                  - {path: other.yaml, project_directory: ../}
                services:
                  web: {image: a}
                volumes:
                  data: {}
                """, p));
        assertThat(e).contains("include[0]: services.web is defined both in the compose file and in other.yaml (included); "
                + "Compose refuses this too: rename one, or use extends to build on the other");
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith("include[0]: volumes.data is defined both in the compose file and in other.yaml"));
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith("include[0].path: include forms a cycle: the compose file → loop.yaml → loop.yaml"));
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith("include[2].path: the included file ../outside.yaml is " + dir.resolve("outside.yaml")));
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith("include[3].project_directory: the project_directory ../ is"));
        assertThat(errors(() -> translate("include: [a.yaml]\nservices: {web: {image: a}}\n", null)))
                .singleElement().asString().contains("send the project as a tar");
    }

    // ---- profiles

    @Test
    void servicesWithProfilesRunOnlyWhenSelected() {
        String yaml = """
                services:
                  web: {image: a}
                  debug: {image: b, profiles: [debug]}
                  tools: {image: c, profiles: [tools, debug]}
                """;
        var none = translate(yaml, null);
        assertThat(apps(none)).containsExactly("web");
        assertThat(none.warnings()).anySatisfy(w -> assertThat(w.path() + ": " + w.message())
                .startsWith("services.debug: left out: its profiles [debug] are not selected (add ?profiles=debug"));
        assertThat(apps(translate(yaml, null, "tools"))).containsExactlyInAnyOrder("web", "tools");
        assertThat(apps(translate(yaml, null, "debug, tools"))).containsExactlyInAnyOrder("web", "debug", "tools");
        assertThat(apps(translate(yaml, null, "*"))).containsExactlyInAnyOrder("web", "debug", "tools");
        assertThat(errors(() -> translate(yaml, null, "bad name"))).singleElement().asString().startsWith("profiles: \"bad name\" is not a profile name");
    }

    @Test
    void aDependencyOnAServiceLeftOutIsAnErrorUnlessNotRequired() {
        String yaml = """
                services:
                  web: {image: a, depends_on: {db: {condition: service_started}, mock: {condition: service_started, required: false}}}
                  db: {image: b, profiles: [dev]}
                  mock: {image: c, profiles: [dev]}
                """;
        assertThat(errors(() -> translate(yaml, null))).singleElement().asString()
                .startsWith("services.web.depends_on.db: service web depends on db, which is only in profiles [dev] and not selected; select one (?profiles=dev)");
        var dev = translate(yaml, null, "dev");
        assertThat(app(dev, "web").dependsOn).extracting(d -> d.app).containsExactlyInAnyOrder("db", "mock");
        assertThat(errors(() -> translate("services: {a: {image: a, profiles: [x]}}", null))).singleElement().asString()
                .startsWith("services: every service is in a profile and none of [x] is selected");
    }

    // ---- override file and merge tags

    @Test
    void theOverrideFileIsMergedAsDockerComposeUpDoes() throws IOException {
        Path p = project();
        write(p, "compose.override.yaml", """
                services:
                  web:
                    ports: !override ["127.0.0.1:8081:80"]
                    environment: [DEBUG=1]
                    healthcheck: !reset null
                """);
        var t = translate("""
                services:
                  web:
                    image: a
                    ports: ["8080:80"]
                    environment: {MODE: prod}
                    healthcheck: {test: [CMD, "true"]}
                """, p);
        AppSpec web = app(t, "web");
        assertThat(web.ports).extracting(x -> x.hostIP + ":" + x.hostPort + "->" + x.containerPort).containsExactly("127.0.0.1:8081->80");
        assertThat(web.env).extracting(e -> e.name + "=" + e.value).containsExactlyInAnyOrder("MODE=prod", "DEBUG=1");
        assertThat(web.healthcheck).isNull();
        assertThat(t.warnings()).extracting(ComposeTranslator.Warning::path).contains("compose.override.yaml");
    }

    @Test
    void mergeTagsAreReadOnlyInComposeFiles() {
        assertThat(YamlReader.readCompose("a: !reset []\nb: !override {c: 1}\n").get(0)).isEqualTo(
                Map.of("a", new YamlReader.MergeTag("!reset", List.of()), "b", new YamlReader.MergeTag("!override", Map.of("c", 1))));
        assertThatThrownBy(() -> YamlReader.read("a: !reset []\n")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status).isEqualTo(400);
            assertThat(e.getMessage()).contains("the YAML tag !reset is not supported here; only compose files take Compose's merge tags");
        });
        assertThatThrownBy(() -> YamlReader.readCompose("a: !frob x\n")).isInstanceOf(ApiException.class).hasMessageContaining("!frob is not supported");
        // a tag with nothing under it to merge: !reset removes, !override is its value
        var t = translate("services: {web: {image: a, ports: !reset [], command: !override [x]}}", null);
        assertThat(app(t, "web").ports).isNullOrEmpty();
        assertThat(app(t, "web").command).containsExactly("x");
    }

    @Test
    void mergeRulesForSequencesByUniqueKey() {
        Map<String, Object> base = Map.of("ports", List.of("8080:80", Map.of("target", 443, "published", 8443)),
                "secrets", List.of("a", Map.of("source", "b", "target", "/t")), "dns", List.of("1.1.1.1"), "healthcheck", Map.of("test", List.of("CMD", "a"), "retries", 3));
        Map<String, Object> over = Map.of("ports", List.of(Map.of("target", 443, "published", 8443, "protocol", "tcp", "mode", "host"), "9090:90"),
                "secrets", List.of(Map.of("source", "c", "target", "/t"), "a"), "dns", List.of("8.8.8.8"), "healthcheck", Map.of("test", List.of("CMD", "b")));
        Map<String, Object> m = ComposeMerge.merge(base, over);
        assertThat(m.get("ports")).isEqualTo(List.of("8080:80", Map.of("target", 443, "published", 8443, "protocol", "tcp", "mode", "host"), "9090:90"));
        assertThat(m.get("secrets")).isEqualTo(List.of("a", Map.of("source", "c", "target", "/t")));
        assertThat(m.get("dns")).isEqualTo(List.of("1.1.1.1", "8.8.8.8"));
        assertThat(m.get("healthcheck")).isEqualTo(Map.of("test", List.of("CMD", "b"), "retries", 3));
    }

    // ---- top-level definitions

    @Test
    void legacyExternalAndExtensionKeysInDefinitions() {
        var t = translate("""
                services:
                  web: {image: a, networks: [front], volumes: ["data:/d"], secrets: [token]}
                networks:
                  front: {driver: bridge, x-note: {anything: 1}}
                volumes:
                  data: {x-backup: nightly}
                secrets:
                  token: {external: {name: shop_token}, x-rotated: yearly}
                """, null);
        assertThat(t.resources()).filteredOn(r -> r instanceof Network).extracting(MooringResource::name).containsExactly("front");
        assertThat(app(t, "web").secrets).extracting(s -> s.secret).containsExactly("shop-token");
        assertThat(t.warnings()).anySatisfy(w -> assertThat(w.path() + ": " + w.message())
                .isEqualTo("secrets.token.external: Secret shop-token (shop_token) must exist in namespace shop (create it through the API)"));
        assertThat(errors(() -> translate("""
                services: {web: {image: a, networks: [n], volumes: ["v:/v"]}}
                networks: {n: {external: {name: corp_net}}}
                volumes: {v: {external: true, name: corp_data}}
                """, null))).containsExactlyInAnyOrder(
                "networks.n.external: not supported by Mooring: the external network corp_net is not Mooring's: Mooring joins only networks it manages; declare the network here instead",
                "volumes.v.external: not supported by Mooring: the external volume corp_data is not Mooring's: Mooring mounts only volumes it manages; declare the volume here instead");
    }

    @Test
    void dockerfileInlineBecomesAFileOfTheContextNamedByItsContent() throws IOException {
        Path p = project();
        Files.createDirectories(p.resolve("app"));
        String yaml = """
                services:
                  web:
                    build:
                      context: ./app
                      dockerfile_inline: |
                        FROM busybox
                        CMD ["true"]
                """;
        AppSpec web = app(translate(yaml, p), "web");
        assertThat(web.build.dockerfile).matches("\\.mooring-inline-[0-9a-f]{12}\\.Dockerfile");
        assertThat(p.resolve("app").resolve(web.build.dockerfile)).hasContent("FROM busybox\nCMD [\"true\"]");
        assertThat(app(translate(yaml, p), "web").build.dockerfile).as("the same text, the same file").isEqualTo(web.build.dockerfile);
        assertThat(errors(() -> translate("services: {web: {build: {context: ./app, dockerfile: D, dockerfile_inline: FROM x}}}", p)))
                .singleElement().asString().startsWith("services.web.build.dockerfile_inline: and dockerfile name two Dockerfiles");
        Files.createSymbolicLink(p.resolve("out"), dir);
        assertThat(errors(() -> translate("services: {web: {build: {context: ./out, dockerfile_inline: FROM x}}}", p)))
                .singleElement().asString().contains("is not a directory of the project");
        assertThat(Files.list(dir).filter(f -> f.getFileName().toString().startsWith(".mooring-inline"))).as("nothing written through the link").isEmpty();
    }

    @Test
    void optionsProfilesParsesTheQuery() {
        assertThat(ComposeTranslator.Options.profiles(" a, b ,,").profiles()).isEqualTo(Set.of("a", "b"));
        assertThat(ComposeTranslator.Options.profiles(null).profiles()).isEmpty();
    }
}
