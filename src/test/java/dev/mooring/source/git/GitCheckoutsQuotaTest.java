package dev.mooring.source.git;

import dev.mooring.testing.GitFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A namespace's Git mirrors and checkouts stay under mooring.git.max-checkout-size (issue 10):
 * a fetch or a checkout past it fails, naming the quota, and gives its space back.
 */
class GitCheckoutsQuotaTest {
    static final long MIB = 1024 * 1024;
    GitFixture git;
    Path data;
    String commit;

    @BeforeEach
    void setUp() throws Exception {
        git = GitFixture.create();
        byte[] noise = new byte[2 * (int) MIB]; // random: the pack hardly compresses it
        new Random(7).nextBytes(noise);
        commit = git.commit("big", Map.of("big.bin", new String(noise, java.nio.charset.StandardCharsets.ISO_8859_1)));
        data = Files.createTempDirectory("mooring-quota");
    }

    @AfterEach
    void tearDown() throws Exception {
        git.close();
        GitCheckouts.deleteTree(data);
    }

    @Test
    void aFetchPastTheQuotaFailsAndLeavesNoMirror() throws Exception {
        GitCheckouts checkouts = new GitCheckouts(data, "shop", "site", MIB);
        assertThatThrownBy(() -> checkouts.fetch(git.url(), "refs/heads/main", GitCredentials.NONE))
                .isInstanceOfSatisfying(GitCheckouts.Refusal.class, r -> assertThat(r.reason).isEqualTo("QuotaExceeded"))
                .hasMessageStartingWith("the repository takes ")
                .hasMessageEndingWith("more than its quota of 1.0 MiB (mooring.git.max-checkout-size)");
        assertThat(checkouts.root().resolve("repo.git")).doesNotExist();
        assertThat(checkouts.usage()).isZero();
    }

    @Test
    void aCheckoutPastTheQuotaNextToTheNamespacesOtherRepositoriesFailsAndLeavesNothingHalfWritten() throws Exception {
        GitCheckouts other = new GitCheckouts(data, "shop", "other", 8 * MIB);
        other.materialize(other.fetch(git.url(), "refs/heads/main", GitCredentials.NONE));
        long used = other.usage();
        assertThat(used).isGreaterThan(4 * MIB);
        System.out.println("one repository of a 2 MiB random file (3 MiB as UTF-8): mirror and checkout take " + GitCheckouts.mebibytes(used));

        GitCheckouts checkouts = new GitCheckouts(data, "shop", "site", used + 3 * MIB); // room for the mirror, not the checkout
        assertThat(checkouts.fetch(git.url(), "refs/heads/main", GitCredentials.NONE)).isEqualTo(commit);
        assertThatThrownBy(() -> checkouts.materialize(commit))
                .isInstanceOfSatisfying(GitCheckouts.Refusal.class, r -> assertThat(r.reason).isEqualTo("QuotaExceeded"))
                .hasMessageContaining("does not fit the namespace's quota");
        assertThat(checkouts.checkout(commit)).doesNotExist();
        assertThat(checkouts.root().resolve(commit + ".partial")).doesNotExist();

        // another namespace has a quota of its own
        GitCheckouts elsewhere = new GitCheckouts(data, "blog", "site", 8 * MIB);
        assertThat(elsewhere.materialize(elsewhere.fetch(git.url(), "refs/heads/main", GitCredentials.NONE)).resolve("big.bin")).isRegularFile();
    }
}
