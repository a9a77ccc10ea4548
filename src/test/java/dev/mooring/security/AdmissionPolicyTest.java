package dev.mooring.security;

import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.AppSpec;
import dev.mooring.api.NetworkSpec;
import dev.mooring.api.VolumeSpec;
import dev.mooring.security.AdmissionPolicy.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** Pod Security levels as a pure function: each setting under each level. */
class AdmissionPolicyTest {
    private static final List<String> ALLOWED = List.of("/srv/shared", "/tmp/mooring-allowed");

    private static List<String> violations(Level level, Consumer<AppSpec> spec) {
        AppSpec s = new AppSpec();
        s.image = "busybox:1";
        spec.accept(s);
        return AdmissionPolicy.violations(s, level, ALLOWED).stream().map(e -> e.field() + ": " + e.message()).toList();
    }

    private static AppSpec.VolumeMount hostPath(String path) {
        AppSpec.VolumeMount m = new AppSpec.VolumeMount();
        m.hostPath = path;
        m.mountPath = "/mnt";
        return m;
    }

    @Test
    void aPlainAppPassesBaseline() {
        assertThat(violations(Level.baseline, s -> { })).isEmpty();
        assertThat(violations(Level.baseline, s -> {
            s.capAdd = List.of("NET_BIND_SERVICE", "CAP_CHOWN");
            s.capDrop = List.of("ALL");
            s.ipcMode = "shareable";
            s.networkMode = "none";
            s.volumes = List.of(hostPath("/srv/shared/site"), hostPath("/tmp/mooring-allowed"));
        })).isEmpty();
    }

    @Test
    void baselineNamesEachForbiddenSettingAndItsRule() {
        assertThat(violations(Level.baseline, s -> s.privileged = true)).containsExactly("spec.privileged: baseline forbids privileged containers");
        assertThat(violations(Level.baseline, s -> s.networkMode = "host")).singleElement().asString().startsWith("spec.networkMode: baseline forbids");
        assertThat(violations(Level.baseline, s -> s.pidMode = "host")).singleElement().asString().startsWith("spec.pidMode: baseline forbids");
        assertThat(violations(Level.baseline, s -> s.ipcMode = "host")).singleElement().asString().startsWith("spec.ipcMode: baseline forbids");
        assertThat(violations(Level.baseline, s -> s.capAdd = List.of("CHOWN", "sys_admin")))
                .singleElement().asString().startsWith("spec.capAdd[1]: baseline forbids adding capability SYS_ADMIN");
        assertThat(violations(Level.baseline, s -> s.capAdd = List.of("ALL"))).singleElement().asString().startsWith("spec.capAdd[0]");
        assertThat(violations(Level.baseline, s -> s.capAdd = List.of("NET_RAW"))).hasSize(1);
        assertThat(violations(Level.baseline, s -> s.devices = List.of(new AppSpec.Device())))
                .containsExactly("spec.devices[0]: baseline forbids host devices");
    }

    @Test
    void baselineForbidsTheDockerSocketAndHostPathsOutsideTheAllowList() {
        assertThat(violations(Level.baseline, s -> s.volumes = List.of(hostPath("/var/run/docker.sock"))))
                .singleElement().asString().contains("Docker socket");
        assertThat(violations(Level.baseline, s -> s.volumes = List.of(hostPath("/run")))).singleElement().asString().contains("Docker socket");
        assertThat(violations(Level.baseline, s -> s.volumes = List.of(hostPath("/")))).singleElement().asString().contains("Docker socket");
        assertThat(violations(Level.baseline, s -> s.volumes = List.of(hostPath("/etc"))))
                .containsExactly("spec.volumes[0].hostPath: baseline forbids host path /etc: allowed are only paths under "
                        + "/srv/shared, /tmp/mooring-allowed (mooring.admission.allowed-host-paths)");
        // prefixes are whole path elements, and .. cannot climb out
        assertThat(violations(Level.baseline, s -> s.volumes = List.of(hostPath("/srv/sharedother")))).hasSize(1);
        assertThat(violations(Level.baseline, s -> s.volumes = List.of(hostPath("/srv/shared/../../etc")))).hasSize(1);
        List<FieldError> none = AdmissionPolicy.violations(spec(s -> s.volumes = List.of(hostPath("/srv"))), Level.baseline, List.of());
        assertThat(none).singleElement().extracting(FieldError::message).asString().contains("(none configured)");
    }

    @Test
    void privilegedAllowsEverything() {
        assertThat(violations(Level.privileged, s -> {
            s.privileged = true;
            s.networkMode = "host";
            s.pidMode = "host";
            s.capAdd = List.of("SYS_ADMIN");
            s.devices = List.of(new AppSpec.Device());
            s.volumes = List.of(hostPath("/var/run/docker.sock"));
        })).isEmpty();
    }

    @Test
    void restrictedWantsANonRootUserNoEscalationAndAllCapabilitiesDropped() {
        assertThat(violations(Level.restricted, s -> { })).extracting(v -> v.substring(0, v.indexOf(':')))
                .containsExactly("spec.user", "spec.noNewPrivileges", "spec.capDrop");
        Consumer<AppSpec> good = s -> {
            s.user = "1000:1000";
            s.noNewPrivileges = true;
            s.capDrop = List.of("ALL");
            s.capAdd = List.of("NET_BIND_SERVICE");
            s.readOnlyRootFilesystem = true;
        };
        assertThat(violations(Level.restricted, good)).isEmpty();
        for (String root : List.of("0", "0:0", "root", "root:root", "nobody", "")) {
            assertThat(violations(Level.restricted, good.andThen(s -> s.user = root))).as(root).singleElement().asString().startsWith("spec.user");
        }
        assertThat(violations(Level.restricted, good.andThen(s -> s.capAdd = List.of("NET_BIND_SERVICE", "CHOWN"))))
                .containsExactly("spec.capAdd[1]: restricted allows adding only NET_BIND_SERVICE, not CHOWN");
        assertThat(violations(Level.restricted, good.andThen(s -> s.volumes = List.of(hostPath("/srv/shared")))))
                .containsExactly("spec.volumes[0].hostPath: restricted forbids host paths; use a Volume or tmpfs");
        assertThat(violations(Level.restricted, good.andThen(s -> s.privileged = true))).containsExactly("spec.privileged: baseline forbids privileged containers");
    }

    private static AppSpec spec(Consumer<AppSpec> c) {
        AppSpec s = new AppSpec();
        s.image = "busybox:1";
        c.accept(s);
        return s;
    }

    @Test
    void belowPrivilegedAppsBuildOnlyFromAllowedDirectories() {
        AppSpec s = new AppSpec();
        s.build = new AppSpec.Build();
        s.build.context = "/srv/builds/web/../../../etc";
        List<String> allowed = List.of("/srv/builds");
        assertThat(AdmissionPolicy.violations(s, Level.baseline, List.of(), allowed)).extracting(FieldError::field).containsExactly("spec.build.context");
        s.build.context = "/srv/builds/web";
        assertThat(AdmissionPolicy.violations(s, Level.baseline, List.of(), allowed)).isEmpty();
        s.build.context = "/srv/buildsX/web";
        assertThat(AdmissionPolicy.violations(s, Level.restricted, List.of(), allowed)).extracting(FieldError::field).contains("spec.build.context");
        s.build.context = "/";
        assertThat(AdmissionPolicy.violations(s, Level.privileged, List.of(), allowed)).isEmpty();
    }

    // ---- Volumes and Networks (issue 10, finding 1) ----

    private static List<String> volume(Level level, List<String> allowedDrivers, String driver, Map<String, String> opts) {
        VolumeSpec v = new VolumeSpec();
        v.driver = driver;
        v.driverOpts = opts;
        return AdmissionPolicy.violations(v, level, allowedDrivers).stream().map(e -> e.field() + ": " + e.message()).toList();
    }

    private static Map<String, String> opts(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void aHostBindThroughTheLocalVolumeDriverIsRefusedNamingEachOption() {
        assertThat(volume(Level.baseline, List.of(), "local", opts("type", "none", "o", "bind", "device", "/"))).containsExactly(
                "spec.driverOpts.device: baseline forbids the local driver's device /: it mounts a host path or device into the volume; "
                        + "only device tmpfs with type tmpfs is allowed",
                "spec.driverOpts.o: baseline forbids the mount option bind: it bind-mounts a host path into the volume",
                "spec.driverOpts.type: baseline forbids the local driver's type none: it mounts a host path (with o: bind) into the volume; "
                        + "only type tmpfs is allowed");
        // the same under restricted, and with the default driver
        assertThat(volume(Level.restricted, List.of(), null, opts("type", "none", "o", "rbind,ro", "device", "/etc")))
                .extracting(v -> v.substring(0, v.indexOf(':'))).containsExactly("spec.driverOpts.device", "spec.driverOpts.o", "spec.driverOpts.type");
        assertThat(volume(Level.restricted, List.of(), null, opts("o", "rbind"))).singleElement().asString().startsWith("spec.driverOpts.o: restricted forbids");
    }

    @Test
    void otherFileSystemsThroughTheLocalDriverAreRefused() {
        assertThat(volume(Level.baseline, List.of(), "local", opts("type", "nfs", "o", "addr=10.0.0.1,rw", "device", ":/export")))
                .extracting(v -> v.substring(0, v.indexOf(':'))).containsExactly("spec.driverOpts.device", "spec.driverOpts.o", "spec.driverOpts.type");
        assertThat(volume(Level.baseline, List.of(), "local", opts("type", "ext4", "device", "/dev/sda1"))).hasSize(2)
                .anySatisfy(v -> assertThat(v).startsWith("spec.driverOpts.type: baseline forbids the local driver's type ext4"));
        assertThat(volume(Level.baseline, List.of(), "local", opts("type", "overlay", "device", "overlay",
                "o", "lowerdir=/etc,upperdir=/tmp/u,workdir=/tmp/w"))).contains(
                "spec.driverOpts.o: baseline forbids the mount option lowerdir: allowed are only tmpfs options "
                        + "(async, atime, defaults, dev, diratime, dirsync, exec, gid, huge, mode, mpol, noatime, nodev, nodiratime, noexec, "
                        + "norelatime, nostrictatime, nosuid, nr_blocks, nr_inodes, relatime, ro, rw, size, strictatime, suid, sync, uid)");
        assertThat(volume(Level.baseline, List.of(), "local", opts("type", "cifs", "device", "//host/share"))).hasSize(2);
        // device: tmpfs is a tmpfs only with type: tmpfs
        assertThat(volume(Level.baseline, List.of(), "local", opts("type", "none", "device", "tmpfs"))).hasSize(2);
        assertThat(volume(Level.baseline, List.of(), "local", opts("mountpoint", "/etc")))
                .containsExactly("spec.driverOpts.mountpoint: baseline forbids the local driver option mountpoint (Docker knows only device, o, size, type)");
    }

    @Test
    void tmpfsVolumesAndDockersOwnStorageStayAllowed() {
        assertThat(volume(Level.baseline, List.of(), null, null)).isEmpty();
        assertThat(volume(Level.baseline, List.of(), "local", Map.of())).isEmpty();
        assertThat(volume(Level.restricted, List.of(), "local", opts("type", "tmpfs", "device", "tmpfs"))).isEmpty();
        assertThat(volume(Level.baseline, List.of(), "local", opts("type", "tmpfs", "device", "tmpfs",
                "o", "size=64m,uid=1000,gid=1000,mode=0700,noexec,nosuid,nodev"))).isEmpty();
        assertThat(volume(Level.baseline, List.of(), "local", opts("type", "tmpfs", "device", "tmpfs", "o", "size=1m,bind")))
                .singleElement().asString().startsWith("spec.driverOpts.o: baseline forbids the mount option bind");
    }

    @Test
    void otherVolumeDriversOnlyThroughTheAllowList() {
        assertThat(volume(Level.baseline, List.of(), "rexray/ebs", null)).containsExactly("spec.driver: baseline forbids volume driver rexray/ebs: "
                + "allowed are local (Docker's own storage or tmpfs) and mooring.admission.allowed-volume-drivers (none configured)");
        assertThat(volume(Level.baseline, List.of("rexray/ebs"), "rexray/ebs", opts("size", "10"))).isEmpty();
        assertThat(volume(Level.restricted, List.of("rexray/ebs"), "nfs", null)).singleElement().asString()
                .contains("restricted forbids volume driver nfs").contains("rexray/ebs (mooring.admission.allowed-volume-drivers)");
        // the allow-list admits drivers, not more of local's options
        assertThat(volume(Level.baseline, List.of("local"), "local", opts("type", "none", "o", "bind", "device", "/"))).hasSize(3);
    }

    @Test
    void privilegedAllowsAnyVolumeAndNetwork() {
        assertThat(volume(Level.privileged, List.of(), "local", opts("type", "none", "o", "bind", "device", "/"))).isEmpty();
        assertThat(volume(Level.privileged, List.of(), "nfs", null)).isEmpty();
        assertThat(network(Level.privileged, List.of(), "host")).isEmpty();
    }

    private static List<String> network(Level level, List<String> allowed, String driver) {
        NetworkSpec n = new NetworkSpec();
        n.driver = driver;
        return AdmissionPolicy.violations(n, level, allowed).stream().map(e -> e.field() + ": " + e.message()).toList();
    }

    @Test
    void networksBelowPrivilegedAreBridgeOrOverlayUnlessAllowed() {
        assertThat(network(Level.baseline, List.of(), null)).isEmpty();
        assertThat(network(Level.baseline, List.of(), "bridge")).isEmpty();
        assertThat(network(Level.restricted, List.of(), "overlay")).isEmpty();
        assertThat(network(Level.baseline, List.of(), "host")).containsExactly("spec.driver: baseline forbids network driver host: "
                + "it is the host's own network stack; allowed are bridge, overlay and mooring.admission.allowed-network-drivers (none configured)");
        assertThat(network(Level.baseline, List.of(), "macvlan")).singleElement().asString().contains("the host's physical network");
        assertThat(network(Level.restricted, List.of(), "ipvlan")).singleElement().asString().startsWith("spec.driver: restricted forbids network driver ipvlan");
        assertThat(network(Level.baseline, List.of(), "none")).hasSize(1);
        assertThat(network(Level.baseline, List.of(), "weaveworks/net-plugin:latest")).hasSize(1);
        assertThat(network(Level.baseline, List.of("macvlan"), "macvlan")).isEmpty();
        assertThat(network(Level.baseline, List.of("macvlan"), "host")).singleElement().asString().contains("macvlan (mooring.admission.allowed-network-drivers)");
    }

    // ---- symlinks (issue 10, finding 4): the policy judges the path the kernel reaches ----

    /** A resolver that knows some links, as a pure function: each prefix maps to where it leads. */
    private static UnaryOperator<Path> links(Map<String, String> links) {
        return p -> {
            for (Map.Entry<String, String> l : links.entrySet()) {
                Path from = Path.of(l.getKey());
                if (p.startsWith(from)) {
                    return Path.of(l.getValue()).resolve(from.relativize(p));
                }
            }
            return p;
        };
    }

    private static List<String> resolved(Level level, UnaryOperator<Path> realPath, Consumer<AppSpec> spec) {
        return AdmissionPolicy.violations(spec(spec), level, ALLOWED, List.of("/srv/builds"), realPath, realPath).stream()
                .map(e -> e.field() + ": " + e.message()).toList();
    }

    @Test
    void aHostPathIsJudgedByWhereItsSymlinksLead() {
        UnaryOperator<Path> real = links(Map.of("/srv/shared/sock", "/run/docker.sock", "/srv/shared/etc", "/etc",
                "/srv/shared/ok", "/tmp/mooring-allowed/data", "/srv/shared/runlink", "/run"));
        assertThat(resolved(Level.baseline, real, s -> s.volumes = List.of(hostPath("/srv/shared/sock")))).containsExactly(
                "spec.volumes[0].hostPath: baseline forbids host path /srv/shared/sock: it resolves to /run/docker.sock (symlinks followed), "
                        + "which is or holds the Docker socket: it is root on the host");
        assertThat(resolved(Level.baseline, real, s -> s.volumes = List.of(hostPath("/srv/shared/runlink")))).singleElement().asString()
                .contains("Docker socket");
        assertThat(resolved(Level.baseline, real, s -> s.volumes = List.of(hostPath("/srv/shared/etc/shadow")))).containsExactly(
                "spec.volumes[0].hostPath: baseline forbids host path /srv/shared/etc/shadow: it resolves to /etc/shadow (symlinks followed), "
                        + "and allowed are only paths under /srv/shared, /tmp/mooring-allowed (mooring.admission.allowed-host-paths)");
        // a link from one allowed directory into another is fine; restricted forbids host paths whatever they resolve to
        assertThat(resolved(Level.baseline, real, s -> s.volumes = List.of(hostPath("/srv/shared/ok/site")))).isEmpty();
        assertThat(resolved(Level.privileged, real, s -> s.volumes = List.of(hostPath("/srv/shared/sock")))).isEmpty();
        // an allowed prefix that is itself a link is compared by where it leads
        UnaryOperator<Path> movedPrefix = links(Map.of("/srv/shared", "/data/shared"));
        assertThat(resolved(Level.baseline, movedPrefix, s -> s.volumes = List.of(hostPath("/srv/shared/site")))).isEmpty();
    }

    @Test
    void aBuildContextIsJudgedByWhereItsSymlinksLead() {
        UnaryOperator<Path> real = links(Map.of("/srv/builds/web", "/etc", "/srv/builds/api", "/srv/builds/real-api"));
        Consumer<AppSpec> build = s -> {
            s.build = new AppSpec.Build();
            s.build.context = "/srv/builds/web";
        };
        assertThat(resolved(Level.baseline, real, build)).containsExactly("spec.build.context: baseline forbids building from /srv/builds/web: "
                + "it resolves to /etc (symlinks followed): allowed are only directories under /srv/builds "
                + "(compose imports, mooring.admission.allowed-build-contexts)");
        assertThat(resolved(Level.baseline, real, build.andThen(s -> s.build.context = "/srv/builds/api"))).isEmpty();
    }

    @Test
    void realPathFollowsLinksAndAppendsWhatDoesNotExistYet(@TempDir Path dir) throws IOException {
        Path real = dir.toRealPath();
        Files.createDirectories(real.resolve("allowed/data"));
        Files.createSymbolicLink(real.resolve("allowed/etc"), Path.of("/etc"));
        Files.createSymbolicLink(real.resolve("allowed/rel"), Path.of("data"));
        Files.createSymbolicLink(real.resolve("allowed/dangling"), Path.of("/etc/not-there-yet"));
        Files.createSymbolicLink(real.resolve("allowed/loop"), Path.of("loop"));
        assertThat(HostPaths.realPath(real.resolve("allowed/etc"))).isEqualTo(Path.of("/etc").toRealPath());
        assertThat(HostPaths.realPath(real.resolve("allowed/etc/new/file"))).isEqualTo(Path.of("/etc").toRealPath().resolve("new/file"));
        assertThat(HostPaths.realPath(real.resolve("allowed/rel/x"))).isEqualTo(real.resolve("allowed/data/x"));
        assertThat(HostPaths.realPath(real.resolve("allowed/dangling"))).isEqualTo(Path.of("/etc").toRealPath().resolve("not-there-yet"));
        assertThat(HostPaths.realPath(real.resolve("allowed/missing/../../../x"))).isEqualTo(real.getParent().resolve("x"));
        assertThat(HostPaths.realPath(real.resolve("allowed/loop"))).isEqualTo(real.resolve("allowed/loop"));
        // the policy with the real resolver refuses the link at /etc
        assertThat(AdmissionPolicy.violations(spec(s -> s.volumes = List.of(hostPath(real.resolve("allowed/etc").toString()))),
                Level.baseline, List.of(real.resolve("allowed").toString()), List.of(), HostPaths::realPath, HostPaths::realPath))
                .singleElement().extracting(FieldError::message).asString().contains("resolves to /etc");
    }

    /** issue 13: below privileged, only Kubernetes' safe sysctls; each other one is named. */
    @Test
    void baselineAllowsOnlyTheSafeSysctls() {
        Consumer<AppSpec> safe = s -> s.sysctls = Map.of("net.ipv4.tcp_keepalive_time", "600", "kernel.shm_rmid_forced", "1",
                "net.ipv4.ip_unprivileged_port_start", "80");
        assertThat(violations(Level.baseline, safe)).isEmpty();
        assertThat(violations(Level.restricted, safe)).noneMatch(v -> v.startsWith("spec.sysctls"));
        Consumer<AppSpec> unsafe = s -> s.sysctls = Map.of("net.core.somaxconn", "1024", "net.ipv4.tcp_syncookies", "1", "kernel.msgmax", "65536");
        assertThat(violations(Level.baseline, unsafe)).containsExactly(
                "spec.sysctls.kernel.msgmax: baseline forbids sysctl kernel.msgmax (allowed are Kubernetes' safe sysctls: "
                        + "kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_local_reserved_ports, net.ipv4.ip_unprivileged_port_start, "
                        + "net.ipv4.ping_group_range, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes, "
                        + "net.ipv4.tcp_keepalive_time, net.ipv4.tcp_syncookies; others need the privileged level)",
                "spec.sysctls.net.core.somaxconn: baseline forbids sysctl net.core.somaxconn (allowed are Kubernetes' safe sysctls: "
                        + "kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_local_reserved_ports, net.ipv4.ip_unprivileged_port_start, "
                        + "net.ipv4.ping_group_range, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes, "
                        + "net.ipv4.tcp_keepalive_time, net.ipv4.tcp_syncookies; others need the privileged level)");
        assertThat(violations(Level.privileged, unsafe)).isEmpty();
    }
}
