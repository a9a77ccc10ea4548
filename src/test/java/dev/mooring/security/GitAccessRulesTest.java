package dev.mooring.security;

import dev.mooring.security.AccessRules.Access;
import dev.mooring.security.AccessRules.Rule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of GitRepositories: admins create them, deployers confirm prunes, Git hosts call the webhook without a token. */
class GitAccessRulesTest {
    private static Rule rule(String method, String path) {
        return AccessRules.rule(method, path, false);
    }

    @Test
    void theWebhookIsPublicOnlyAsAPost() {
        assertThat(rule("POST", "/api/v1alpha1/namespaces/shop/gitrepositories/site/webhook").access()).isEqualTo(Access.PUBLIC);
        assertThat(rule("GET", "/api/v1alpha1/namespaces/shop/gitrepositories/site/webhook").access()).isEqualTo(Access.ROLE);
        assertThat(rule("POST", "/api/v1alpha1/namespaces/shop/gitrepositories/site/webhook/x").access()).isEqualTo(Access.ROLE);
        assertThat(rule("POST", "/api/v1alpha1/namespaces/shop/apps/site/webhook").access()).isEqualTo(Access.ROLE);
        assertThat(rule("POST", "/api/v1alpha1/namespaces/shop/secrets/site/webhook").role()).isEqualTo(Role.admin);
    }

    @Test
    void confirmNeedsDeployerWritingARepositoryNeedsAdminReadingViewer() {
        assertThat(rule("POST", "/api/v1alpha1/namespaces/shop/gitrepositories/site/confirm"))
                .isEqualTo(new Rule(Access.ROLE, Role.deployer, "shop", "confirm the prune of gitrepositories"));
        assertThat(rule("POST", "/api/v1alpha1/namespaces/shop/gitrepositories/site/sync"))
                .isEqualTo(new Rule(Access.ROLE, Role.deployer, "shop", "sync a planned commit of gitrepositories"));
        assertThat(rule("POST", "/api/v1alpha1/namespaces/shop/gitrepositories").role()).isEqualTo(Role.admin);
        assertThat(rule("PUT", "/api/v1alpha1/namespaces/shop/gitrepositories/site").role()).isEqualTo(Role.admin);
        assertThat(rule("DELETE", "/api/v1alpha1/namespaces/shop/gitrepositories/site").role()).isEqualTo(Role.admin);
        assertThat(rule("GET", "/api/v1alpha1/namespaces/shop/gitrepositories/site").role()).isEqualTo(Role.viewer);
        assertThat(AccessRules.needed("gitrepositories", true)).isEqualTo(Role.admin);
    }

    @Test
    void theAuditLogNamesTheActions() {
        assertThat(AccessRules.target("POST", "/api/v1alpha1/namespaces/shop/gitrepositories/site/webhook"))
                .isEqualTo(new AccessRules.Target("webhook", "GitRepository", "shop", "site"));
        assertThat(AccessRules.target("POST", "/api/v1alpha1/namespaces/shop/gitrepositories/site/confirm").verb()).isEqualTo("confirm");
        assertThat(AccessRules.target("POST", "/api/v1alpha1/namespaces/shop/gitrepositories/site/sync").verb()).isEqualTo("sync");
    }
}
