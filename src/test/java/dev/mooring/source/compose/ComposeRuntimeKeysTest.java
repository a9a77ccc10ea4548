package dev.mooring.source.compose;

import dev.mooring.api.ApiException;
import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service keys that were refused before issue 13 and are translated now: each form Compose
 * accepts, into the App field of the same meaning; what stays refused says what to do instead.
 */
class ComposeRuntimeKeysTest {
    @TempDir
    Path project;

    private static ComposeTranslator.Translation translate(String yaml, Path dir) {
        return ComposeTranslator.translate("shop", yaml.getBytes(StandardCharsets.UTF_8), dir);
    }

    private static AppSpec app(ComposeTranslator.Translation t, String name) {
        return t.resources().stream().filter(r -> r instanceof App && r.name().equals(name)).map(r -> ((App) r).getSpec())
                .findFirst().orElseThrow();
    }

    private static Secret secret(ComposeTranslator.Translation t, String name) {
        return t.resources().stream().filter(r -> r instanceof Secret && r.name().equals(name)).map(r -> (Secret) r)
                .findFirst().orElseThrow();
    }

    private static String value(Secret s) {
        return new String(Base64.getDecoder().decode(s.data.get("value")), StandardCharsets.UTF_8);
    }

    private static List<String> errors(String yaml, Path dir) {
        try {
            translate(yaml, dir);
        } catch (ApiException e) {
            assertThat(e.status).isEqualTo(422);
            return e.errors.stream().map(f -> f.field() + ": " + f.message()).toList();
        }
        throw new AssertionError("no 422");
    }

    @Test
    void namesResolverInitAndTerminalBecomeTheirAppFields() {
        AppSpec s = app(translate("""
                services:
                  web:
                    image: busybox:1
                    hostname: web-1
                    domainname: shop.local
                    dns: 10.0.0.2
                    dns_search: [svc.local, corp.local]
                    dns_opt: [ndots:2]
                    init: true
                    tty: true
                    stdin_open: true
                """, null), "web");
        assertThat(s.hostname).isEqualTo("web-1");
        assertThat(s.domainname).isEqualTo("shop.local");
        assertThat(s.dns.servers).containsExactly("10.0.0.2");
        assertThat(s.dns.search).containsExactly("svc.local", "corp.local");
        assertThat(s.dns.options).containsExactly("ndots:2");
        assertThat(s.init).isTrue();
        assertThat(s.tty).isTrue();
        assertThat(s.stdinOpen).isTrue();
    }

    @Test
    void extraHostsInEveryForm() {
        AppSpec list = app(translate("""
                services:
                  web:
                    image: busybox:1
                    extra_hosts:
                      - "db.local:10.0.0.5"
                      - "cache=10.0.0.6"
                      - "v6=[::1]"
                      - "old6:::2"
                      - "gw:host-gateway"
                      - "multi=10.0.0.7,10.0.0.8"
                """, null), "web");
        assertThat(list.extraHosts).extracting(h -> h.host + " " + h.ip).containsExactly("db.local 10.0.0.5", "cache 10.0.0.6",
                "v6 ::1", "old6 ::2", "gw host-gateway", "multi 10.0.0.7", "multi 10.0.0.8");
        AppSpec map = app(translate("""
                services:
                  web:
                    image: busybox:1
                    extra_hosts:
                      db.local: 10.0.0.5
                      both: [10.0.0.6, "::6"]
                """, null), "web");
        assertThat(map.extraHosts).extracting(h -> h.host + " " + h.ip).containsExactly("db.local 10.0.0.5", "both 10.0.0.6", "both ::6");
        assertThat(errors("""
                services:
                  web: {image: busybox:1, extra_hosts: [nocolon]}
                """, null)).singleElement().asString().startsWith("services.web.extra_hosts: [0] \"nocolon\" is not host:ip or host=ip");
    }

    @Test
    void sysctlsAndUlimitsInBothForms() {
        AppSpec s = app(translate("""
                services:
                  web:
                    image: busybox:1
                    sysctls:
                      - net.ipv4.tcp_keepalive_time=600
                      - net.ipv4.tcp_syncookies=1
                    ulimits:
                      nofile: {soft: 1024, hard: 4096}
                      nproc: 512
                  db:
                    image: busybox:1
                    sysctls: {net.ipv4.tcp_fin_timeout: 30}
                """, null), "web");
        assertThat(s.sysctls).containsExactly(Map.entry("net.ipv4.tcp_keepalive_time", "600"), Map.entry("net.ipv4.tcp_syncookies", "1"));
        assertThat(s.ulimits).extracting(u -> u.name + " " + u.soft + " " + u.hard).containsExactly("nofile 1024 4096", "nproc 512 512");
        assertThat(errors("""
                services:
                  web: {image: busybox:1, ulimits: {nofile: {soft: 1024}}}
                """, null)).containsExactly("services.web.ulimits: nofile needs soft and hard, like {soft: 1024, hard: 4096}");
    }

    @Test
    void gpuReservationsAndTheGpusKeyBecomeDeviceRequests() {
        var t = translate("""
                services:
                  train:
                    image: busybox:1
                    deploy:
                      resources:
                        reservations:
                          cpus: "1"
                          devices:
                            - driver: nvidia
                              count: 1
                              capabilities: [gpu]
                            - capabilities: [gpu, utility]
                              device_ids: ["0", "3"]
                  infer:
                    image: busybox:1
                    gpus: all
                """, null);
        AppSpec train = app(t, "train");
        assertThat(train.gpus).extracting(g -> g.driver + " " + g.count + " " + g.deviceIds + " " + g.capabilities)
                .containsExactly("nvidia 1 null [gpu]", "null null [0, 3] [gpu, utility]");
        assertThat(t.warnings()).extracting(ComposeTranslator.Warning::path).containsExactly("services.train.deploy.resources.reservations.cpus");
        assertThat(app(t, "infer").gpus).extracting(g -> g.count + " " + g.capabilities).containsExactly("-1 [gpu]");
        assertThat(errors("""
                services:
                  train:
                    image: busybox:1
                    deploy: {resources: {reservations: {devices: [{count: all}]}}}
                """, null)).containsExactly("services.train.deploy.resources.reservations.devices[0].capabilities: is required, like [gpu]");
    }

    @Test
    void aFixedAddressJoinsTheNetworkWithIt() {
        var t = translate("""
                services:
                  web:
                    image: busybox:1
                    networks:
                      back:
                        ipv4_address: 10.42.0.10
                        aliases: [api]
                networks:
                  back:
                    ipam:
                      config:
                        - subnet: 10.42.0.0/24
                """, null);
        AppSpec.NetworkAttachment a = app(t, "web").networks.get(0);
        assertThat(a.name).isEqualTo("back");
        assertThat(a.ipv4Address).isEqualTo("10.42.0.10");
        assertThat(a.aliases).containsExactly("web", "api");
        assertThat(errors("""
                services:
                  web:
                    image: busybox:1
                    networks: {back: {mac_address: "02:42:ac:11:00:02"}}
                networks: {back: {}}
                """, null)).singleElement().asString().startsWith("services.web.networks.back.mac_address: not supported by Mooring");
    }

    @Test
    void volumesFromGivesTheOtherServicesMountsAtTheSamePaths() {
        var t = translate("""
                services:
                  data:
                    image: busybox:1
                    volumes: [shared:/shared, /srv/logs:/logs:ro, /cache]
                    tmpfs: [/scratch]
                  app:
                    image: busybox:1
                    volumes_from: [data]
                    volumes: [own:/logs]
                  reader:
                    image: busybox:1
                    volumes_from: ["app:ro"]
                  writer:
                    image: busybox:1
                    volumes_from: ["service:data:rw"]
                volumes: {shared: {}, own: {}}
                """, null);
        // its own mount at /logs wins; the tmpfs stays data's own
        assertThat(mounts(app(t, "app"))).containsExactly("own:/logs", "shared:/shared", "data-anon-3:/cache");
        // through app, transitively; :ro makes every one read-only
        assertThat(mounts(app(t, "reader"))).containsExactly("own:/logs:ro", "shared:/shared:ro", "data-anon-3:/cache:ro");
        // :rw makes the read-only bind mount writable, as Docker does
        assertThat(mounts(app(t, "writer"))).containsExactly("shared:/shared", "/srv/logs:/logs", "data-anon-3:/cache");
        assertThat(mounts(app(t, "data"))).containsExactly("shared:/shared", "/srv/logs:/logs:ro", "data-anon-3:/cache", "tmpfs:/scratch");
    }

    @Test
    void volumesFromAContainerACircleOrAnUnknownServiceIsRefused() {
        assertThat(errors("""
                services:
                  a: {image: busybox:1, volumes_from: [b], volumes: [/x]}
                  b: {image: busybox:1, volumes_from: [a]}
                  c: {image: busybox:1, volumes_from: ["container:legacy", ghost, "a:rx"]}
                """, null)).containsExactlyInAnyOrder(
                "services.b.volumes_from[0]: volumes_from goes round in a circle: a -> b -> a",
                "services.c.volumes_from[0]: not supported by Mooring: volumes_from a container (container:legacy) that Mooring does not "
                        + "manage; declare its volumes in the top-level volumes and mount them in both, or make it a service of this project",
                "services.c.volumes_from[1]: service ghost is not defined in this file",
                "services.c.volumes_from[2]: \"rx\" is not ro or rw");
    }

    @Test
    void networkModeOfAnotherServiceIsRefusedWithWhatToDo() {
        assertThat(errors("""
                services:
                  vpn: {image: busybox:1}
                  app: {image: busybox:1, network_mode: "service:vpn"}
                """, null)).containsExactly("services.app.network_mode: not supported by Mooring: network_mode service:vpn (sharing vpn's "
                + "network namespace): Mooring replaces vpn's containers on their own, which would cut this one off; put both services on "
                + "a shared network (they reach each other by service name), or, if this one must reach vpn on localhost, run both "
                + "processes in one service");
    }

    @Test
    void configsBecomeSecretsWrittenAsFilesFromAFileContentOrTheDotEnv() throws Exception {
        Files.writeString(project.resolve("nginx.conf"), "worker_processes 1;\n");
        Files.writeString(project.resolve(".env"), "GREETING=hello from env\nPORT=8080\n");
        var t = translate("""
                services:
                  web:
                    image: busybox:1
                    user: "1000"
                    configs:
                      - nginx_conf
                      - source: motd
                        target: /etc/motd
                        mode: 0440
                        uid: "33"
                        gid: "33"
                      - source: greeting
                        target: greeting.txt
                    secrets: [token]
                configs:
                  nginx_conf: {file: ./nginx.conf}
                  motd: {content: "port ${PORT}"}
                  greeting: {environment: GREETING}
                secrets:
                  token: {file: ./nginx.conf}
                """, project);
        assertThat(value(secret(t, "nginx-conf"))).isEqualTo("worker_processes 1;\n");
        assertThat(value(secret(t, "motd"))).isEqualTo("port 8080");
        assertThat(value(secret(t, "greeting"))).isEqualTo("hello from env");
        AppSpec s = app(t, "web");
        assertThat(s.secrets).extracting(f -> f.secret + " " + f.target() + " " + Integer.toOctalString(f.modeBits()) + " " + f.uid + " " + f.gid)
                .containsExactly("nginx-conf /nginx_conf 444 null null", "motd /etc/motd 440 33 33", "greeting /greeting.txt 444 null null",
                        "token /run/secrets/token 444 null null");
        assertThat(t.secretFiles()).as("a config file is no secret; the import may keep it").containsExactly(project.resolve("nginx.conf"));
    }

    @Test
    void aConfigWithoutASourceOrNamedLikeASecretOrUnsetInTheDotEnvIsRefused() {
        assertThat(errors("""
                services:
                  web: {image: busybox:1, configs: [a, b_c, c, ghost]}
                configs:
                  a: {}
                  b_c: {content: x}
                  c: {environment: NOT_SET}
                secrets:
                  b-c: {file: ./x}
                """, project)).containsExactlyInAnyOrder(
                "configs.a: needs file, content or environment (or external: true)",
                "configs.b_c: config b_c and secret b-c would both be Secret b-c (a config is kept as a Secret); rename one of them",
                "configs.c.environment: NOT_SET is not set in the project's .env (Mooring cannot read your shell's environment); "
                        + "set it there, or use content or file",
                "services.web.configs[3]: config ghost is not declared in the top-level configs");
    }

    @Test
    void anExternalConfigNamesTheSecretThatMustExist() {
        var t = translate("""
                services:
                  web: {image: busybox:1, configs: [site]}
                configs:
                  site: {external: true}
                """, null);
        assertThat(t.resources()).noneMatch(r -> r instanceof Secret);
        assertThat(app(t, "web").secrets).extracting(f -> f.secret).containsExactly("site");
        assertThat(t.warnings()).extracting(ComposeTranslator.Warning::path).containsExactly("configs.site.external");
    }

    private static List<String> mounts(AppSpec s) {
        return s.volumes.stream().map(m -> (m.volume != null ? m.volume : m.hostPath != null ? m.hostPath : "tmpfs") + ":" + m.mountPath
                + (Boolean.TRUE.equals(m.readOnly) ? ":ro" : "")).toList();
    }
}
