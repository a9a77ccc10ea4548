package dev.mooring.source.git;

import dev.mooring.testing.GitFixture;
import dev.mooring.testing.SshGitServer;
import dev.mooring.testing.SshGitServer.ClientKey;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fetch over ssh against a real OpenSSH sshd (see {@link SshGitServer}), without the
 * application: which keys log in, which host keys are trusted, and that each refusal says what
 * to fix. The whole path through a GitRepository and its Secret is in GitOpsTest.
 * <p>
 * A {@code @QuarkusTest} although it needs no bean: ssh's BouncyCastle provider is registered
 * JVM-wide by whichever class loader comes first, and once a Quarkus test has run, a plain test's
 * classes (another loader) cannot use it. Running here, in the application's loader, is also
 * what production does.
 */
@QuarkusTest
class GitCheckoutsSshTest {
    static final String MAIN = "refs/heads/main";
    GitFixture git;
    SshGitServer sshd;
    Path data;
    String commit;

    @BeforeEach
    void setUp() throws IOException {
        git = GitFixture.create();
        commit = git.commit("v1", Map.of("a.yaml", "x: 1\n"));
        sshd = SshGitServer.start(git.bareDir());
        data = Files.createTempDirectory("mooring-data");
    }

    @AfterEach
    void tearDown() throws IOException {
        sshd.close();
        git.close();
        GitCheckouts.deleteTree(data);
    }

    @Test
    void openSshEd25519AndPemRsaKeysFetchAndLeaveNoKeyOnDisk() throws Exception {
        ClientKey ed25519 = sshd.newClientKey();
        ClientKey rsaPem = sshd.newClientKey("-t", "rsa", "-b", "2048", "-m", "PEM");
        assertThat(rsaPem.privateKey()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        sshd.authorize(ed25519);
        sshd.authorize(rsaPem);
        for (ClientKey key : new ClientKey[]{ed25519, rsaPem}) {
            GitCheckouts checkouts = new GitCheckouts(data, "ns", "r" + key.publicKey().length());
            assertThat(checkouts.fetch(sshd.url(), MAIN, creds(key.privateKey(), sshd.knownHostsLine() + "\n"))).as(key.publicKey()).isEqualTo(commit);
            assertThat(checkouts.root().resolve("ssh")).doesNotExist();
        }
        assertThat(sshd.log()).contains("Accepted publickey for " + System.getProperty("user.name"));
    }

    @Test
    void anotherHostKeyInKnownHostsIsRefusedNamingTheKeyPresented() throws Exception {
        ClientKey key = sshd.newClientKey();
        sshd.authorize(key);
        GitCheckouts checkouts = new GitCheckouts(data, "ns", "r");
        assertThatThrownBy(() -> checkouts.fetch(sshd.url(), MAIN, creds(key.privateKey(), sshd.otherHostKnownHostsLine() + "\n")))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("ssh host key verification failed for [127.0.0.1]:" + sshd.port() + ": it presented ssh-ed25519 SHA256:")
                .hasMessageContaining("the Secret's known_hosts lists another key for it");
        assertThat(sshd.log()).doesNotContain("Accepted publickey");
        assertThat(checkouts.root().resolve("ssh")).doesNotExist();
    }

    @Test
    void withoutKnownHostsAnUnknownHostIsRefusedNotLearnt() {
        ClientKey key;
        try {
            key = sshd.newClientKey();
            sshd.authorize(key);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        GitCheckouts checkouts = new GitCheckouts(data, "ns", "r");
        for (int attempt = 0; attempt < 2; attempt++) { // the second attempt is refused too: nothing was learnt
            assertThatThrownBy(() -> checkouts.fetch(sshd.url(), MAIN, creds(key.privateKey(), null)))
                    .hasMessageContaining("ssh host key verification failed for [127.0.0.1]:" + sshd.port())
                    .hasMessageContaining("which is not in ~/.ssh/known_hosts of the user running Mooring (the Secret has no known_hosts)")
                    .hasMessageContaining("ssh-keyscan -p " + sshd.port() + " 127.0.0.1");
        }
    }

    @Test
    void aKeyTheServerDoesNotKnowOrNoKeyFailsTheLogin() throws Exception {
        sshd.authorize(sshd.newClientKey());
        ClientKey stranger = sshd.newClientKey();
        GitCheckouts checkouts = new GitCheckouts(data, "ns", "r");
        assertThatThrownBy(() -> checkouts.fetch(sshd.url(), MAIN, creds(stranger.privateKey(), sshd.knownHostsLine())))
                .hasMessage("ssh authentication failed: 127.0.0.1:" + sshd.port()
                        + " refused the key in the Secret's identity (is its public key in the server's authorized_keys for this user?)");
        assertThatThrownBy(() -> checkouts.fetch(sshd.url(), MAIN, creds(null, sshd.knownHostsLine())))
                .hasMessageContaining("wants a key; put a private key in the Secret's identity");
        assertThat(sshd.log()).doesNotContain("Accepted publickey");
    }

    @Test
    void anIdentityThatIsNoUsablePrivateKeyIsNamedBeforeConnecting() throws Exception {
        GitCheckouts checkouts = new GitCheckouts(data, "ns", "r");
        ClientKey withPassphrase = sshd.newClientKey("-t", "ed25519", "-N", "s3cret");
        long connections = sshd.log().lines().filter(l -> l.startsWith("Connection from")).count(); // the readiness probe's
        for (String identity : new String[]{"not a key", withPassphrase.privateKey(),
                "-----BEGIN OPENSSH PRIVATE KEY-----\ncut short\n-----END OPENSSH PRIVATE KEY-----\n"}) {
            assertThatThrownBy(() -> checkouts.fetch(sshd.url(), MAIN, creds(identity, sshd.knownHostsLine())))
                    .as(identity.lines().findFirst().orElse(""))
                    .hasMessageStartingWith("the Secret's identity ")
                    .hasMessageContaining("private key");
        }
        assertThat(sshd.log().lines().filter(l -> l.startsWith("Connection from")).count()).isEqualTo(connections);
    }

    private static GitCredentials creds(String identity, String knownHosts) {
        return new GitCredentials(null, null, bytes(identity), bytes(knownHosts));
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
