package dev.mooring.source.rest;

import dev.mooring.store.SecretCipher;
import dev.mooring.store.SecretKeyring;
import dev.mooring.store.SecretStore;
import dev.mooring.testing.Api;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.Secrets;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Secret resource through the REST API: values go in and never come out (no answer, dry run
 * or event holds them), digests do; bad input is refused naming the field; rotation re-encrypts
 * every value. Runs against H2 here and against PostgreSQL in {@link SecretApiPostgresTest}.
 */
@QuarkusTest
class SecretApiTest {
    @Inject
    SecretStore secretStore;
    @Inject
    SecretKeyring keyring;

    String ns;
    String password;
    byte[] cert;
    String certMarker;
    List<String> leaks;

    @BeforeEach
    void setUp() {
        ns = Api.uniqueNamespace("sec");
        password = Secrets.uniqueValue("pw");
        certMarker = Secrets.uniqueValue("cert");
        cert = Secrets.binaryValue(certMarker);
        leaks = new ArrayList<>(Secrets.forms(password));
        leaks.addAll(Secrets.forms(cert, certMarker));
    }

    @AfterEach
    void clean() {
        for (String plural : List.of("apps", "secrets")) {
            List<String> names = RestAssured.get(Api.BASE + "/namespaces/" + ns + "/" + plural).jsonPath().getList("items.metadata.name");
            names.forEach(n -> Api.delete(ns, plural, n));
            names.forEach(n -> Api.awaitGone(ns, plural, n, Duration.ofSeconds(30)));
        }
        DockerCli.cleanNamespace(ns);
    }

    private String db() {
        return Secrets.secret(ns, "db", "{password: " + password + "}", "{cert: " + Secrets.base64(cert) + "}");
    }

    private String read(Response r, int status) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        return r.asString();
    }

    @Test
    void aSecretReadsBackWithItsDigestsButNeverItsValues() throws Exception {
        String dryRun = read(Api.givenYaml().queryParam("dryRun", true).body(db()).post(Api.BASE + "/apply"), 200);
        Secrets.assertAbsent("the dry-run answer", dryRun, leaks);
        Api.get(ns, "secrets", "db").then().statusCode(404);

        String applied = read(Api.apply(db()), 200);
        Secrets.assertAbsent("the apply answer", applied, leaks);
        assertThat(new JsonPath(applied).getList("results.result")).containsExactly("created");

        Response got = Api.get(ns, "secrets", "db");
        Secrets.assertAbsent("GET", read(got, 200), leaks);
        JsonPath j = got.jsonPath();
        assertThat(j.getString("kind")).isEqualTo("Secret");
        assertThat(j.getMap("status.digests")).containsOnly(
                Map.entry("password", Secrets.digest(password)), Map.entry("cert", Secrets.digest(cert)));
        assertThat(j.getMap("")).doesNotContainKeys("data", "stringData", "spec");

        Secrets.assertAbsent("the list", read(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/secrets"), 200), leaks);
        String all = read(RestAssured.get(Api.BASE + "/secrets"), 200);
        Secrets.assertAbsent("the list of all namespaces", all, leaks);
        assertThat(new JsonPath(all).getList("items.metadata.name")).contains("db");

        // create (POST, JSON) and replace (PUT) answer without values too
        String token = Secrets.uniqueValue("tok");
        leaks.addAll(Secrets.forms(token));
        String created = read(RestAssured.given().contentType("application/json").body(Map.of("apiVersion", "mooring.dev/v1alpha1",
                "kind", "Secret", "metadata", Map.of("name", "api"), "stringData", Map.of("token", token)))
                .post(Api.BASE + "/namespaces/" + ns + "/secrets"), 201);
        Secrets.assertAbsent("the create answer", created, leaks);
        assertThat(new JsonPath(created).getString("status.digests.token")).isEqualTo(Secrets.digest(token));
        String replaced = read(RestAssured.given().contentType("application/json").body(Map.of("apiVersion", "mooring.dev/v1alpha1",
                "kind", "Secret", "metadata", Map.of("name", "api"), "data", Map.of("token", Secrets.base64(token))))
                .put(Api.BASE + "/namespaces/" + ns + "/secrets/api"), 200);
        Secrets.assertAbsent("the replace answer", replaced, leaks);
        assertThat(new JsonPath(replaced).getLong("metadata.generation")).as("the same value as data: no change").isEqualTo(1);

        // the same values again change nothing; a new value is a new generation with a new digest
        assertThat(Api.applyOk(db()).getList("results.result")).containsExactly("unchanged");
        String newPassword = Secrets.uniqueValue("pw2");
        leaks.addAll(Secrets.forms(newPassword));
        String changed = read(Api.apply(db().replace(password, newPassword)), 200);
        Secrets.assertAbsent("the apply answer", changed, leaks);
        assertThat(new JsonPath(changed).getList("results.result")).containsExactly("configured");
        JsonPath after = Api.get(ns, "secrets", "db").jsonPath();
        assertThat(after.getLong("metadata.generation")).isEqualTo(2);
        assertThat(after.getString("status.digests.password")).isEqualTo(Secrets.digest(newPassword));

        String events = Api.BASE + "/namespaces/" + ns + "/secrets/db/events";
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(RestAssured.get(events).jsonPath().getList("items.reason", String.class)).contains("Stored", "Changed"));
        Secrets.assertNowhere(leaks, events);
    }

    @Test
    void theStoreHoldsOnlyCiphertextsUnderTheCurrentKey() {
        Api.applyOk(db());
        String uid = Api.get(ns, "secrets", "db").jsonPath().getString("metadata.uid");
        List<SecretStore.StoredValue> mine = secretStore.storedValues().stream().filter(v -> v.uid().equals(uid)).toList();

        assertThat(mine).extracting(SecretStore.StoredValue::dataKey).containsExactly("cert", "password");
        for (SecretStore.StoredValue v : mine) {
            assertThat(v.sealed().keyId()).isEqualTo(keyring.cipher().currentKeyId());
            String stored = new String(v.sealed().ciphertext(), java.nio.charset.StandardCharsets.ISO_8859_1);
            Secrets.assertAbsent("the ciphertext", stored, leaks);
            assertThat(keyring.cipher().open(v.sealed(), SecretCipher.associatedData(uid, v.dataKey())))
                    .isEqualTo(v.dataKey().equals("cert") ? cert : password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void rotationReEncryptsEveryValueAndSaysHowMany() {
        Api.applyOk(db() + "---\n" + Secrets.secret(ns, "other", "{a: " + Secrets.uniqueValue("a") + "}", null));
        String uid = Api.get(ns, "secrets", "db").jsonPath().getString("metadata.uid");
        SecretCipher.Sealed before = secretStore.storedValues().stream().filter(v -> v.uid().equals(uid)).findFirst().orElseThrow().sealed();

        Response r = RestAssured.post(Api.BASE + "/secrets/rotate");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        JsonPath j = r.jsonPath();
        assertThat(j.getString("keyId")).isEqualTo(keyring.cipher().currentKeyId());
        assertThat(j.getInt("secrets")).isGreaterThanOrEqualTo(2);
        assertThat(j.getInt("values")).isGreaterThanOrEqualTo(3);
        assertThat(secretStore.storedValues()).allSatisfy(v -> assertThat(v.sealed().keyId()).isEqualTo(keyring.cipher().currentKeyId()));
        SecretCipher.Sealed after = secretStore.storedValues().stream().filter(v -> v.uid().equals(uid)).findFirst().orElseThrow().sealed();
        assertThat(after.nonce()).isNotEqualTo(before.nonce());
        assertThat(Api.get(ns, "secrets", "db").jsonPath().getString("status.digests.password")).isEqualTo(Secrets.digest(password));
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/secrets/db/events").jsonPath().getList("items.reason", String.class))
                        .contains("Reencrypted"));
    }

    // ---- bad input: 422 naming the field, the value never quoted, nothing stored ----

    @Test
    void aMalformedDocumentIsRefusedWithoutQuotingWhatItHolds() {
        Response yaml = Api.apply(Secrets.secret(ns, "db", "{password: " + password + "\n", null));
        assertThat(yaml.statusCode()).as(yaml.asString()).isEqualTo(400);
        assertThat(yaml.jsonPath().getString("detail")).startsWith("malformed YAML").contains("line");
        Secrets.assertAbsent("the error", yaml.asString(), leaks);
        Response json = RestAssured.given().contentType("application/json").body("{\"apiVersion\": \"mooring.dev/v1alpha1\", \"kind\": \"Secret\", "
                + "\"metadata\": {\"name\": \"db\"}, \"stringData\": {\"password\": " + password + "}}").post(Api.BASE + "/apply");
        assertThat(json.statusCode()).as(json.asString()).isEqualTo(400);
        assertThat(json.jsonPath().getString("detail")).startsWith("malformed JSON").contains("line 1");
        Secrets.assertAbsent("the error", json.asString(), leaks);
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/secrets").jsonPath().getList("items")).isEmpty();
    }

    private void assertRejected(String yaml, String field, String... notInAnswer) {
        Response r = Api.apply(yaml);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getList("errors.field", String.class)).as(r.asString()).contains(field);
        assertThat(r.jsonPath().getString("detail")).contains(field);
        Secrets.assertAbsent("the error", r.asString(), List.of(notInAnswer));
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/secrets").jsonPath().getList("items")).isEmpty();
        assertThat(RestAssured.get(Api.BASE + "/namespaces/" + ns + "/apps").jsonPath().getList("items")).isEmpty();
    }

    @Test
    void badSecretsAndBadUsesOfThemAreRejectedNamingTheField() {
        String good = Secrets.secret(ns, "ok", "{a: b}", null) + "---\n";
        String notBase64 = "%%" + Secrets.uniqueValue("nb") + "%%";
        assertRejected(good + Secrets.secret(ns, "db", "{password: " + password + "}", "{cert: '" + notBase64 + "'}"),
                "data.cert", notBase64, password);
        assertRejected(good + Secrets.secret(ns, "db", "{'bad/key': " + password + "}", null), "stringData.bad/key", password);
        assertRejected(good + Secrets.secret(ns, "db", "{k: " + password + "}", "{k: " + Secrets.base64(password) + "}"),
                "stringData.k", password, Secrets.base64(password));
        assertRejected(good + Secrets.secret(ns, "db", "{k: " + password + "}", null) + "spec: {k: v}\n", "spec", password);
        assertRejected(good + Secrets.secret(ns, "db", "{k: " + password + "}", null) + "extra: 1\n", "extra", password);
        assertRejected(good + Secrets.secret(ns, "db", "{k: [" + password + "]}", null), "stringData.k", password);

        assertRejected(good + Api.app(ns, "web", 1, "env: [{name: A, value: x, valueFrom: {secretKeyRef: {name: ok, key: a}}}]"), "spec.env[0]");
        assertRejected(good + Api.app(ns, "web", 1, "env: [{name: A, valueFrom: {secretKeyRef: {name: ok}}}]"), "spec.env[0].valueFrom.secretKeyRef.key");
        assertRejected(good + Api.app(ns, "web", 1, "env: [{name: A, valueFrom: {}}]"), "spec.env[0].valueFrom.secretKeyRef");
        assertRejected(good + Api.app(ns, "web", 1, "secrets: [{key: a}]"), "spec.secrets[0].secret");
        assertRejected(good + Api.app(ns, "web", 1, "secrets: [{secret: ok, mode: '0999'}]"), "spec.secrets[0].mode");
        assertRejected(good + Api.app(ns, "web", 1, "secrets: [{secret: ok, mode: 4095}]"), "spec.secrets[0].mode");
        assertRejected(good + Api.app(ns, "web", 1, "secrets: [{secret: ok, target: run/x}]"), "spec.secrets[0].target");
        assertRejected(good + Api.app(ns, "web", 1, "secrets: [{secret: ok, target: /data/x}]\nvolumes: [{mountPath: /data, tmpfs: {}}]"),
                "spec.secrets[0].target");
        assertRejected(good + Api.app(ns, "web", 1, "secrets: [{secret: ok}, {secret: ok, key: a}]"), "spec.secrets[1].target");
        assertRejected(good + Api.app(ns, "web", 1, "secrets: [{secret: ok, uid: -1}]"), "spec.secrets[0].uid");
    }
}
