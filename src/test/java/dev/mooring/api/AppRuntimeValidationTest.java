package dev.mooring.api;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The fields of a container's surroundings (issue 13): good values pass, each bad one is named by its path. */
class AppRuntimeValidationTest {

    @Test
    void everyFieldWithGoodValuesIsValid() {
        assertThat(errors(app(s -> {
            s.hostname = "web-1.shop";
            s.domainname = "example.com";
            s.extraHosts = List.of(new AppSpec.HostEntry("db.local", "10.0.0.5"), new AppSpec.HostEntry("v6", "::1"),
                    new AppSpec.HostEntry("host.docker.internal", "host-gateway"));
            s.dns = new AppSpec.Dns();
            s.dns.servers = List.of("10.0.0.2", "2001:db8::53");
            s.dns.search = List.of("svc.local", ".");
            s.dns.options = List.of("ndots:2", "edns0");
            s.sysctls = Map.of("net.ipv4.tcp_keepalive_time", "600", "kernel.shm_rmid_forced", "1", "fs.mqueue.msg_max", "20");
            s.ulimits = List.of(new AppSpec.Ulimit("nofile", 1024L, 4096L), new AppSpec.Ulimit("core", 0L, null),
                    new AppSpec.Ulimit("memlock", -1L, -1L));
            s.init = true;
            s.tty = true;
            s.stdinOpen = true;
            AppSpec.GpuRequest g = new AppSpec.GpuRequest();
            g.driver = "nvidia";
            g.count = -1;
            g.capabilities = List.of("gpu", "utility");
            s.gpus = List.of(g);
        }))).isEmpty();
    }

    @Test
    void badValuesAreNamedByTheirField() {
        assertThat(errors(app(s -> {
            s.hostname = "under_score";
            s.domainname = "-bad";
            s.extraHosts = List.of(new AppSpec.HostEntry("ok", "not-an-ip"), new AppSpec.HostEntry("has:colon", "10.0.0.1"));
            s.dns = new AppSpec.Dns();
            s.dns.servers = List.of("dns.google");
            s.dns.options = List.of("ndots 2");
            s.sysctls = Map.of("vm.swappiness", "10", "Not A Sysctl", "1", "net.ipv4.ip_forward", "");
            s.ulimits = List.of(new AppSpec.Ulimit("files", 1L, 1L), new AppSpec.Ulimit("nofile", 4096L, 1024L),
                    new AppSpec.Ulimit("nofile", 1L, 1L), new AppSpec.Ulimit("nproc", null, null));
            AppSpec.GpuRequest g = new AppSpec.GpuRequest();
            g.count = 1;
            g.deviceIds = List.of("0");
            g.capabilities = List.of("GPU!");
            s.gpus = List.of(g);
        }))).containsExactlyInAnyOrder(
                "spec.hostname", "spec.domainname", "spec.extraHosts[0].ip", "spec.extraHosts[1].host", "spec.dns.servers[0]",
                "spec.dns.options[0]", "spec.sysctls.vm.swappiness", "spec.sysctls.Not A Sysctl", "spec.sysctls.net.ipv4.ip_forward",
                "spec.ulimits[0].name", "spec.ulimits[1].soft", "spec.ulimits[2].name", "spec.ulimits[3].soft",
                "spec.gpus[0].count", "spec.gpus[0].capabilities[0]");
    }

    @Test
    void theHostNetworkTakesNoHostnameAndNoNetworkSysctl() {
        assertThat(errors(app(s -> {
            s.networkMode = "host";
            s.hostname = "web";
            s.sysctls = Map.of("net.ipv4.tcp_syncookies", "1", "kernel.shm_rmid_forced", "1");
        }))).containsExactlyInAnyOrder("spec.hostname", "spec.sysctls.net.ipv4.tcp_syncookies");
    }

    @Test
    void aFixedAddressIsAnAddressOfItsFamilyAndHeldByOneReplica() {
        assertThat(errors(app(s -> s.networks = List.of(attach("back", "10.1.0.300", "10.1.0.5"))))).containsExactly(
                "spec.networks[0].ipv4Address", "spec.networks[0].ipv6Address");
        assertThat(errors(app(s -> {
            s.replicas = 2;
            s.networks = List.of(attach("back", "10.1.0.5", null));
        }))).containsExactly("spec.networks[0].ipv4Address");
        assertThat(errors(app(s -> {
            s.update = new AppSpec.UpdateStrategy();
            s.update.order = "start-first";
            s.networks = List.of(attach("back", "10.1.0.5", null));
        }))).as("the new container cannot hold the address beside the old one").containsExactly("spec.update.order");
    }

    @Test
    void aFixedAddressMustLieInTheSubnetItsNetworkDeclares() {
        App app = app(s -> s.networks = List.of(attach("front", null, null), attach("back", "10.1.0.5", null), attach("v6", null, "fd00::5")));
        NetworkSpec back = new NetworkSpec();
        back.subnet = "10.1.0.0/24";
        NetworkSpec v6 = new NetworkSpec();
        v6.subnet = "fd00::/64";
        assertThat(Validation.staticAddresses(app, Map.of("back", back, "v6", v6)::get)).isEmpty();

        back.subnet = "10.2.0.0/24";
        NetworkSpec none = new NetworkSpec();
        assertThat(Validation.staticAddresses(app, Map.of("back", back, "v6", none)::get))
                .extracting(e -> e.field() + ": " + e.message()).containsExactly(
                        "spec.networks[1].ipv4Address: 10.1.0.5 is not in the subnet 10.2.0.0/24 of Network back",
                        "spec.networks[2].ipv6Address: fd00::5 needs a subnet on Network v6: set its spec.subnet (like 10.42.0.0/24), "
                                + "Docker gives fixed addresses only on networks with a subnet of their own");
        assertThat(Validation.staticAddresses(app, n -> null)).extracting(ApiException.FieldError::field)
                .containsExactly("spec.networks[1].ipv4Address", "spec.networks[2].ipv6Address");
    }

    @Test
    void subnetsHoldTheirAddressesOnly() {
        assertThat(IpAddresses.contains("10.1.0.0/24", "10.1.0.255")).isTrue();
        assertThat(IpAddresses.contains("10.1.0.0/24", "10.1.1.0")).isFalse();
        assertThat(IpAddresses.contains("172.16.0.0/12", "172.31.255.1")).isTrue();
        assertThat(IpAddresses.contains("fd00::/64", "fd00::1")).isTrue();
        assertThat(IpAddresses.contains("fd00::/64", "10.0.0.1")).isFalse();
        assertThat(IpAddresses.contains("10.0.0.0/8", "fd00::1")).isFalse();
    }

    private static AppSpec.NetworkAttachment attach(String name, String v4, String v6) {
        AppSpec.NetworkAttachment n = new AppSpec.NetworkAttachment();
        n.name = name;
        n.ipv4Address = v4;
        n.ipv6Address = v6;
        return n;
    }

    private static List<String> errors(App app) {
        return Validation.validate(app).stream().map(ApiException.FieldError::field).toList();
    }

    private static App app(Consumer<AppSpec> customize) {
        App app = new App();
        app.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("default").build());
        AppSpec s = new AppSpec();
        s.image = "busybox:1";
        customize.accept(s);
        app.setSpec(s);
        return app;
    }
}
