package dev.mooring.it;

import dev.mooring.store.SecretCipher;
import dev.mooring.store.SecretKeyring;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.testing.DockerCli;
import dev.mooring.testing.Secrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Key rotation the way an operator does it, on the packaged service restarted with new
 * configuration: first life with a generated key ({@code data/secret.key}); second life with a new
 * key ({@code MOORING_SECRETS_KEY}) and the old one as a previous key, then
 * {@code POST /secrets/rotate}; third life with the new key alone. Containers read the right bytes
 * throughout, whether they were kept or made anew, and afterwards the database holds nothing the
 * old key opens.
 */
class SecretKeyRotationIT {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration CONVERGENCE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The admin token the packaged service is started with (env MOORING_ADMIN_TOKEN) and every request sends. */
    private static final String TOKEN = "secret-rotation-it-" + java.util.UUID.randomUUID();
    private static final String NS = "rot-" + UUID.randomUUID().toString().substring(0, 8);
    private static final List<Process> processes = new CopyOnWriteArrayList<>();
    private static Path jar;
    private static Path dataDir;
    private static Path workDir;

    @BeforeAll
    static void setUp() throws IOException {
        jar = Paths.get(System.getProperty("mooring.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        assertThat(jar).as("the packaged service (mvn package)").isRegularFile();
        dataDir = Files.createTempDirectory("mooring-" + NS + "-");
        workDir = Files.createDirectories(Paths.get("target", "secret-rotation-it", NS).toAbsolutePath());
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        DockerCli.cleanNamespace(NS);
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void rotatingToANewKeyKeepsEverySecretReadableAndTheOldKeyThenOpensNothing() throws Exception {
        String marker = Secrets.uniqueValue("rotcert");
        byte[] cert = Secrets.binaryValue(marker);
        String token = Secrets.uniqueValue("rottok");
        List<String> leaks = new ArrayList<>(Secrets.forms(cert, marker));
        leaks.addAll(Secrets.forms(token));
        String certSha = Secrets.sha256Hex(cert);

        // ---- first life: no key configured, so one is generated into the data directory ----------
        Mooring first = start("run1", Map.of(), List.of());
        Path keyFile = dataDir.resolve("secret.key");
        assertThat(keyFile).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        String oldKey = Files.readString(keyFile).strip();
        byte[] oldKeyBytes = SecretCipher.parseKey(oldKey, "the generated key");

        HttpResponse<String> applied = first.post("/api/v1alpha1/apply", """
                apiVersion: mooring.dev/v1alpha1
                kind: Secret
                metadata: {name: tls, namespace: %1$s}
                data: {cert: %2$s}
                ---
                apiVersion: mooring.dev/v1alpha1
                kind: Secret
                metadata: {name: api, namespace: %1$s}
                stringData: {token: %3$s}
                ---
                apiVersion: mooring.dev/v1alpha1
                kind: App
                metadata: {name: kept, namespace: %1$s}
                spec: {image: "%4$s", command: ["sleep", "100000"], stopGracePeriod: 1s, secrets: [{secret: tls}],
                       env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: api, key: token}}}]}
                ---
                apiVersion: mooring.dev/v1alpha1
                kind: App
                metadata: {name: remade, namespace: %1$s}
                spec: {image: "%4$s", command: ["sleep", "100000"], stopGracePeriod: 1s, secrets: [{secret: tls, target: /etc/tls/cert}]}
                """.formatted(NS, Secrets.base64(cert), token, DockerCli.IMAGE));
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        first.awaitReady("kept");
        first.awaitReady("remade");
        String kept = NS + "-kept-1";
        String remade = NS + "-remade-1";
        assertThat(DockerCli.run("exec", kept, "sha256sum", "/run/secrets/tls")).startsWith(certSha);
        assertThat(DockerCli.run("exec", kept, "sh", "-c", "printf %s \"$TOKEN\"")).isEqualTo(token);
        String keptId = DockerCli.inspect(kept, "{{.Id}}");
        String remadeId = DockerCli.inspect(remade, "{{.Id}}");
        first.stop();

        // ---- second life: a new key, the old one kept for decryption; then rotate ----------------
        byte[] newKeyBytes = SecretCipher.generateKey();
        String newKey = Base64.getEncoder().encodeToString(newKeyBytes);
        Mooring second = start("run2", Map.of("MOORING_SECRETS_KEY", newKey), List.of("-Dmooring.secrets.previous-keys=" + oldKey));
        second.awaitReady("kept");
        JsonNode before = JSON.readTree(second.get("/api/v1alpha1/namespaces/" + NS + "/secrets/tls").body());
        assertThat(before.path("status").path("digests").path("cert").asText()).isEqualTo("sha256:" + certSha);

        HttpResponse<String> rotated = second.post("/api/v1alpha1/secrets/rotate", "");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        JsonNode r = JSON.readTree(rotated.body());
        assertThat(r.path("keyId").asText()).isEqualTo(SecretCipher.keyId(newKeyBytes));
        assertThat(r.path("secrets").asInt()).isEqualTo(2);
        assertThat(r.path("values").asInt()).isEqualTo(2);
        assertThat(r.path("valuesByKeyBefore").path(SecretCipher.keyId(oldKeyBytes)).asInt()).isEqualTo(2);

        // a container that was never touched keeps working; one made after the rotation gets the same bytes
        DockerCli.run("rm", "-f", remade);
        await().atMost(CONVERGENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            assertThat(DockerCli.inspect(remade, "{{.Id}}")).isNotEqualTo(remadeId);
            assertThat(DockerCli.run("exec", remade, "sha256sum", "/etc/tls/cert")).startsWith(certSha);
        });
        assertThat(DockerCli.inspect(kept, "{{.Id}}")).isEqualTo(keptId);
        assertThat(DockerCli.run("exec", kept, "sha256sum", "/run/secrets/tls")).startsWith(certSha);
        second.stop();

        // ---- the database: the old key alone decrypts nothing, the new key everything -------------
        SecretCipher oldOnly = new SecretCipher(oldKeyBytes, List.of());
        SecretCipher newOnly = new SecretCipher(newKeyBytes, List.of());
        int values = 0;
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("mooring"), "sa", "");
             ResultSet rs = db.createStatement().executeQuery("select r.uid, v.data_key, v.key_id, v.nonce, v.ciphertext "
                     + "from secret_values v join resources r on r.id = v.resource_id")) {
            while (rs.next()) {
                values++;
                SecretCipher.Sealed sealed = new SecretCipher.Sealed(rs.getString(3), Base64.getDecoder().decode(rs.getString(4)),
                        Base64.getDecoder().decode(rs.getString(5)));
                byte[] aad = SecretCipher.associatedData(rs.getString(1), rs.getString(2));
                assertThat(sealed.keyId()).isEqualTo(newOnly.currentKeyId());
                assertThatThrownBy(() -> oldOnly.open(sealed, aad)).as("the old key on %s", rs.getString(2))
                        .isInstanceOf(SecretCipher.DecryptionException.class);
                // even relabelled with the old key's ID, the ciphertext does not open under the old key
                SecretCipher.Sealed relabelled = new SecretCipher.Sealed(oldOnly.currentKeyId(), sealed.nonce(), sealed.ciphertext());
                assertThatThrownBy(() -> oldOnly.open(relabelled, aad)).isInstanceOf(SecretCipher.DecryptionException.class);
                byte[] plain = newOnly.open(sealed, aad);
                assertThat(Secrets.sha256Hex(plain)).isIn(certSha, Secrets.sha256Hex(token.getBytes(StandardCharsets.UTF_8)));
            }
        }
        assertThat(values).isEqualTo(2);

        // ---- third life: the new key alone -----------------------------------------------------------
        Mooring third = start("run3", Map.of("MOORING_SECRETS_KEY", newKey), List.of());
        DockerCli.run("rm", "-f", kept);
        await().atMost(CONVERGENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            assertThat(DockerCli.inspect(kept, "{{.Id}}")).isNotEqualTo(keptId);
            assertThat(DockerCli.run("exec", kept, "sha256sum", "/run/secrets/tls")).startsWith(certSha);
            assertThat(DockerCli.run("exec", kept, "sh", "-c", "printf %s \"$TOKEN\"")).isEqualTo(token);
        });
        third.awaitReady("kept");
        third.stop();

        for (String run : List.of("run1", "run2", "run3")) {
            String log = Files.readString(workDir.resolve("mooring-" + run + ".log"), StandardCharsets.ISO_8859_1);
            Secrets.assertAbsent("the log of " + run, log, leaks);
            assertThat(log).as("the log of %s", run).doesNotContain(oldKey).doesNotContain(newKey);
        }
        assertThat(Files.readString(workDir.resolve("mooring-run3.log"))).doesNotContain("not configured");
    }

    /** Starts the packaged jar on a free port and the test's data directory, and waits until it is ready. */
    private Mooring start(String run, Map<String, String> env, List<String> properties) {
        int port = DockerCli.freePort();
        File log = workDir.resolve("mooring-" + run + ".log").toFile();
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port,
                "-Dmooring.data-dir=" + dataDir,
                "-Dmooring.instance=" + NS));
        cmd.addAll(properties);
        cmd.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log);
        pb.environment().remove("MOORING_SECRETS_KEY");
        pb.environment().put("MOORING_ADMIN_TOKEN", TOKEN);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        processes.add(p);
        Mooring m = new Mooring(p, "http://127.0.0.1:" + port);
        await("Mooring (" + run + ", log " + log + ") is ready").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e -> e instanceof IOException || e instanceof UncheckedIOException)
                .until(() -> {
                    assertThat(p.isAlive()).as("Mooring exited early, see %s", log).isTrue();
                    return m.get("/q/health/ready").statusCode() == 200;
                });
        return m;
    }

    private record Mooring(Process process, String base) {
        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + TOKEN).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String yaml) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        void awaitReady(String app) {
            await(app + " is ready").atMost(CONVERGENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
                JsonNode a = JSON.readTree(get("/api/v1alpha1/namespaces/" + NS + "/apps/" + app).body());
                String ready = "";
                for (JsonNode c : a.path("status").path("conditions")) {
                    if ("Ready".equals(c.path("type").asText())) {
                        ready = c.path("status").asText() + " " + c.path("message").asText();
                    }
                }
                assertThat(ready).startsWith("True");
                assertThat(a.path("status").path("observedGeneration").asLong()).isEqualTo(a.path("metadata").path("generation").asLong());
            });
        }

        /** SIGTERM, and wait: Mooring shuts down in order and releases the database. */
        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("Mooring stopped").isTrue();
        }
    }
}
