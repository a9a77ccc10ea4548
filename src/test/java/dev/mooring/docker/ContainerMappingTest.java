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
}
