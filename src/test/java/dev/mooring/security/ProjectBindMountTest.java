package dev.mooring.security;

import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.AppSpec;
import dev.mooring.security.AdmissionPolicy.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Baseline admits bind mounts of a namespace's own project files (a compose import or a Git
 * checkout) by their real path, and nothing else new: the rule of {@link AdmissionPolicy#hostPathViolation}.
 */
class ProjectBindMountTest {
    static final String IMPORT = "0123456789abcdef";
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    @TempDir
    Path data;

    List<String> roots(String ns) {
        return List.of(data.resolve("projects").resolve(ns).toString(), data.resolve("git").resolve(ns).toString());
    }

    FieldError check(String hostPath, Level level) {
        return AdmissionPolicy.hostPathViolation("spec.volumes[0].hostPath", hostPath, level, List.of(), roots("shop"), HostPaths::realPath);
    }

    Path project() throws IOException {
        Path p = Files.createDirectories(data.resolve("projects/shop").resolve(IMPORT).resolve("conf"));
        Files.writeString(p.resolve("app.conf"), "x=1\n");
        return p.getParent();
    }

    @Test
    void aFileOfTheNamespacesProjectIsAllowedUnderBaseline() throws IOException {
        Path p = project();
        assertThat(check(p.resolve("conf/app.conf").toString(), Level.baseline)).isNull();
        assertThat(check(p.toString(), Level.baseline)).as("the project itself (.:/app)").isNull();
        assertThat(check(p.resolve("not-yet/there").toString(), Level.baseline)).as("a path the engine would create").isNull();
        Files.createSymbolicLink(p.resolve("link"), Path.of("conf/app.conf"));
        assertThat(check(p.resolve("link").toString(), Level.baseline)).as("a link inside").isNull();
        Path checkout = Files.createDirectories(data.resolve("git/shop/repo").resolve(COMMIT).resolve("nginx"));
        assertThat(check(checkout.resolve("nginx.conf").toString(), Level.baseline)).as("a Git checkout").isNull();
        // the whole spec through violations(), as admission calls it
        AppSpec s = new AppSpec();
        AppSpec.VolumeMount m = new AppSpec.VolumeMount();
        m.hostPath = p.resolve("conf/app.conf").toString();
        m.mountPath = "/etc/app.conf";
        s.volumes = List.of(m);
        assertThat(AdmissionPolicy.violations(s, Level.baseline, List.of(), List.of(), roots("shop"), HostPaths::realPath, HostPaths::realPath)).isEmpty();
        assertThat(AdmissionPolicy.violations(s, Level.baseline, List.of(), List.of(), List.of(), HostPaths::realPath, HostPaths::realPath))
                .as("without the project rule it is refused").isNotEmpty();
    }

    @Test
    void aLinkLeavingTheProjectIsRefusedByItsRealPath() throws IOException {
        Path p = project();
        Files.createSymbolicLink(p.resolve("passwd"), Path.of("/etc/passwd"));
        Path other = Files.createDirectories(data.resolve("projects/shop/fedcba9876543210"));
        Files.createSymbolicLink(p.resolve("sibling"), other);
        assertThat(check(p.resolve("passwd").toString(), Level.baseline).message())
                .isEqualTo("baseline forbids host path " + p.resolve("passwd") + ": it resolves to /etc/passwd (symlinks followed), outside its project "
                        + p + "; a project's bind mounts stay inside the project");
        assertThat(check(p.resolve("sibling/x").toString(), Level.baseline).message()).as("another project is outside too")
                .contains("outside its project " + p);
        Files.createSymbolicLink(p.resolve("dangling"), Path.of("/etc/not-there"));
        assertThat(check(p.resolve("dangling").toString(), Level.baseline).message()).contains("resolves to /etc/not-there");
    }

    @Test
    void everythingElseStaysRefused() throws IOException {
        Path p = project();
        assertThat(check("/etc/passwd", Level.baseline).message()).contains("allowed are only paths under mooring.admission.allowed-host-paths");
        assertThat(check(p.resolve("../../../../etc").toString(), Level.baseline)).as("climbing out by '..'").isNotNull();
        assertThat(check(data.resolve("projects/shop").toString(), Level.baseline)).as("every project of the namespace").isNotNull();
        assertThat(check(data.resolve("projects/shop/.incoming-1/x").toString(), Level.baseline)).as("an import under way").isNotNull();
        assertThat(check(data.resolve("projects/other/" + IMPORT + "/x").toString(), Level.baseline)).as("another namespace's project").isNotNull();
        assertThat(check(data.resolve("git/shop/repo/ssh/identity").toString(), Level.baseline)).as("a repository's ssh keys").isNotNull();
        assertThat(check(data.resolve("git/shop/repo").toString(), Level.baseline)).as("a repository's mirror").isNotNull();
        assertThat(check(p.resolve("conf/app.conf").toString(), Level.restricted).message()).isEqualTo("restricted forbids host paths; use a Volume or tmpfs");
        assertThat(AdmissionPolicy.hostPathViolation("f", p.resolve("conf/app.conf").toString(), Level.baseline, List.of(), roots("shop"),
                AdmissionPolicy.LEXICAL).message()).as("an engine that does not share Mooring's files").contains("cannot mount them");
    }
}
