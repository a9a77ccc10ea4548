package dev.mooring.source.compose;

import dev.mooring.api.ApiException;
import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Network;
import dev.mooring.api.Secret;
import dev.mooring.api.Validation;
import dev.mooring.api.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The compose translation alone: no store, no engine. */
class ComposeTranslatorTest {
    @TempDir
    Path project;

    private static ComposeTranslator.Translation translate(String yaml, Path dir) {
        return ComposeTranslator.translate("shop", yaml.getBytes(StandardCharsets.UTF_8), dir);
    }

    private static AppSpec app(ComposeTranslator.Translation t, String name) {
        return t.resources().stream().filter(r -> r instanceof App && r.name().equals(name)).map(r -> ((App) r).getSpec())
                .findFirst().orElseThrow();
    }

    private static String ports(AppSpec s) {
        return String.join(" ", s.ports.stream().map(p -> (p.hostIP == null ? "" : p.hostIP + ":") + (p.hostPort == null ? "" : p.hostPort)
                + "->" + p.containerPort + (p.protocol == null ? "" : "/" + p.protocol)).toList());
    }

    private static List<String> errorFields(Runnable r) {
        try {
            r.run();
        } catch (ApiException e) {
            assertThat(e.status).isEqualTo(422);
            return e.errors.stream().map(ApiException.FieldError::field).toList();
        }
        throw new AssertionError("no 422");
    }

    @Test
    void everyShortAndLongPortFormBecomesPortSpecs() {
        var t = translate("""
                services:
                  web:
                    image: nginx:1
                    ports:
                      - "80"
                      - 8080:80
                      - 127.0.0.1:8081:81
                      - 127.0.0.1::82
                      - "[::1]:8083:83"
                      - 9000-9001:90-91
                      - 53:53/udp
                      - 84
                      - target: 85
                        published: "8085"
                        host_ip: 127.0.0.1
                        protocol: udp
                        mode: host
                      - target: 86
                """, null);
        assertThat(ports(app(t, "web"))).isEqualTo("->80 8080->80 127.0.0.1:8081->81 127.0.0.1:->82 ::1:8083->83 9000->90 9001->91 "
                + "53->53/udp ->84 127.0.0.1:8085->85/udp ->86");
        assertThat(t.warnings()).isEmpty();
    }

    @Test
    void aBadPortIsNamedByItsPath() {
        assertThat(errorFields(() -> translate("services: {web: {image: a, ports: [\"80:90:100:1\", \"8000-8002:80-81\"]}}", null)))
                .containsExactly("services.web.ports[0]", "services.web.ports[1]");
    }

    @Test
    void volumesNamedBindAndTmpfsInShortAndLongForm() throws Exception {
        Files.createDirectories(project.resolve("html"));
        var t = translate("""
                services:
                  web:
                    image: nginx:1
                    volumes:
                      - data:/var/lib/data
                      - ./html:/usr/share/html:ro
                      - /srv/shared/logs:/logs
                      - /cache
                      - type: volume
                        source: data
                        target: /data2
                        read_only: true
                      - type: bind
                        source: ./html
                        target: /html2
                      - type: tmpfs
                        target: /scratch
                        tmpfs: {size: 64m}
                    tmpfs:
                      - /run
                      - /tmp:size=1g
                volumes:
                  data: {driver: local, labels: {team: a}}
                """, project);
        AppSpec s = app(t, "web");
        String root = project.toAbsolutePath().normalize().toString();
        assertThat(s.volumes).extracting(m -> m.mountPath + " " + (m.volume != null ? "volume " + m.volume : m.hostPath != null ? "bind " + m.hostPath
                        : "tmpfs " + m.tmpfs.size) + (Boolean.TRUE.equals(m.readOnly) ? " ro" : ""))
                .containsExactly("/var/lib/data volume data", "/usr/share/html bind " + root + "/html ro", "/logs bind /srv/shared/logs",
                        "/cache volume web-anon-4", "/data2 volume data ro", "/html2 bind " + root + "/html", "/scratch tmpfs 64Mi",
                        "/run tmpfs null", "/tmp tmpfs 1Gi");
        assertThat(t.resources()).filteredOn(r -> r instanceof Volume).extracting(MooringResource::name).containsExactly("data", "web-anon-4");
        assertThat(t.warnings()).extracting(ComposeTranslator.Warning::path).containsExactly("services.web.volumes[3]");
        t.resources().forEach(r -> assertThat(Validation.validate(r)).as(r.name()).isEmpty());
    }

    @Test
    void relativePathsNeedTheProjectAndStayInsideIt() {
        assertThat(errorFields(() -> translate("services: {web: {image: a, volumes: [\"./html:/html\"]}}", null)))
                .containsExactly("services.web.volumes[0]");
        assertThat(errorFields(() -> translate("services: {web: {image: a, volumes: [\"../../etc:/etc2\"], build: ../elsewhere}}", project)))
                .containsExactlyInAnyOrder("services.web.volumes[0]", "services.web.build.context");
        assertThat(errorFields(() -> translate("services: {web: {image: a, volumes: [\"undeclared:/x\"]}}", null)))
                .containsExactly("services.web.volumes[0]");
    }

    @Test
    void environmentAsListAsMapAndFromEnvFilesWithEnvironmentWinning() throws Exception {
        Files.writeString(project.resolve("web.env"), "# comment\nFROM_FILE=1\nexport QUOTED=\"a b\"\nOVERRIDDEN=file\n");
        var t = translate("""
                services:
                  list:
                    image: a
                    env_file: web.env
                    environment: [A=1, "B=x=y", OVERRIDDEN=env, FROM_SHELL]
                  map:
                    image: a
                    env_file: [{path: missing.env, required: false}]
                    environment: {A: 1, B: true, C: "", D: null}
                """, project);
        assertThat(app(t, "list").env).extracting(e -> e.name + "=" + e.value)
                .containsExactly("FROM_FILE=1", "QUOTED=a b", "OVERRIDDEN=env", "A=1", "B=x=y");
        assertThat(app(t, "map").env).extracting(e -> e.name + "=" + e.value).containsExactly("A=1", "B=true", "C=");
        assertThat(t.warnings()).extracting(ComposeTranslator.Warning::path)
                .containsExactlyInAnyOrder("services.list.environment.FROM_SHELL", "services.map.environment.D");
        assertThat(errorFields(() -> translate("services: {web: {image: a, env_file: nope.env}}", project))).containsExactly("services.web.env_file");
    }

    @Test
    void interpolationFromTheProjectsDotEnv() throws Exception {
        Files.writeString(project.resolve(".env"), "TAG=7\nPORT=8080\nEMPTY=\n");
        var t = translate("""
                services:
                  web:
                    image: "redis:${TAG}"
                    ports: ["127.0.0.1:${PORT:-80}:80", "${OTHER:-81}:81"]
                    environment:
                      MODE: ${EMPTY:-fallback}
                      RAW: ${EMPTY-kept}
                      PRICE: $$5
                      NAME: $UNSET
                """, project);
        AppSpec s = app(t, "web");
        assertThat(s.image).isEqualTo("redis:7");
        assertThat(ports(s)).isEqualTo("127.0.0.1:8080->80 81->81");
        assertThat(s.env).extracting(e -> e.name + "=" + e.value).containsExactly("MODE=fallback", "RAW=", "PRICE=$5", "NAME=");
        assertThat(t.warnings()).extracting(ComposeTranslator.Warning::path).containsExactly("services.web.environment.NAME");
        assertThat(errorFields(() -> translate("services: {web: {image: \"${REQUIRED:?set REQUIRED}\"}}", project)))
                .containsExactly("services.web.image");
    }

    @Test
    void servicesWithTheirSettingsBecomeApps() throws Exception {
        Files.createDirectories(project.resolve("web"));
        Files.writeString(project.resolve("db_password.txt"), "s3cret");
        var t = translate("""
                services:
                  web:
                    build:
                      context: ./web
                      dockerfile: Dockerfile.prod
                      args: [VERSION=2, FROM_SHELL]
                      target: runtime
                    image: shop/web:2
                    command: sh -c 'echo "hi there"'
                    entrypoint: ["/bin/tini", "--"]
                    user: "1000:1000"
                    working_dir: /app
                    labels: [team=shop]
                    restart: on-failure
                    networks:
                      front: {aliases: [www]}
                      back:
                    depends_on:
                      db: {condition: service_healthy}
                      migrate: {condition: service_completed_successfully}
                      cache: {condition: service_started}
                    healthcheck:
                      test: wget -q -O- http://127.0.0.1/
                      interval: 10s
                      timeout: 2s
                      retries: 3
                      start_period: 1m
                    deploy:
                      replicas: 3
                      update_config: {parallelism: 2, delay: 5s, order: start-first, failure_action: rollback, monitor: 10s}
                      resources: {limits: {cpus: "0.5", memory: 256M}}
                    secrets: [db_password, {source: db_password, target: pw, mode: 0440, uid: "1000"}]
                    stop_grace_period: 30s
                  db: {image: "postgres:16", networks: [back], healthcheck: {test: ["CMD", "pg_isready"]}}
                  migrate: {image: "shop/migrate:1", network_mode: none, restart: "no"}
                  cache: {image: "redis:7", deploy: {restart_policy: {condition: any}}}
                networks:
                  front:
                  back: {internal: true, ipam: {config: [{subnet: 10.9.0.0/24}]}}
                secrets:
                  db_password: {file: ./db_password.txt}
                """, project);
        AppSpec web = app(t, "web");
        assertThat(web.build.context).isEqualTo(project.toAbsolutePath().normalize() + "/web");
        assertThat(web.build.dockerfile).isEqualTo("Dockerfile.prod");
        assertThat(web.build.args).isEqualTo(Map.of("VERSION", "2"));
        assertThat(web.build.target).isEqualTo("runtime");
        assertThat(web.image).isEqualTo("shop/web:2");
        assertThat(web.command).containsExactly("sh", "-c", "echo \"hi there\"");
        assertThat(web.entrypoint).containsExactly("/bin/tini", "--");
        assertThat(web.user).isEqualTo("1000:1000");
        assertThat(web.workingDir).isEqualTo("/app");
        assertThat(web.labels).isEqualTo(Map.of("team", "shop"));
        assertThat(web.restartPolicy).isEqualTo("on-failure");
        assertThat(web.networks).extracting(n -> n.name + n.aliases).containsExactly("front[web, www]", "back[web]");
        assertThat(web.dependsOn).extracting(d -> d.app + ":" + d.condition).containsExactly("db:healthy", "migrate:completed", "cache:null");
        assertThat(web.healthcheck.test).containsExactly("CMD-SHELL", "wget -q -O- http://127.0.0.1/");
        assertThat(web.healthcheck.startPeriod).isEqualTo("1m");
        assertThat(web.replicas).isEqualTo(3);
        assertThat(web.update.parallelism).isEqualTo(2);
        assertThat(web.update.order).isEqualTo("start-first");
        assertThat(web.resources.cpus).isEqualTo("0.5");
        assertThat(web.resources.memory).isEqualTo("256Mi");
        assertThat(web.secrets).extracting(f -> f.secret + " " + f.target + " " + Integer.toOctalString(f.modeBits()) + " " + f.uid)
                .containsExactly("db-password /run/secrets/db_password 444 null", "db-password /run/secrets/pw 440 1000");
        assertThat(web.stopGracePeriod).isEqualTo("30s");
        assertThat(app(t, "migrate").networkMode).isEqualTo("none");
        assertThat(app(t, "migrate").networks).isNull();
        assertThat(app(t, "cache").restartPolicy).isEqualTo("always");
        assertThat(app(t, "cache").networks).extracting(n -> n.name + n.aliases).containsExactly("default[cache]");
        Secret secret = (Secret) t.resources().stream().filter(r -> r instanceof Secret).findFirst().orElseThrow();
        assertThat(secret.name()).isEqualTo("db-password");
        assertThat(new String(secret.values().get("value"), StandardCharsets.UTF_8)).isEqualTo("s3cret");
        assertThat(t.resources()).filteredOn(r -> r instanceof Network).extracting(MooringResource::name).containsExactly("back", "default", "front");
        Network back = (Network) t.resources().stream().filter(r -> r.name().equals("back")).findFirst().orElseThrow();
        assertThat(back.getSpec().internal).isTrue();
        assertThat(back.getSpec().subnet).isEqualTo("10.9.0.0/24");
        assertThat(t.warnings()).extracting(ComposeTranslator.Warning::path).containsExactly("services.web.build.args.FROM_SHELL");
        t.resources().forEach(r -> assertThat(Validation.validate(r)).as(r.name()).isEmpty());
    }

    @Test
    void unsupportedKeysAreNamedAsWarningsWhenHarmlessAndErrorsOtherwise() {
        var t = translate("""
                version: "3.9"
                services:
                  web:
                    image: a
                    container_name: my-web
                    expose: [80]
                    logging: {driver: json-file}
                    x-custom: ignored silently
                x-anchors: {a: 1}
                """, null);
        assertThat(t.warnings()).extracting(ComposeTranslator.Warning::path)
                .containsExactly("version", "services.web.container_name", "services.web.expose", "services.web.logging");
        assertThat(errorFields(() -> translate("""
                services:
                  web:
                    image: a
                    extends: {service: base}
                    network_mode: "service:db"
                    runtime: runc
                    frobnicate: true
                    healthcheck: {test: [CMD, true], bogus: 1}
                models:
                  m: {model: ai/smollm2}
                """, null))).containsExactlyInAnyOrder("services.web.extends", "services.web.network_mode",
                "services.web.runtime", "services.web.frobnicate", "services.web.healthcheck.bogus", "models");
    }

    @Test
    void referencesToUndeclaredThingsAndBadNamesAreErrors() {
        assertThat(errorFields(() -> translate("""
                services:
                  web:
                    image: a
                    networks: [nowhere]
                    depends_on: [ghost]
                    secrets: [unknown]
                  Bad!Name: {image: a}
                  nothing: {}
                secrets:
                  env_secret: {environment: TOKEN}
                """, null))).containsExactlyInAnyOrder("services.web.networks", "services.web.depends_on", "services.web.secrets[0]",
                "services.Bad!Name", "services.nothing");
    }

    @Test
    void notACompositeFileIsA400() {
        assertThatThrownBy(() -> translate("- just\n- a list\n", null)).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status).isEqualTo(400));
        assertThatThrownBy(() -> translate("services: {web: [unclosed", null)).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status).isEqualTo(400));
    }

    @Test
    void anchorsAndMergeKeysWork() {
        var t = translate("""
                x-base: &base
                  image: busybox:1
                  restart: always
                services:
                  a: {<<: *base, command: [sleep, "1"]}
                  b:
                    <<: *base
                    image: busybox:2
                """, null);
        assertThat(app(t, "a").image).isEqualTo("busybox:1");
        assertThat(app(t, "a").restartPolicy).isEqualTo("always");
        assertThat(app(t, "b").image).isEqualTo("busybox:2");
    }

    // ---- Compose semantics (issue 13) -------------------------------------------------------

    private static List<String> errors(Runnable r) {
        try {
            r.run();
        } catch (ApiException e) {
            assertThat(e.status).isEqualTo(422);
            return e.errors.stream().map(f -> f.field() + ": " + f.message()).toList();
        }
        throw new AssertionError("no 422");
    }

    /** Compose restarts nothing without restart, and nothing for its health; an App does both unless told not to. */
    @Test
    void aServiceIsRestartedAndReplacedOnlyAsComposeWouldUnlessXMooringAsks() {
        var t = translate("""
                services:
                  job: {image: busybox:1, command: [true]}
                  checked:
                    image: busybox:1
                    restart: always
                    healthcheck: {test: [CMD, "true"]}
                  supervised:
                    image: busybox:1
                    x-mooring: {restartOnUnhealthy: true}
                    x-other: skipped as Compose skips it
                """, null);
        assertThat(app(t, "job").restartPolicy).isEqualTo("no");
        assertThat(app(t, "job").restartOnUnhealthy).isFalse();
        assertThat(app(t, "checked").restartPolicy).isEqualTo("always");
        assertThat(app(t, "checked").restartOnUnhealthy).isFalse();
        assertThat(app(t, "supervised").restartPolicy).isEqualTo("no");
        assertThat(app(t, "supervised").restartOnUnhealthy).isTrue();
        assertThat(t.warnings()).isEmpty();
        // a bare no (YAML 1.2 reads it as the string) and deploy's none are Compose's no as well
        assertThat(app(translate("services: {a: {image: busybox:1, restart: no}}", null), "a").restartPolicy).isEqualTo("no");
        assertThat(app(translate("services: {a: {image: busybox:1, deploy: {restart_policy: {condition: none}}}}", null), "a").restartPolicy)
                .isEqualTo("no");
        // a restart_policy without a condition restarts always: the specification's default condition is any
        assertThat(app(translate("services: {a: {image: busybox:1, deploy: {restart_policy: {max_attempts: 3}}}}", null), "a").restartPolicy)
                .isEqualTo("always");
        assertThat(errors(() -> translate("services: {a: {image: busybox:1, x-mooring: {restartOnUnhealthy: maybe, replicas: 3}}}", null)))
                .containsExactly("services.a.x-mooring.restartOnUnhealthy: \"maybe\" is not true or false",
                        "services.a.x-mooring.replicas: not supported by Mooring: unknown x-mooring setting (known: restartOnUnhealthy)");
    }

    /** Other services reach a container_name in Compose: it becomes an alias on each network of the service. */
    @Test
    void containerNameIsAnAliasOnEveryNetworkOfTheService() {
        var t = translate("""
                services:
                  db:
                    image: postgres:16
                    container_name: shop-database
                    networks: {front: {aliases: [pg]}, back: null}
                  cache: {image: "redis:7", container_name: the-cache}
                  host: {image: busybox:1, container_name: on-host, network_mode: host}
                networks: {front: null, back: null}
                """, null);
        assertThat(app(t, "db").networks).extracting(n -> n.name + n.aliases).containsExactly("front[db, pg, shop-database]", "back[db, shop-database]");
        assertThat(app(t, "cache").networks).extracting(n -> n.name + n.aliases).containsExactly("default[cache, the-cache]");
        assertThat(app(t, "host").networks).isNull();
        assertThat(t.warnings()).extracting(w -> w.path() + ": " + w.message()).containsExactly(
                "services.db.container_name: an alias on every network of the service, so other services reach it as shop-database; "
                        + "the container itself is named shop-db-1 (Mooring's <namespace>-<app>-<replica>)",
                "services.cache.container_name: an alias on every network of the service, so other services reach it as the-cache; "
                        + "the container itself is named shop-cache-1 (Mooring's <namespace>-<app>-<replica>)",
                "services.host.container_name: an alias on every network of the service, so other services reach it as on-host; "
                        + "the container itself is named shop-host-1 (Mooring's <namespace>-<app>-<replica>)");
        t.resources().forEach(r -> assertThat(Validation.validate(r)).as(r.name()).isEmpty());
    }

    /** A port with only its container port is translated as it is: the engine publishes it on an ephemeral host port. */
    @Test
    void aContainerPortAloneIsPublishedOnAnEphemeralPort() {
        AppSpec web = app(translate("services: {web: {image: busybox:1, ports: [\"8080\", {target: 9090}]}}", null), "web");
        assertThat(web.ports).extracting(p -> p.containerPort + " " + p.hostPort + " " + p.hostIP).containsExactly("8080 null null", "9090 null null");
    }

    /** Names that become one Mooring name are refused, each naming both originals; nothing wins silently. */
    @Test
    void namesThatCollideAfterNormalisationAreRefusedNamingBoth() {
        assertThat(errors(() -> translate("""
                services:
                  a_b: {image: busybox:1}
                  a-b: {image: busybox:1}
                  A.B: {image: busybox:1}
                  web: {image: busybox:1, volumes: ["db_data:/a", "db-data:/b"], networks: [Front, front], secrets: [pw_1, pw.1]}
                volumes: {db_data: null, db-data: null}
                networks: {Front: null, front: null}
                secrets: {pw_1: {external: true}, pw.1: {external: true}}
                """, null))).containsExactly(
                "networks.front: \"Front\" and \"front\" both become Network front (names are lowercased, '_' and '.' become '-'); rename one of them",
                "volumes.db-data: \"db_data\" and \"db-data\" both become Volume db-data (names are lowercased, '_' and '.' become '-'); rename one of them",
                "secrets.pw.1: \"pw_1\" and \"pw.1\" both become Secret pw-1 (names are lowercased, '_' and '.' become '-'); rename one of them",
                "services.a-b: \"a_b\" and \"a-b\" both become App a-b (names are lowercased, '_' and '.' become '-'); rename one of them",
                "services.A.B: \"a_b\" and \"A.B\" both become App a-b (names are lowercased, '_' and '.' become '-'); rename one of them");
        // an anonymous volume is named after its service: a declared volume of that name would be shared
        assertThat(errors(() -> translate("services: {web: {image: busybox:1, volumes: [/cache]}}\nvolumes: {web_anon_1: null}\n", null)))
                .containsExactly("services.web.volumes[0]: an anonymous volume becomes Volume web-anon-1, as the declared volume "
                        + "\"web_anon_1\" does; rename that volume");
        // distinct names stay distinct, and a name used by two kinds is no collision
        var t = translate("services: {data: {image: busybox:1, volumes: [\"data:/d\"]}}\nvolumes: {data: null}\n", null);
        assertThat(t.resources()).extracting(r -> r.getKind() + " " + r.name()).containsExactly("Network default", "Volume data", "App data");
        // a name with '_' is reached by that name, as in Compose: it is a valid alias
        var underscored = translate("services: {web_app: {image: busybox:1, container_name: my_web}}", null);
        assertThat(app(underscored, "web-app").networks).extracting(n -> n.name + n.aliases).containsExactly("default[web_app, my_web]");
        underscored.resources().forEach(r -> assertThat(Validation.validate(r)).as(r.name()).isEmpty());
    }

    // ---- the REST parser's limits (issue 10) ----------------------------------------------

    /** Six levels of ten aliases: a million values from a 700-byte file; the REST parser's limits apply. */
    @Test
    void anAliasBombIsRefusedFast() {
        StringBuilder bomb = new StringBuilder("x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        String previous = "a";
        for (int level = 0; level < 6; level++) {
            String name = "l" + level;
            bomb.append("x-").append(name).append(": &").append(name).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*" + previous))).append("]\n");
            previous = name;
        }
        bomb.append("services: {web: {image: busybox:1}}\n");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> translate(bomb.toString(), null)).isInstanceOf(ApiException.class)
                .satisfies(e -> {
                    assertThat(((ApiException) e).status).isEqualTo(400);
                    assertThat(e.getMessage()).contains("expands to more than");
                });
        System.out.println("compose alias bomb refused in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "services: {web: {image: busybox:1, labels: {a: " + "[".repeat(150) + "]".repeat(150) + "}}}\n";
        assertThatThrownBy(() -> translate(deep, null)).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status).isEqualTo(400));
    }

    @Test
    void oversizedValuesAreNamedAsInTheRestApi() {
        String longCommand = "services:\n  web:\n    image: busybox:1\n    command: \"echo " + "x".repeat(70_000) + "\"\n";
        assertThat(errorFields(() -> translate(longCommand, null))).containsExactly("services.web.command");
        StringBuilder env = new StringBuilder("services:\n  web:\n    image: busybox:1\n    environment:\n");
        for (int i = 0; i <= 1000; i++) {
            env.append("      V").append(i).append(": x\n");
        }
        assertThat(errorFields(() -> translate(env.toString(), null))).containsExactly("services.web.environment");
    }

    @Test
    void replicasMustBeAWholeNumberWithinTheMaximum() {
        assertThat(errorFields(() -> translate("services: {web: {image: busybox:1, deploy: {replicas: 1.5}}}", null)))
                .containsExactly("services.web.deploy.replicas");
        // a string of digits is what interpolation gives (${N:-3}): still accepted, as in Compose
        assertThat(app(translate("services: {web: {image: busybox:1, deploy: {replicas: \"3\"}}}", null), "web").replicas).isEqualTo(3);
        App big = (App) translate("services: {web: {image: busybox:1, deploy: {replicas: 100000}}}", null).resources().stream()
                .filter(r -> r instanceof App).findFirst().orElseThrow();
        assertThat(Validation.validate(big)).extracting(ApiException.FieldError::field).containsExactly("spec.replicas");
    }
}
