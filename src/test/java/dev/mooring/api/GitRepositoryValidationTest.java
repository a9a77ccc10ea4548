package dev.mooring.api;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** A GitRepository's bad fields, each named by its path. */
class GitRepositoryValidationTest {
    private static GitRepository repo(Consumer<GitRepositorySpec> change) {
        GitRepository r = new GitRepository();
        r.setMetadata(new ObjectMetaBuilder().withName("site").withNamespace("shop").build());
        GitRepositorySpec s = new GitRepositorySpec();
        s.url = "https://git.example.com/team/site.git";
        change.accept(s);
        r.setSpec(s);
        return r;
    }

    private static java.util.List<String> fields(Consumer<GitRepositorySpec> change) {
        return Validation.validate(repo(change)).stream().map(ApiException.FieldError::field).toList();
    }

    @Test
    void everyUrlKindIsAccepted() {
        for (String url : new String[]{"https://h/r.git", "http://h:3000/r", "ssh://git@h:2222/r.git", "git@github.com:team/r.git", "git@h:/srv/git/r.git",
                "file:///srv/git/r.git", "/srv/git/r.git"}) {
            assertThat(fields(s -> s.url = url)).as(url).isEmpty();
        }
        assertThat(fields(s -> { })).isEmpty();
    }

    @Test
    void badFieldsAreNamed() {
        assertThat(fields(s -> s.url = null)).containsExactly("spec.url");
        assertThat(fields(s -> s.url = "ftp://h/r")).containsExactly("spec.url");
        assertThat(fields(s -> s.url = "https://me:pw@h/r.git")).containsExactly("spec.url");
        assertThat(fields(s -> { s.branch = "main"; s.tag = "v1"; })).containsExactly("spec.tag");
        assertThat(fields(s -> s.branch = "a..b")).containsExactly("spec.branch");
        assertThat(fields(s -> s.tag = "refs/tags/v1")).containsExactly("spec.tag");
        assertThat(fields(s -> s.path = "../other")).containsExactly("spec.path");
        assertThat(fields(s -> s.path = "/abs")).containsExactly("spec.path");
        assertThat(fields(s -> s.interval = "soon")).containsExactly("spec.interval");
        assertThat(fields(s -> s.interval = "10ms")).containsExactly("spec.interval");
        assertThat(fields(s -> s.pruneConfirmRatio = 1.5)).containsExactly("spec.pruneConfirmRatio");
        assertThat(fields(s -> s.secretRef = new GitRepositorySpec.LocalObjectReference())).containsExactly("spec.secretRef.name");
        assertThat(fields(s -> s.webhook = new GitRepositorySpec.Webhook())).containsExactly("spec.webhook.secretRef");
        assertThat(fields(s -> {
            s.webhook = new GitRepositorySpec.Webhook();
            s.webhook.secretRef = new GitRepositorySpec.SecretKeyRef();
            s.webhook.secretRef.name = "Hook";
            s.webhook.secretRef.key = "a b";
        })).containsExactly("spec.webhook.secretRef.name", "spec.webhook.secretRef.key");
        assertThat(Validation.validate(repo(s -> s.url = "ftp://h/r")).get(0).message()).contains("ftp://h/r");
    }

    @Test
    void defaultsAreMainOneMinuteTheRootAndNoPrune() {
        GitRepositorySpec s = repo(x -> { }).getSpec();
        assertThat(s.ref()).isEqualTo("refs/heads/main");
        assertThat(s.intervalOrDefault()).hasMinutes(1);
        assertThat(s.pathOrRoot()).isEmpty();
        assertThat(s.pruneEnabled()).isFalse();
        s.tag = "v1.2.0";
        assertThat(s.ref()).isEqualTo("refs/tags/v1.2.0");
        s.path = "./deploy/prod/";
        assertThat(s.pathOrRoot()).isEqualTo("deploy/prod");
    }
}
