package dev.mooring.source.git;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** GitHub's and Gitea's HMAC-SHA256 signatures. */
class WebhookSignatureTest {
    // GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!"
    static final byte[] SECRET = "It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8);
    static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    static final String HEX = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void githubsExampleChecksOut() {
        assertThat(WebhookSignature.sign(SECRET, BODY)).isEqualTo(HEX);
        assertThat(WebhookSignature.valid(SECRET, BODY, "sha256=" + HEX)).isTrue();
        assertThat(WebhookSignature.valid(SECRET, BODY, HEX)).isTrue(); // Gitea: bare hex
        assertThat(WebhookSignature.valid(SECRET, BODY, "SHA256=" + HEX.toUpperCase())).isTrue();
    }

    @Test
    void anythingElseIsRefused() {
        assertThat(WebhookSignature.valid(SECRET, "Hello, World?".getBytes(StandardCharsets.UTF_8), "sha256=" + HEX)).isFalse();
        assertThat(WebhookSignature.valid("other".getBytes(StandardCharsets.UTF_8), BODY, "sha256=" + HEX)).isFalse();
        assertThat(WebhookSignature.valid(SECRET, BODY, null)).isFalse();
        assertThat(WebhookSignature.valid(SECRET, BODY, "")).isFalse();
        assertThat(WebhookSignature.valid(SECRET, BODY, "sha256=zz")).isFalse();
        assertThat(WebhookSignature.valid(SECRET, BODY, "sha256=" + HEX.substring(2))).isFalse();
        assertThat(WebhookSignature.valid(new byte[0], BODY, "sha256=" + HEX)).isFalse();
    }
}
