package dev.mooring.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Literal addresses and CIDRs, and the errors a port's hostIP or a Network's subnet and gateway get. */
class IpAddressesTest {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "fd00::1", "::ffff:10.0.0.1"})
    void literalAddressesAreAddresses(String ip) {
        assertThat(IpAddresses.isIp(ip)).as(ip).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "10", "10.0.0.300", "dead", "10.0.0", "example.com", "1.2.3.4.5", "fd00::zz"})
    void namesAndBrokenAddressesAreNot(String ip) {
        assertThat(IpAddresses.isIp(ip)).as(ip).isFalse();
    }

    @Test
    void aCidrHasAnAddressAndAtMostItsFamilysBits() {
        assertThat(IpAddresses.isCidr("10.42.0.0/24")).isTrue();
        assertThat(IpAddresses.isCidr("10.42.0.0/32")).isTrue();
        assertThat(IpAddresses.isCidr("fd00::/64")).isTrue();
        assertThat(IpAddresses.isCidr("fd00::/128")).isTrue();
        assertThat(IpAddresses.isCidr("10.0.0.0/33")).isFalse();
        assertThat(IpAddresses.isCidr("fd00::/129")).isFalse();
        assertThat(IpAddresses.isCidr("10.0.0.0")).isFalse();
        assertThat(IpAddresses.isCidr("host/24")).isFalse();
    }

    @Test
    void aNetworkNamesItsBadSubnetAndGateway() {
        assertThat(Validation.validate(network(s -> s.subnet = "10.0.0.0/33")))
                .containsExactly(new ApiException.FieldError("spec.subnet", "\"10.0.0.0/33\" is not a CIDR like 10.42.0.0/24"));
        assertThat(Validation.validate(network(s -> s.gateway = "gw")))
                .containsExactly(new ApiException.FieldError("spec.gateway", "\"gw\" is not an IP address"));
        assertThat(Validation.validate(network(s -> s.gateway = "10.0.0.1")))
                .containsExactly(new ApiException.FieldError("spec.gateway", "needs spec.subnet"));
    }

    @Test
    void aPortNamesItsBadHostIp() {
        App app = new App();
        app.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("web").withNamespace("shop").build());
        app.setSpec(new AppSpec());
        app.getSpec().image = "nginx";
        AppSpec.PortSpec p = new AppSpec.PortSpec();
        p.containerPort = 80;
        p.hostIP = "localhost";
        app.getSpec().ports = java.util.List.of(p);
        assertThat(Validation.validate(app))
                .containsExactly(new ApiException.FieldError("spec.ports[0].hostIP", "\"localhost\" is not an IP address"));
    }

    private static Network network(Consumer<NetworkSpec> change) {
        Network n = new Network();
        n.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("net").withNamespace("shop").build());
        NetworkSpec s = new NetworkSpec();
        change.accept(s);
        n.setSpec(s);
        return n;
    }
}
