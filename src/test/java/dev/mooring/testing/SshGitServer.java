package dev.mooring.testing;

import org.awaitility.Awaitility;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real ssh server for Git over ssh: Debian's OpenSSH {@code /usr/sbin/sshd} (openssh-server,
 * installed by scripts/setup-test-env.sh) on 127.0.0.1 and a free port, run in the foreground
 * with its own config, host key, authorized_keys and pid file in a temporary directory, so the
 * machine's {@code /etc/ssh} and port 22 are never involved. Only public keys are accepted.
 * <p>
 * The login user is the one running the tests (root in CI): a non-root sshd can only log that
 * user in anyway, and a repository owned by the same user is served by {@code git-upload-pack}
 * (Debian's git) without Git's "dubious ownership" refusal. The repository is reached by its
 * absolute path: {@code ssh://<user>@127.0.0.1:<port>/<path to the bare repository>}.
 */
public final class SshGitServer implements AutoCloseable {
    private static final Path SSHD = Path.of("/usr/sbin/sshd");

    /** A client key pair made by ssh-keygen: the private key file's text and the public key line. */
    public record ClientKey(String privateKey, String publicKey) {
    }

    private final Path dir;
    private final Path bare;
    private final int port;
    private final String user;
    private final Process process;
    private int keys;

    private SshGitServer(Path dir, Path bare, int port, String user, Process process) {
        this.dir = dir;
        this.bare = bare;
        this.port = port;
        this.user = user;
        this.process = process;
    }

    /** Starts sshd serving {@code bare} and waits until it greets with its ssh banner. */
    public static SshGitServer start(Path bare) throws IOException {
        if (!Files.isExecutable(SSHD)) {
            throw new IllegalStateException(SSHD + " is missing: run scripts/setup-test-env.sh (it installs openssh-server)");
        }
        Path dir = Files.createTempDirectory("mooring-sshd");
        String user = System.getProperty("user.name");
        if ("root".equals(user)) {
            // sshd running as root needs its privilege separation directory, which the (never
            // started) ssh.service would create; it is empty and harmless.
            Files.createDirectories(Path.of("/run/sshd"));
        }
        keygen(dir.resolve("host_ed25519"), "mooring-test-host");
        Files.writeString(dir.resolve("authorized_keys"), "");
        int port = DockerCli.freePort();
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, """
                ListenAddress 127.0.0.1
                Port %d
                HostKey %s
                PidFile %s
                AuthorizedKeysFile %s
                AllowUsers %s
                PermitRootLogin prohibit-password
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                UsePAM no
                StrictModes no
                LogLevel VERBOSE
                """.formatted(port, dir.resolve("host_ed25519"), dir.resolve("sshd.pid"), dir.resolve("authorized_keys"), user));
        Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        SshGitServer server = new SshGitServer(dir, bare, port, user, p);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> p.isAlive() && server.banner().startsWith("SSH-2.0-"));
        } catch (RuntimeException e) {
            server.close();
            throw new IllegalStateException("sshd did not start: " + e.getMessage(), e);
        }
        return server;
    }

    /** {@code ssh://<user>@127.0.0.1:<port>/<absolute path of the bare repository>}. */
    public String url() {
        return "ssh://" + user + "@127.0.0.1:" + port + bare.toAbsolutePath();
    }

    public int port() {
        return port;
    }

    /** The server's host key as a known_hosts line, as {@code ssh-keyscan -p <port> 127.0.0.1} prints it. */
    public String knownHostsLine() {
        return knownHostsLine(publicKey(dir.resolve("host_ed25519.pub")));
    }

    /** A known_hosts line naming this server with another host's key: what a man in the middle looks like. */
    public String otherHostKnownHostsLine() throws IOException {
        Path other = dir.resolve("other_host_ed25519");
        if (!Files.exists(other)) {
            keygen(other, "another-host");
        }
        return knownHostsLine(publicKey(dir.resolve("other_host_ed25519.pub")));
    }

    /** A new ed25519 key pair (OpenSSH private key format, no passphrase), not yet authorized. */
    public ClientKey newClientKey() throws IOException {
        return newClientKey("-t", "ed25519");
    }

    /** A new key pair made by {@code ssh-keygen -N '' <options>} (e.g. {@code -t rsa -m PEM}), not yet authorized. */
    public ClientKey newClientKey(String... options) throws IOException {
        Path key = dir.resolve("client" + (++keys));
        keygen(key, "mooring-test-client" + keys, options);
        return new ClientKey(Files.readString(key), Files.readString(key.resolveSibling(key.getFileName() + ".pub")).trim());
    }

    /** Lets this key log in. */
    public void authorize(ClientKey key) throws IOException {
        Files.writeString(dir.resolve("authorized_keys"), key.publicKey() + "\n", StandardOpenOption.APPEND);
    }

    /** What sshd logged (authentication attempts and failures), for assertion messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private String knownHostsLine(String publicKey) {
        return "[127.0.0.1]:" + port + " " + publicKey;
    }

    /** {@code <type> <base64>} of a .pub file, without its comment. */
    private static String publicKey(Path pub) {
        try {
            String[] parts = Files.readString(pub).trim().split("\\s+");
            return parts[0] + " " + parts[1];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String banner() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(1000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static void keygen(Path file, String comment, String... options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-N", "", "-C", comment, "-f", file.toString()));
        cmd.addAll(options.length == 0 ? List.of("-t", "ed25519") : List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("ssh-keygen failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Stops sshd (a fetch that finished has closed its session already) and removes its directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
