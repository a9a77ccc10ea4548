package dev.mooring.api;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Secrets and their uses in Apps: every bad input named by its field, no value ever quoted. */
class SecretValidationTest {
    static final String VALUE = "correct horse battery staple";

    static Secret secret(Map<String, String> data, Map<String, String> stringData) {
        Secret s = new Secret();
        s.setMetadata(new ObjectMetaBuilder().withName("db").withNamespace("default").build());
        s.data = data;
        s.stringData = stringData;
        return s;
    }

    static List<String> fields(MooringResource<?, ?> r) {
        return Validation.validate(r).stream().map(ApiException.FieldError::field).toList();
    }

    static App app(Consumer<AppSpec> customize) {
        App app = new App();
        app.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("default").build());
        AppSpec spec = new AppSpec();
        spec.image = "nginx:1.27";
        customize.accept(spec);
        app.setSpec(spec);
        return app;
    }

    static AppSpec.SecretFile file(Consumer<AppSpec.SecretFile> customize) {
        AppSpec.SecretFile f = new AppSpec.SecretFile();
        f.secret = "db";
        customize.accept(f);
        return f;
    }

    static AppSpec.EnvVar fromSecret(String name, String secret, String key) {
        AppSpec.EnvVar e = new AppSpec.EnvVar(name, null);
        e.valueFrom = new AppSpec.EnvVarSource();
        e.valueFrom.secretKeyRef = new AppSpec.SecretKeySelector();
        e.valueFrom.secretKeyRef.name = secret;
        e.valueFrom.secretKeyRef.key = key;
        return e;
    }

    @Test
    void aSecretNeedsNoSpecAndTakesBase64WithLineBreaksAndPlainText() {
        String wrapped = Base64.getMimeEncoder().encodeToString(new byte[100]).replace("\r\n", "\n");
        assertThat(wrapped).contains("\n");
        Secret s = secret(Map.of("cert", wrapped, "empty", ""), Map.of("password", VALUE, "a-b_c.d", ""));
        assertThat(Validation.validate(s)).isEmpty();
        assertThat(s.values()).containsOnlyKeys("cert", "empty", "password", "a-b_c.d");
        assertThat(s.values().get("cert")).hasSize(100);
        assertThat(Validation.validate(secret(null, null))).isEmpty();
        assertThat(s.toString()).doesNotContain(VALUE);
    }

    @Test
    void badValuesAndKeysAreNamedWithoutQuotingTheValue() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("cert", VALUE + "!");
        data.put("bad/key", "");
        data.put("..", "");
        data.put("none", null);
        var errors = Validation.validate(secret(data, Map.of("cert", VALUE)));
        assertThat(errors).extracting(ApiException.FieldError::field)
                .containsExactlyInAnyOrder("data.cert", "data.bad/key", "data...", "data.none", "stringData.cert");
        assertThat(errors).allSatisfy(e -> assertThat(e.message()).doesNotContain(VALUE).doesNotContain("horse"));
        assertThat(errors.get(0).message()).contains("not valid base64");
    }

    @Test
    void aSecretHoldsAtMostOneMebibyte() {
        String big = "x".repeat(Validation.MAX_SECRET_BYTES);
        assertThat(fields(secret(null, Map.of("a", big)))).isEmpty();
        assertThat(fields(secret(Map.of("b", "eA=="), Map.of("a", big)))).containsExactly("data");
    }

    @Test
    void anEnvironmentVariableTakesAValueOrASecretKeyRefNotBoth() {
        assertThat(fields(app(s -> s.env = List.of(fromSecret("A", "db", "password"))))).isEmpty();
        AppSpec.EnvVar both = fromSecret("A", "db", "password");
        both.value = "x";
        assertThat(fields(app(s -> s.env = List.of(both)))).containsExactly("spec.env[0]");
        assertThat(fields(app(s -> s.env = List.of(fromSecret("A", "Db", null)))))
                .containsExactly("spec.env[0].valueFrom.secretKeyRef.name", "spec.env[0].valueFrom.secretKeyRef.key");
        AppSpec.EnvVar empty = new AppSpec.EnvVar("A", null);
        empty.valueFrom = new AppSpec.EnvVarSource();
        assertThat(fields(app(s -> s.env = List.of(empty)))).containsExactly("spec.env[0].valueFrom.secretKeyRef");
    }

    @Test
    void secretFilesTakeOctalModesAsNumbersOrStrings() {
        assertThat(fields(app(s -> s.secrets = List.of(file(f -> f.mode = new IntOrString(0440)))))).isEmpty();
        for (String ok : List.of("0440", "440", "0o440", "0")) {
            assertThat(app(s -> s.secrets = List.of(file(f -> f.mode = new IntOrString(ok)))).getSpec().secrets.get(0).modeBits())
                    .as(ok).isEqualTo(ok.equals("0") ? 0 : 0440);
        }
        for (IntOrString bad : List.of(new IntOrString(01000), new IntOrString(-1), new IntOrString("0999"), new IntOrString("rw-r"))) {
            assertThat(fields(app(s -> s.secrets = List.of(file(f -> f.mode = bad))))).as(bad.toString()).containsExactly("spec.secrets[0].mode");
        }
        assertThat(file(f -> { }).modeBits()).isEqualTo(0400);
    }

    @Test
    void secretFileTargetsAreCleanDistinctAndInTheContainersOwnFileSystem() {
        assertThat(fields(app(s -> s.secrets = List.of(file(f -> { }), file(f -> {
            f.secret = "tls";
            f.target = "/etc/tls/key.pem";
            f.uid = 0;
            f.gid = 101;
        }))))).isEmpty();
        for (String bad : List.of("run/x", "/run/../etc/x", "/run//x", "/run/x/", "/", "/proc/x", "/dev/shm/x", "/etc/hosts")) {
            assertThat(fields(app(s -> s.secrets = List.of(file(f -> f.target = bad))))).as(bad).containsExactly("spec.secrets[0].target");
        }
        assertThat(fields(app(s -> s.secrets = List.of(file(f -> { }), file(f -> f.key = "other")))))
                .as("two files at the default target").containsExactly("spec.secrets[1].target");
        assertThat(fields(app(s -> s.secrets = List.of(file(f -> f.target = "/a/b"), file(f -> f.target = "/a/b/c")))))
                .containsExactly("spec.secrets[1].target");
        assertThat(fields(app(s -> {
            AppSpec.VolumeMount m = new AppSpec.VolumeMount();
            m.mountPath = "/run/secrets";
            m.tmpfs = new AppSpec.Tmpfs();
            s.volumes = List.of(m);
            s.secrets = List.of(file(f -> { }));
        }))).containsExactly("spec.secrets[0].target");
        assertThat(fields(app(s -> s.secrets = List.of(file(f -> {
            f.secret = null;
            f.key = "a/b";
            f.uid = -1;
        }))))).containsExactly("spec.secrets[0].secret", "spec.secrets[0].key", "spec.secrets[0].uid");
    }
}
