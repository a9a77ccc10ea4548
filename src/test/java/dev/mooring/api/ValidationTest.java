package dev.mooring.api;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Every bad input is reported under the path of the field that holds it. */
class ValidationTest {
    private static final String SHA = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    // ---- metadata ----------------------------------------------------------------------

    @Test
    void aMinimalAppIsValid() {
        assertThat(Validation.validate(app(s -> { }))).isEmpty();
    }

    @Test
    void aFullAppIsValid() {
        App app = app(s -> {
            s.command = List.of("httpd", "-f");
            s.env = List.of(new AppSpec.EnvVar("MODE", "prod"));
            s.workingDir = "/srv";
            s.ports = List.of(port(80, 8080, "tcp"));
            s.volumes = List.of(volumeMount(m -> m.volume = "data"), volumeMount(m -> {
                m.mountPath = "/etc/app";
                m.hostPath = "/etc/app";
                m.readOnly = true;
            }));
            AppSpec.NetworkAttachment n = new AppSpec.NetworkAttachment();
            n.name = "backend";
            n.aliases = List.of("api", "api.internal");
            s.networks = List.of(n);
            s.labels = Map.of("team", "blue", "example.com/tier", "web");
            s.restartPolicy = "on-failure";
            s.desiredState = "Stopped";
            s.healthcheck = new AppSpec.Healthcheck();
            s.healthcheck.test = List.of("CMD-SHELL", "true");
            s.healthcheck.interval = "1m30s";
            s.healthcheck.timeout = "500ms";
            s.healthcheck.startPeriod = "1.5s";
            s.resources = new AppSpec.Resources();
            s.resources.cpus = "0.5";
            s.resources.memory = "256Mi";
            s.stopGracePeriod = "2h";
            s.stopSignal = "SIGQUIT";
        });
        assertThat(Validation.validate(app)).isEmpty();
    }

    @Test
    void aNameThatIsNotADnsLabelIsNamed() {
        assertThat(fields(named("Web_1"))).containsExactly("metadata.name");
        assertThat(fields(named("-web"))).containsExactly("metadata.name");
        assertThat(fields(named("a".repeat(64)))).containsExactly("metadata.name");
        assertThat(fields(named("a".repeat(63)))).isEmpty();
    }

    @Test
    void nameAndNamespaceAreRequired() {
        App app = app(s -> { });
        app.getMetadata().setName(null);
        app.getMetadata().setNamespace(null);
        assertThat(fields(app)).containsExactlyInAnyOrder("metadata.name", "metadata.namespace");
    }

    @Test
    void aMissingSpecIsNamed() {
        App app = app(s -> { });
        app.setSpec(null);
        assertThat(fields(app)).containsExactly("spec");
    }

    // ---- image -------------------------------------------------------------------------

    @Test
    void aMissingImageIsNamed() {
        assertThat(fields(app(s -> s.image = null))).containsExactly("spec.image");
        assertThat(fields(app(s -> s.image = " "))).containsExactly("spec.image");
    }

    @ParameterizedTest
    @ValueSource(strings = {"UPPER/case:tag", "nginx:", "a b", "nginx@sha256:abc", ":tag", "/nginx", "nginx/", "ngin--x_"})
    void aMalformedImageIsNamed(String image) {
        assertThat(fields(app(s -> s.image = image))).as(image).containsExactly("spec.image");
        assertThat(Validation.isImageReference(image)).as(image).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nginx", "nginx:1.27", "127.0.0.1:5000/team/app:v1", "localhost/x@" + SHA,
            "mooring-test/busybox:1", "registry.example.com/a/b/c:1.0-rc_1", "localhost:5000/app", "app@" + SHA,
            "a__b", "a.b-c"})
    void validImagesAreAccepted(String image) {
        assertThat(fields(app(s -> s.image = image))).as(image).isEmpty();
    }

    // ---- ports -------------------------------------------------------------------------

    @Test
    void containerPortsOutOfRangeAreNamed() {
        assertThat(fields(app(s -> s.ports = List.of(port(0, null, null))))).containsExactly("spec.ports[0].containerPort");
        assertThat(fields(app(s -> s.ports = List.of(port(80, null, null), port(70000, null, null)))))
                .containsExactly("spec.ports[1].containerPort");
        assertThat(fields(app(s -> s.ports = List.of(port(null, 8080, null))))).containsExactly("spec.ports[0].containerPort");
    }

    @Test
    void hostPortsOutOfRangeAreNamed() {
        assertThat(fields(app(s -> s.ports = List.of(port(80, 0, null))))).containsExactly("spec.ports[0].hostPort");
        assertThat(fields(app(s -> s.ports = List.of(port(80, 65536, null))))).containsExactly("spec.ports[0].hostPort");
        assertThat(fields(app(s -> s.ports = List.of(port(80, 65535, "udp"))))).isEmpty();
    }

    @Test
    void anUnknownProtocolIsNamed() {
        assertThat(fields(app(s -> s.ports = List.of(port(80, null, "http"))))).containsExactly("spec.ports[0].protocol");
    }

    @Test
    void aFixedHostPortWithSeveralReplicasIsNamed() {
        assertThat(fields(app(s -> {
            s.replicas = 2;
            s.ports = List.of(port(80, 8080, null));
        }))).containsExactly("spec.ports[0].hostPort");
        assertThat(fields(app(s -> {
            s.replicas = 2;
            s.ports = List.of(port(80, null, null));
        }))).as("ephemeral host ports are fine").isEmpty();
    }

    @Test
    void theSameHostPortTwiceIsNamed() {
        assertThat(fields(app(s -> s.ports = List.of(port(80, 8080, null), port(81, 8080, "tcp")))))
                .containsExactly("spec.ports[1].hostPort");
    }

    @Test
    void aHostIpMustBeAnAddress() {
        AppSpec.PortSpec p = port(80, 8080, null);
        p.hostIP = "localhost";
        assertThat(fields(app(s -> s.ports = List.of(p)))).containsExactly("spec.ports[0].hostIP");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "10.1", "10.0.0.300", "010.0.0.1", "dead", "cafe.be", ".:", "fd00::zz", "1.2.3.4.5"})
    void onlyLiteralAddressesAreHostIps(String ip) {
        AppSpec.PortSpec p = port(80, 8080, null);
        p.hostIP = ip;
        assertThat(fields(app(s -> s.ports = List.of(p)))).as(ip).containsExactly("spec.ports[0].hostIP");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::", "fd00::1", "::ffff:10.0.0.1"})
    void literalAddressesAreHostIps(String ip) {
        AppSpec.PortSpec p = port(80, 8080, null);
        p.hostIP = ip;
        assertThat(fields(app(s -> s.ports = List.of(p)))).as(ip).isEmpty();
    }

    // ---- replicas, durations, resources ------------------------------------------------

    @Test
    void negativeReplicasAreNamed() {
        assertThat(fields(app(s -> s.replicas = -1))).containsExactly("spec.replicas");
        assertThat(fields(app(s -> s.replicas = 0))).isEmpty();
    }

    @Test
    void replicasAreBoundedByTheConfiguredMaximum() {
        assertThat(fields(app(s -> s.replicas = Limits.DEFAULT_MAX_REPLICAS))).isEmpty();
        assertThat(fields(app(s -> s.replicas = Limits.DEFAULT_MAX_REPLICAS + 1))).containsExactly("spec.replicas");
        assertThat(Validation.validate(app(s -> s.replicas = 100_000))).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("at most 100").contains("mooring.limits.max-replicas"));
    }

    @Test
    void aHugeCommandLineIsNamed() {
        String word = "x".repeat(1024);
        assertThat(fields(app(s -> s.command = java.util.Collections.nCopies(100, word)))).isEmpty();
        // the 2.9 MB command line that hung runc (issue 10)
        assertThat(fields(app(s -> s.command = List.of("sh", "-c", "x".repeat(2_900_000))))).containsExactly("spec.command");
        assertThat(fields(app(s -> s.entrypoint = java.util.Collections.nCopies(200, word)))).containsExactly("spec.entrypoint");
    }

    @Test
    void theCommandLimitCountsEnvAndLabelsTogether() {
        String value = "v".repeat(50 * 1024);
        // each alone is below 128 KiB; together they are not, and the largest part is named
        assertThat(fields(app(s -> s.env = List.of(new AppSpec.EnvVar("A", value), new AppSpec.EnvVar("B", value))))).isEmpty();
        assertThat(fields(app(s -> {
            s.env = List.of(new AppSpec.EnvVar("A", value), new AppSpec.EnvVar("B", value));
            s.labels = Map.of("big", value);
        }))).containsExactly("spec.env");
        assertThat(Validation.validate(app(s -> s.labels = Map.of("a", value, "b", value, "c", value)))).singleElement()
                .satisfies(e -> {
                    assertThat(e.field()).isEqualTo("spec.labels");
                    assertThat(e.message()).contains("at most 131072");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "abc", "1x", "", "-1s", "1s2", "s"})
    void aBadHealthcheckIntervalIsNamed(String interval) {
        assertThat(fields(app(s -> {
            s.healthcheck = new AppSpec.Healthcheck();
            s.healthcheck.test = List.of("CMD", "true");
            s.healthcheck.interval = interval;
        }))).as(interval).containsExactly("spec.healthcheck.interval");
    }

    @Test
    void otherDurationsAreNamedToo() {
        assertThat(fields(app(s -> {
            s.healthcheck = new AppSpec.Healthcheck();
            s.healthcheck.test = List.of();
            s.healthcheck.timeout = "soon";
            s.healthcheck.startPeriod = "1d";
            s.healthcheck.retries = -1;
            s.stopGracePeriod = "10";
        }))).containsExactlyInAnyOrder("spec.healthcheck.test", "spec.healthcheck.timeout",
                "spec.healthcheck.startPeriod", "spec.healthcheck.retries", "spec.stopGracePeriod");
    }

    @ParameterizedTest
    @ValueSource(strings = {"12 parsecs", "abc", "256m", "1.5 G", "-1Mi", "1024", "5Mi"})
    void badMemoryIsNamed(String memory) {
        assertThat(fields(app(s -> {
            s.resources = new AppSpec.Resources();
            s.resources.memory = memory;
        }))).as(memory).containsExactly("spec.resources.memory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"256Mi", "1G", "6Mi", "1Gi", "512M", "6291456"})
    void goodMemoryIsAccepted(String memory) {
        assertThat(fields(app(s -> {
            s.resources = new AppSpec.Resources();
            s.resources.memory = memory;
        }))).as(memory).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "lots", "0", "", "0.0000000001"})
    void badCpusAreNamed(String cpus) {
        assertThat(fields(app(s -> {
            s.resources = new AppSpec.Resources();
            s.resources.cpus = cpus;
        }))).as(cpus).containsExactly("spec.resources.cpus");
    }

    // ---- volumes -----------------------------------------------------------------------

    @Test
    void aMountWithTwoSourcesOrNoneIsNamed() {
        assertThat(fields(app(s -> s.volumes = List.of(volumeMount(m -> {
            m.volume = "data";
            m.hostPath = "/srv";
        }))))).containsExactly("spec.volumes[0]");
        assertThat(fields(app(s -> s.volumes = List.of(volumeMount(m -> { })))))
                .containsExactly("spec.volumes[0]");
        assertThat(fields(app(s -> s.volumes = List.of(volumeMount(m -> m.tmpfs = new AppSpec.Tmpfs()))))).isEmpty();
    }

    @Test
    void aRelativeHostPathIsNamed() {
        assertThat(fields(app(s -> s.volumes = List.of(volumeMount(m -> m.hostPath = "srv/data")))))
                .containsExactly("spec.volumes[0].hostPath");
    }

    @Test
    void aRelativeOrRepeatedMountPathIsNamed() {
        assertThat(fields(app(s -> s.volumes = List.of(volumeMount(m -> {
            m.volume = "data";
            m.mountPath = "data";
        }))))).containsExactly("spec.volumes[0].mountPath");
        assertThat(fields(app(s -> s.volumes = List.of(volumeMount(m -> m.volume = "a"), volumeMount(m -> m.volume = "b")))))
                .containsExactly("spec.volumes[1].mountPath");
    }

    @Test
    void aBadTmpfsSizeIsNamed() {
        assertThat(fields(app(s -> s.volumes = List.of(volumeMount(m -> {
            m.tmpfs = new AppSpec.Tmpfs();
            m.tmpfs.size = "big";
        }))))).containsExactly("spec.volumes[0].tmpfs.size");
    }

    // ---- enumerations and labels -------------------------------------------------------

    @Test
    void unknownRestartPolicyAndDesiredStateAreNamed() {
        assertThat(fields(app(s -> s.restartPolicy = "sometimes"))).containsExactly("spec.restartPolicy");
        assertThat(fields(app(s -> s.desiredState = "Paused"))).containsExactly("spec.desiredState");
        assertThat(fields(app(s -> s.desiredState = "running"))).as("case matters").containsExactly("spec.desiredState");
    }

    @Test
    void theReservedLabelPrefixIsNamed() {
        assertThat(fields(app(s -> s.labels = Map.of("dev.mooring.replica", "9"))))
                .containsExactly("spec.labels.dev.mooring.replica");
        assertThat(Validation.validate(app(s -> s.labels = Map.of("dev.mooring.managed", "true"))).get(0).message())
                .contains("reserved");
    }

    @Test
    void aBadLabelKeyIsNamed() {
        assertThat(fields(app(s -> s.labels = Map.of("has space", "x")))).containsExactly("spec.labels.has space");
    }

    @Test
    void envNamesAreCheckedAndMayNotRepeat() {
        assertThat(fields(app(s -> s.env = List.of(new AppSpec.EnvVar("A=B", "x"))))).containsExactly("spec.env[0].name");
        assertThat(fields(app(s -> s.env = List.of(new AppSpec.EnvVar("A", "1"), new AppSpec.EnvVar("A", "2")))))
                .containsExactly("spec.env[1].name");
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        App app = app(s -> {
            s.image = "UPPER";
            s.replicas = -1;
            s.restartPolicy = "sometimes";
        });
        app.getMetadata().setName("Web_1");
        assertThat(fields(app)).containsExactlyInAnyOrder("metadata.name", "spec.image", "spec.replicas", "spec.restartPolicy");
    }

    // ---- networks and volumes ----------------------------------------------------------

    @Test
    void aValidNetworkPasses() {
        assertThat(fields(network(s -> {
            s.subnet = "10.42.0.0/24";
            s.gateway = "10.42.0.1";
        }))).isEmpty();
        assertThat(fields(network(s -> s.subnet = "fd00::/64"))).isEmpty();
    }

    @Test
    void aBadSubnetIsNamed() {
        assertThat(fields(network(s -> s.subnet = "10.0.0.0/33"))).containsExactly("spec.subnet");
        assertThat(fields(network(s -> s.subnet = "10.0.0.0"))).containsExactly("spec.subnet");
        assertThat(fields(network(s -> s.subnet = "10.0.0.300/24"))).containsExactly("spec.subnet");
    }

    @Test
    void aGatewayWithoutSubnetIsNamed() {
        assertThat(fields(network(s -> s.gateway = "10.42.0.1"))).containsExactly("spec.gateway");
        assertThat(fields(network(s -> {
            s.subnet = "10.42.0.0/24";
            s.gateway = "gateway.local";
        }))).containsExactly("spec.gateway");
    }

    @Test
    void aVolumeReclaimPolicyMustBeRetainOrDelete() {
        assertThat(fields(volume(s -> s.reclaimPolicy = "Keep"))).containsExactly("spec.reclaimPolicy");
        assertThat(fields(volume(s -> s.reclaimPolicy = "Retain"))).isEmpty();
        assertThat(fields(volume(s -> s.reclaimPolicy = "Delete"))).isEmpty();
        assertThat(fields(volume(s -> { }))).isEmpty();
    }

    // ---- helpers -----------------------------------------------------------------------

    // ---- privileges and host namespaces (their admission is AdmissionPolicyTest's) -----------

    @Test
    void wellFormedHostSettingsAreValid() {
        App app = app(s -> {
            s.privileged = true;
            s.pidMode = "host";
            s.ipcMode = "shareable";
            s.networkMode = "host";
            s.capAdd = List.of("NET_ADMIN", "cap_sys_time");
            s.capDrop = List.of("ALL");
            AppSpec.Device d = new AppSpec.Device();
            d.hostPath = "/dev/fuse";
            d.permissions = "rw";
            s.devices = List.of(d);
            s.readOnlyRootFilesystem = true;
            s.noNewPrivileges = true;
        });
        assertThat(Validation.validate(app)).isEmpty();
    }

    @Test
    void malformedHostSettingsAreNamed() {
        assertThat(fields(app(s -> s.networkMode = "container:x"))).containsExactly("spec.networkMode");
        assertThat(fields(app(s -> s.pidMode = "guest"))).containsExactly("spec.pidMode");
        assertThat(fields(app(s -> s.ipcMode = "hots"))).containsExactly("spec.ipcMode");
        assertThat(fields(app(s -> s.capAdd = List.of("NET_ADMIN", "SUPERPOWER")))).containsExactly("spec.capAdd[1]");
        assertThat(fields(app(s -> s.capDrop = List.of("all ones")))).containsExactly("spec.capDrop[0]");
        AppSpec.Device d = new AppSpec.Device();
        d.hostPath = "dev/fuse";
        d.containerPath = "fuse";
        d.permissions = "rwx";
        assertThat(fields(app(s -> s.devices = List.of(d))))
                .containsExactly("spec.devices[0].hostPath", "spec.devices[0].containerPath", "spec.devices[0].permissions");
    }

    @Test
    void aNetworkModeExcludesNetworksAndHostOrNoneExcludePorts() {
        AppSpec.NetworkAttachment n = new AppSpec.NetworkAttachment();
        n.name = "backend";
        assertThat(fields(app(s -> {
            s.networkMode = "bridge";
            s.networks = List.of(n);
        }))).containsExactly("spec.networkMode");
        assertThat(fields(app(s -> {
            s.networkMode = "host";
            s.ports = List.of(port(80, null, null));
        }))).containsExactly("spec.ports");
        assertThat(Validation.capability("cap_net_raw")).isEqualTo("NET_RAW");
    }

    @Test
    void anIncomingAppThatClosesADependencyCycleOverTheStoredOnesIsNamedWithTheCycle() {
        App a = dependsOn("a", "b");
        App b = dependsOn("b", "a");
        App c = dependsOn("c", "a");
        // b alone, with a stored: closes a -> b -> a
        ApiException.FieldError e = Validation.dependencyCycle(Map.of("default", List.of(a, c)), List.of(b));
        assertThat(e).isNotNull();
        assertThat(e.field()).isEqualTo("spec.dependsOn");
        assertThat(e.message()).isEqualTo("Apps in namespace default depend on each other in a cycle: a -> b -> a");
        assertThat(e.object()).isEqualTo("App default/a");
        // the incoming App replaces the stored one of its name: b no longer depending on a lifts it
        assertThat(Validation.dependencyCycle(Map.of("default", List.of(a, b)), List.of(dependsOn("b", "c")))).isNull();
        // stored Apps of another namespace do not count; nor does a write without Apps
        assertThat(Validation.dependencyCycle(Map.of("other", List.of(a)), List.of(b))).isNull();
        assertThat(Validation.dependencyCycle(Map.of("default", List.of(a, b)), List.of())).isNull();
        // a cycle within the incoming Apps alone
        assertThat(Validation.dependencyCycle(Map.of(), List.of(a, b))).isNotNull();
    }

    private static App dependsOn(String name, String other) {
        App app = named(name);
        AppSpec.Dependency d = new AppSpec.Dependency();
        d.app = other;
        app.getSpec().dependsOn = List.of(d);
        return app;
    }

    private static List<String> fields(MooringResource<?, ?> r) {
        return Validation.validate(r).stream().map(ApiException.FieldError::field).toList();
    }

    private static App named(String name) {
        App app = app(s -> { });
        app.getMetadata().setName(name);
        return app;
    }

    private static App app(Consumer<AppSpec> customize) {
        App app = new App();
        app.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("default").build());
        AppSpec s = new AppSpec();
        s.image = "nginx:1.27";
        customize.accept(s);
        app.setSpec(s);
        return app;
    }

    private static Network network(Consumer<NetworkSpec> customize) {
        Network n = new Network();
        n.setMetadata(new ObjectMetaBuilder().withName("backend").withNamespace("default").build());
        NetworkSpec s = new NetworkSpec();
        customize.accept(s);
        n.setSpec(s);
        return n;
    }

    private static Volume volume(Consumer<VolumeSpec> customize) {
        Volume v = new Volume();
        v.setMetadata(new ObjectMetaBuilder().withName("data").withNamespace("default").build());
        VolumeSpec s = new VolumeSpec();
        customize.accept(s);
        v.setSpec(s);
        return v;
    }

    private static AppSpec.PortSpec port(Integer containerPort, Integer hostPort, String protocol) {
        AppSpec.PortSpec p = new AppSpec.PortSpec();
        p.containerPort = containerPort;
        p.hostPort = hostPort;
        p.protocol = protocol;
        return p;
    }

    private static AppSpec.VolumeMount volumeMount(Consumer<AppSpec.VolumeMount> customize) {
        AppSpec.VolumeMount m = new AppSpec.VolumeMount();
        m.mountPath = "/data";
        customize.accept(m);
        return m;
    }
}
