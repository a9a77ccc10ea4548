package dev.mooring.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A ContainerSpec as the create command the engine gets; built, never sent (no engine needed). */
class ContainerMappingTest {
    static DockerClient client;

    @BeforeAll
    static void client() {
        var cfg = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost("tcp://127.0.0.1:9").build();
        client = DockerClientImpl.getInstance(cfg, new ApacheDockerHttpClient.Builder().dockerHost(cfg.getDockerHost()).build());
    }

    @AfterAll
    static void close() throws Exception {
        client.close();
    }

    static ContainerSpec spec(ContainerSpec.Security security, String restart) {
        return new ContainerSpec("shop-web-1", "mooring-test/busybox:1", List.of("sleep", "60"), null, List.of("A=1"), null, null,
                Map.of("dev.mooring.kind", "App"),
                List.of(new ContainerSpec.PortBinding(80, "tcp", "127.0.0.1", 8080), new ContainerSpec.PortBinding(9000, "udp", null, null)),
                List.of(new ContainerSpec.MountSpec("volume", "shop-data", "/data", false, null),
                        new ContainerSpec.MountSpec("tmpfs", null, "/tmp", false, 1024L)),
                List.of(new ContainerSpec.NetworkAttach("shop-front", List.of("web")), new ContainerSpec.NetworkAttach("shop-back", List.of())),
                null, null, 64L << 20, restart, null, 5, security);
    }

    @Test
    void theSpecBecomesTheCreateCommandWithSecretVariablesAfterItsOwn() {
        var cmd = ContainerMapping.createCommand(client, spec(null, "on-failure"), Map.of("k", "v"), List.of("TOKEN=s3cret"));
        assertThat(cmd.getName()).isEqualTo("shop-web-1");
        assertThat(cmd.getLabels()).isEqualTo(Map.of("k", "v"));
        assertThat(cmd.getEnv()).containsExactly("A=1", "TOKEN=s3cret");
        assertThat(cmd.getStopTimeout()).isEqualTo(5);
        assertThat(cmd.getExposedPorts()).extracting(Object::toString).containsExactly("80/tcp", "9000/udp");
        assertThat(cmd.getAliases()).containsExactly("web");
        var hc = cmd.getHostConfig();
        assertThat(hc.getNetworkMode()).as("only the first network at creation").isEqualTo("shop-front");
        // issue 13: a port without host port or address is published too, on an ephemeral port (was: not published)
        assertThat(hc.getPortBindings().getBindings()).hasSize(2);
        var bindings = hc.getPortBindings().getBindings();
        assertThat(bindings.get(ExposedPort.tcp(80))).containsExactly(new Ports.Binding("127.0.0.1", "8080"));
        assertThat(bindings.get(ExposedPort.udp(9000))).containsExactly(Ports.Binding.empty());
        assertThat(hc.getMounts()).extracting(m -> m.getType()).containsExactly(MountType.VOLUME, MountType.TMPFS);
        assertThat(hc.getMemory()).isEqualTo(64L << 20);
        assertThat(hc.getRestartPolicy()).isEqualTo(RestartPolicy.onFailureRestart(0));
    }

    @Test
    void securitySettingsComeLastSoTheirNetworkModeWins() {
        var security = new ContainerSpec.Security(false, "host", null, null, List.of("NET_ADMIN"), List.of(), List.of(), true, true);
        var hc = ContainerMapping.createCommand(client, spec(security, "unless-stopped"), Map.of(), List.of()).getHostConfig();
        assertThat(hc.getNetworkMode()).isEqualTo("host");
        assertThat(hc.getCapAdd()).extracting(Object::toString).containsExactly("NET_ADMIN");
        assertThat(hc.getReadonlyRootfs()).isTrue();
        assertThat(hc.getSecurityOpts()).containsExactly("no-new-privileges:true");
        assertThat(hc.getRestartPolicy()).isEqualTo(RestartPolicy.unlessStoppedRestart());
    }

    /** issue 13: the container's surroundings reach the create command, each where the engine reads it. */
    @Test
    void theRuntimeSettingsBecomeTheCreateCommandsHostConfig() {
        ContainerSpec base = spec(null, "no");
        var runtime = new ContainerSpec.Runtime("web-1", "shop.local", List.of("db.local:10.0.0.5", "gw:host-gateway"),
                List.of("10.0.0.2"), List.of("svc.local"), List.of("ndots:2"), Map.of("net.ipv4.tcp_keepalive_time", "600"),
                List.of(new ContainerSpec.Ulimit("nofile", 1024, 4096)), true, true, true,
                List.of(new ContainerSpec.DeviceRequest("nvidia", -1, null, List.of("gpu", "utility"), Map.of("k", "v"))));
        var networks = List.of(new ContainerSpec.NetworkAttach("shop-front", List.of("web"), "10.1.0.5", "fd00::5"),
                new ContainerSpec.NetworkAttach("shop-back", List.of("web"), "10.2.0.7", null));
        ContainerSpec spec = new ContainerSpec(base.name(), base.image(), base.command(), base.entrypoint(), base.env(), null, null,
                base.labels(), base.ports(), base.mounts(), networks, null, null, null, "no", null, 5, null, List.of(), List.of(), runtime);
        var cmd = ContainerMapping.createCommand(client, spec, Map.of(), List.of());
        assertThat(cmd.getHostName()).isEqualTo("web-1");
        assertThat(cmd.getDomainName()).isEqualTo("shop.local");
        assertThat(cmd.isTty()).isTrue();
        assertThat(cmd.isStdinOpen()).isTrue();
        assertThat(cmd.getIpv4Address()).isEqualTo("10.1.0.5");
        assertThat(cmd.getIpv6Address()).isEqualTo("fd00::5");
        var hc = cmd.getHostConfig();
        assertThat(hc.getExtraHosts()).containsExactly("db.local:10.0.0.5", "gw:host-gateway");
        assertThat(hc.getDns()).containsExactly("10.0.0.2");
        assertThat(hc.getDnsSearch()).containsExactly("svc.local");
        assertThat(hc.getDnsOptions()).containsExactly("ndots:2");
        assertThat(hc.getSysctls()).isEqualTo(Map.of("net.ipv4.tcp_keepalive_time", "600"));
        assertThat(hc.getUlimits()).containsExactly(new com.github.dockerjava.api.model.Ulimit("nofile", 1024L, 4096L));
        assertThat(hc.getInit()).isTrue();
        assertThat(hc.getDeviceRequests()).hasSize(1);
        var gpu = hc.getDeviceRequests().get(0);
        assertThat(gpu.getDriver()).isEqualTo("nvidia");
        assertThat(gpu.getCount()).isEqualTo(-1);
        assertThat(gpu.getCapabilities()).containsExactly(List.of("gpu", "utility"));
        assertThat(gpu.getOptions()).isEqualTo(Map.of("k", "v"));
        // a network joined after creation carries its fixed address in its endpoint's IPAM config
        var endpoint = ContainerMapping.endpoint(networks.get(1));
        assertThat(endpoint.getAliases()).containsExactly("web");
        assertThat(endpoint.getIpamConfig().getIpv4Address()).isEqualTo("10.2.0.7");
        assertThat(ContainerMapping.endpoint(new ContainerSpec.NetworkAttach("n", List.of())).getIpamConfig()).isNull();
    }

    @Test
    void withoutRuntimeSettingsTheCommandHasNone() {
        var cmd = ContainerMapping.createCommand(client, spec(null, "no"), Map.of(), List.of());
        assertThat(cmd.getHostName()).isNull();
        assertThat(cmd.getIpv4Address()).isNull();
        assertThat(cmd.getHostConfig().getExtraHosts()).isNull();
        assertThat(cmd.getHostConfig().getDeviceRequests()).isNull();
        assertThat(cmd.getHostConfig().getInit()).isNull();
    }
}
