package dev.mooring.security;

import dev.mooring.security.AdmissionPolicy.Level;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a GitRepository may fetch from, with real directories, symlinks and Git repositories
 * on disk and this host's real interfaces; only DNS answers are given by the test.
 */
class GitUrlPolicyTest {
    Path tmp;
    Path data;
    Path victim;
    Map<String, Deque<String>> dns;
    GitUrlPolicy defaults;

    @BeforeEach
    void setUp() throws Exception {
        tmp = Files.createTempDirectory("mooring-url-policy").toRealPath();
        data = tmp.resolve("data");
        victim = data.resolve("git/shop/site/repo.git");
        Git.init().setBare(true).setDirectory(victim.toFile()).call().close();
        dns = new java.util.HashMap<>();
        defaults = policy(List.of(), List.of());
    }

    @AfterEach
    void tearDown() throws Exception {
        try (var all = Files.walk(tmp)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private GitUrlPolicy policy(List<String> localPaths, List<String> hosts) {
        return GitUrlPolicy.of(data, localPaths, hosts, host -> {
            Deque<String> answers = dns.get(host);
            if (answers == null) {
                return InetAddress.getAllByName(host); // literals
            }
            if (answers.isEmpty()) {
                throw new UnknownHostException(host);
            }
            String a = answers.size() > 1 ? answers.poll() : answers.peek();
            return new InetAddress[]{InetAddress.getByAddress(host, InetAddress.getByName(a).getAddress())};
        });
    }

    @Test
    void mooringsDataDirIsRefusedAtEveryLevelThroughSymlinksGitFilesAndAlternates() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("innocent"), data.resolve("git"));
        Path gitFile = Files.createDirectories(tmp.resolve("worktree"));
        Files.writeString(gitFile.resolve(".git"), "gitdir: " + victim + "\n");
        Path borrower = tmp.resolve("borrower.git");
        Git.init().setBare(true).setDirectory(borrower.toFile()).call().close();
        Files.writeString(borrower.resolve("objects/info/alternates"), victim.resolve("objects") + "\n");
        GitUrlPolicy open = policy(List.of("/"), List.of());
        for (String url : List.of(victim.toString(), victim.toUri().toString(), "file://" + victim, link + "/shop/site/repo.git",
                "file://" + tmp + "/innocent/shop/site/repo.git", data + "/h2/../git/shop/site/repo.git", data.toString(),
                gitFile.toString(), borrower.toString())) {
            for (Level level : Level.values()) {
                assertThat(open.refusal(url, level)).as(url + " " + level).contains("inside Mooring's data directory");
            }
        }
    }

    @Test
    void localPathsOnlyInPrivilegedNamespacesOrUnderTheAllowList() throws Exception {
        Path repo = tmp.resolve("elsewhere/r.git");
        Git.init().setBare(true).setDirectory(repo.toFile()).call().close();
        for (String url : List.of(repo.toString(), repo.toUri().toString(), "file://" + repo)) {
            assertThat(defaults.refusal(url, Level.baseline)).as(url)
                    .isEqualTo("local repositories (" + url + ") may be read only in a privileged namespace, or under"
                            + " mooring.git.allowed-local-paths (none are allowed); this namespace is baseline");
            assertThat(defaults.refusal(url, Level.restricted)).as(url).isNotNull();
            assertThat(defaults.refusal(url, Level.privileged)).as(url).isNull();
        }
        GitUrlPolicy allowing = policy(List.of(tmp.resolve("elsewhere").toString()), List.of());
        assertThat(allowing.refusal(repo.toString(), Level.baseline)).isNull();
        // a symlink inside the allowed directory does not take a path out of it
        Path outside = tmp.resolve("outside/r.git");
        Git.init().setBare(true).setDirectory(outside.toFile()).call().close();
        Files.createSymbolicLink(tmp.resolve("elsewhere/link"), outside);
        assertThat(allowing.refusal(tmp.resolve("elsewhere/link").toString(), Level.baseline)).startsWith("local repositories");
        assertThat(allowing.refusal(tmp + "/elsewhere/../outside/r.git", Level.baseline)).startsWith("local repositories");
    }

    @Test
    void loopbackLinkLocalAnyLocalAndOwnAddressesAreRefusedUnlessAllowed() throws Exception {
        InetAddress own = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress()).findFirst().orElseThrow();
        for (String url : List.of("http://127.0.0.1:8080/r.git", "https://127.1.2.3/r", "http://[::1]/r", "ssh://git@127.0.0.1:2222/r.git",
                "git@127.0.0.1:r.git", "http://169.254.169.254/latest", "http://[fe80::1]/r", "http://0.0.0.0:80/r", "http://[::]:80/r",
                "http://[::ffff:7f00:1]/r", "http://localhost/r", "http://" + own.getHostAddress().replaceAll("%.*", "") + ":9/r")) {
            for (Level level : Level.values()) {
                assertThat(defaults.refusal(url, level)).as(url + " " + level)
                        .containsPattern("^host \\S+ (is|resolves to \\S+) (a loopback|a link-local|an any-local|an address of this host)")
                        .contains("mooring.git.allowed-hosts=");
            }
        }
        assertThat(defaults.refusal("http://[::ffff:127.0.0.1]/r", Level.baseline)).isNotNull(); // JGit finds no host in it: refused too
        assertThat(defaults.refusal("http://127.0.0.1:8080/r.git", Level.baseline)).isEqualTo("host 127.0.0.1 is a loopback address:"
                + " Mooring does not fetch from its own host's services or link-local ones (an operator can allow it: mooring.git.allowed-hosts=127.0.0.1:8080)");
        GitUrlPolicy allowing = policy(List.of(), List.of("127.0.0.1:8080", "localhost", "[::1]:22"));
        assertThat(allowing.refusal("http://127.0.0.1:8080/r.git", Level.baseline)).isNull();
        assertThat(allowing.refusal("http://127.0.0.1:8081/r.git", Level.baseline)).isNotNull();
        assertThat(allowing.refusal("http://LOCALHOST:1234/r.git", Level.baseline)).isNull();
        assertThat(allowing.refusal("ssh://git@[::1]/r.git", Level.baseline)).isNull();
        assertThat(allowing.refusal("http://[::1]/r.git", Level.baseline)).isNotNull();
    }

    @Test
    void otherHostsPassAndADnsAnswerIsJudgedEachTime() {
        dns.put("git.example.com", new ArrayDeque<>(List.of("203.0.113.7", "127.0.0.1")));
        dns.put("nowhere.example", new ArrayDeque<>());
        assertThat(defaults.refusal("https://10.1.2.3/r.git", Level.restricted)).isNull();
        assertThat(defaults.refusal("https://nowhere.example/r.git", Level.baseline)).isNull(); // its fetch fails like any unanswered one
        // at the write: a public address; right before the fetch: loopback (DNS rebinding)
        assertThat(defaults.refusal("https://git.example.com/team/r.git", Level.baseline)).isNull();
        assertThat(defaults.refusal("https://git.example.com/team/r.git", Level.baseline))
                .startsWith("host git.example.com resolves to 127.0.0.1, a loopback address");
        assertThat(defaults.hostRefusal("git.example.com", 443)).startsWith("host git.example.com resolves to 127.0.0.1");
    }
}
