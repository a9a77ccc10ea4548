package dev.mooring.reconcile;

import dev.mooring.api.AppSpec;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static dev.mooring.reconcile.AppPlannerTest.app;
import static dev.mooring.reconcile.AppPlannerTest.network;
import static dev.mooring.reconcile.AppPlannerTest.port;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The config hash decides whether a container is replaced: it must change with everything that
 * needs a new container and with nothing else (DESIGN.md, "Ownership on the engine").
 */
class ConfigHashTest {

    private static String hash(Consumer<AppSpec> spec) {
        return DesiredApp.of(app("web", s -> {
            s.image = "nginx:1.27";
            s.command = List.of("nginx", "-g", "daemon off;");
            s.env = List.of(new AppSpec.EnvVar("A", "1"), new AppSpec.EnvVar("B", "2"));
            s.ports = List.of(port(80, 8080));
            s.networks = List.of(network("backend"));
            AppSpec.VolumeMount m = new AppSpec.VolumeMount();
            m.volume = "data";
            m.mountPath = "/data";
            s.volumes = List.of(m);
            s.healthcheck = new AppSpec.Healthcheck();
            s.healthcheck.test = List.of("CMD", "true");
            s.healthcheck.interval = "10s";
            s.labels = Map.of("team", "blue");
            spec.accept(s);
        })).configHash();
    }

    private static final String BASE = hash(s -> { });

    @Test
    void theHashIsSha256InHex() {
        assertThat(BASE).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(ConfigHash.shortForm(BASE)).isEqualTo(BASE.substring(0, 12));
        assertThat(ConfigHash.shortForm(null)).isEqualTo("none");
    }

    @Test
    void theSameSpecGivesTheSameHash() {
        assertThat(hash(s -> { })).isEqualTo(BASE);
    }

    @Test
    void replicasDesiredStateAndEngineDoNotChangeTheHash() {
        assertThat(hash(s -> s.replicas = 5)).isEqualTo(BASE);
        assertThat(hash(s -> s.replicas = 0)).isEqualTo(BASE);
        assertThat(hash(s -> s.desiredState = "Stopped")).isEqualTo(BASE);
        assertThat(hash(s -> s.desiredState = "Running")).isEqualTo(BASE);
        assertThat(hash(s -> s.engine = "local")).isEqualTo(BASE);
    }

    @Test
    void generationDoesNotChangeTheHash() {
        var a = app("web", s -> s.image = "nginx:1.27");
        var b = app("web", s -> s.image = "nginx:1.27");
        b.getMetadata().setGeneration(42L);
        assertThat(DesiredApp.of(b).configHash()).isEqualTo(DesiredApp.of(a).configHash());
    }

    @Test
    void everythingThatNeedsANewContainerChangesTheHash() {
        Map<String, Consumer<AppSpec>> changes = new LinkedHashMap<>();
        changes.put("image", s -> s.image = "nginx:1.28");
        changes.put("env value", s -> s.env = List.of(new AppSpec.EnvVar("A", "1"), new AppSpec.EnvVar("B", "3")));
        changes.put("env added", s -> s.env = List.of(new AppSpec.EnvVar("A", "1"), new AppSpec.EnvVar("B", "2"),
                new AppSpec.EnvVar("C", "")));
        changes.put("command", s -> s.command = List.of("nginx"));
        changes.put("entrypoint", s -> s.entrypoint = List.of("/docker-entrypoint.sh"));
        changes.put("host port", s -> s.ports = List.of(port(80, 8081)));
        changes.put("container port", s -> s.ports = List.of(port(81, 8080)));
        changes.put("protocol", s -> {
            AppSpec.PortSpec p = port(80, 8080);
            p.protocol = "udp";
            s.ports = List.of(p);
        });
        changes.put("volume", s -> {
            AppSpec.VolumeMount m = new AppSpec.VolumeMount();
            m.volume = "other";
            m.mountPath = "/data";
            s.volumes = List.of(m);
        });
        changes.put("read-only", s -> {
            AppSpec.VolumeMount m = new AppSpec.VolumeMount();
            m.volume = "data";
            m.mountPath = "/data";
            m.readOnly = true;
            s.volumes = List.of(m);
        });
        changes.put("networks", s -> s.networks = List.of(network("backend"), network("frontend")));
        changes.put("aliases", s -> {
            AppSpec.NetworkAttachment n = network("backend");
            n.aliases = List.of("api");
            s.networks = List.of(n);
        });
        changes.put("healthcheck test", s -> s.healthcheck.test = List.of("CMD", "false"));
        changes.put("healthcheck interval", s -> s.healthcheck.interval = "5s");
        changes.put("no healthcheck", s -> s.healthcheck = null);
        changes.put("user label", s -> s.labels = Map.of("team", "red"));
        changes.put("memory", s -> {
            s.resources = new AppSpec.Resources();
            s.resources.memory = "256Mi";
        });
        changes.put("restart policy", s -> s.restartPolicy = "always");
        changes.put("privileged", s -> s.privileged = true);
        changes.put("pid mode", s -> s.pidMode = "host");
        changes.put("ipc mode", s -> s.ipcMode = "host");
        changes.put("cap add", s -> s.capAdd = List.of("NET_ADMIN"));
        changes.put("cap drop", s -> s.capDrop = List.of("ALL"));
        changes.put("devices", s -> {
            AppSpec.Device d = new AppSpec.Device();
            d.hostPath = "/dev/fuse";
            s.devices = List.of(d);
        });
        changes.put("read-only root", s -> s.readOnlyRootFilesystem = true);
        changes.put("no new privileges", s -> s.noNewPrivileges = true);
        // issue 13: the container's surroundings
        changes.put("hostname", s -> s.hostname = "web-1");
        changes.put("domainname", s -> s.domainname = "shop.local");
        changes.put("extra hosts", s -> s.extraHosts = List.of(new AppSpec.HostEntry("db", "10.0.0.5")));
        changes.put("extra host address", s -> s.extraHosts = List.of(new AppSpec.HostEntry("db", "10.0.0.6")));
        changes.put("dns", s -> {
            s.dns = new AppSpec.Dns();
            s.dns.servers = List.of("10.0.0.2");
        });
        changes.put("dns search", s -> {
            s.dns = new AppSpec.Dns();
            s.dns.search = List.of("svc.local");
        });
        changes.put("sysctls", s -> s.sysctls = Map.of("net.ipv4.tcp_keepalive_time", "600"));
        changes.put("ulimits", s -> s.ulimits = List.of(new AppSpec.Ulimit("nofile", 1024L, null)));
        changes.put("ulimit hard", s -> s.ulimits = List.of(new AppSpec.Ulimit("nofile", 1024L, 2048L)));
        changes.put("init", s -> s.init = true);
        changes.put("tty", s -> s.tty = true);
        changes.put("stdin open", s -> s.stdinOpen = true);
        changes.put("gpus", s -> s.gpus = List.of(new AppSpec.GpuRequest()));
        changes.put("fixed address", s -> {
            AppSpec.NetworkAttachment n = network("backend");
            n.ipv4Address = "10.1.0.5";
            s.networks = List.of(n);
        });

        Map<String, String> hashes = new LinkedHashMap<>();
        changes.forEach((what, change) -> hashes.put(what, hash(change)));
        hashes.forEach((what, h) -> assertThat(h).as(what).isNotEqualTo(BASE));
        assertThat(hashes.values()).as("every change gives its own hash").doesNotHaveDuplicates();
    }

    /** Apps made before the security settings existed keep their hash, so an upgrade replaces no container. */
    @Test
    void anAppWithoutSecuritySettingsHashesAsBefore() throws Exception {
        DesiredApp d = DesiredApp.of(app("web", s -> { }));
        assertThat(d.template().security()).isNull();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(d.template())).doesNotContain("security");
    }

    /** Apps made before the runtime settings and fixed addresses existed keep their hash (issue 13): no rollout on upgrade. */
    @Test
    void anAppWithoutRuntimeSettingsHashesAsBefore() throws Exception {
        DesiredApp d = DesiredApp.of(app("web", s -> s.networks = List.of(network("backend"))));
        assertThat(d.template().runtime()).isNull();
        String json = ConfigHash.canonicalJson(d.template());
        assertThat(json).doesNotContain("runtime").doesNotContain("ipv4Address").doesNotContain("ipv6Address");
    }

    @Test
    void capabilityOrderAndSpellingDoNotMatter() {
        assertThat(hash(s -> s.capAdd = List.of("NET_ADMIN", "SYS_TIME")))
                .isEqualTo(hash(s -> s.capAdd = List.of("cap_sys_time", "NET_ADMIN")));
    }

    @Test
    void mapInsertionOrderDoesNotMatter() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        assertThat(hash(s -> s.labels = ab)).isEqualTo(hash(s -> s.labels = ba));
        assertThat(ConfigHash.of(ab)).isEqualTo(ConfigHash.of(ba));
    }

    @Test
    void theHashOfATemplateIgnoresThePerReplicaLabels() {
        DesiredApp d = DesiredApp.of(app("web", s -> { }));
        assertThat(ConfigHash.of(d.template())).isEqualTo(d.configHash());
        assertThat(d.container("default-web-1", 1).labels()).isNotEqualTo(d.container("default-web-2", 2).labels());
        assertThat(DesiredApp.of(app("web", s -> { })).configHash()).isEqualTo(d.configHash());
    }
}
