package dev.mooring.security;

import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.AppSpec;
import dev.mooring.security.AdmissionPolicy.Level;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

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
}
