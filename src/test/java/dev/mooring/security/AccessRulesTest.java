package dev.mooring.security;

import dev.mooring.security.AccessRules.Access;
import dev.mooring.security.AccessRules.Rule;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule table, request by request, and what a caller's roles make of it. */
class AccessRulesTest {
    private static Rule rule(String method, String path) {
        return AccessRules.rule(method, path, false);
    }

    @Test
    void healthAndOpenApiArePublicMetricsNeedATokenUnlessConfigured() {
        assertThat(rule("GET", "/q/health/ready").access()).isEqualTo(Access.PUBLIC);
        assertThat(rule("GET", "/q/health").access()).isEqualTo(Access.PUBLIC);
        assertThat(rule("GET", "/q/openapi").access()).isEqualTo(Access.PUBLIC);
        assertThat(rule("GET", "/q/metrics").access()).isEqualTo(Access.AUTHENTICATED);
        assertThat(AccessRules.rule("GET", "/q/metrics", true).access()).isEqualTo(Access.PUBLIC);
        assertThat(rule("GET", "/q/healthy").access()).isEqualTo(Access.AUTHENTICATED);
        assertThat(rule("GET", "/").access()).isEqualTo(Access.AUTHENTICATED);
    }

    @Test
    void readsNeedViewerWritesDeployerInTheNamespaceOfThePath() {
        assertThat(rule("GET", "/api/v1alpha1/namespaces/shop/apps/web")).isEqualTo(new Rule(Access.ROLE, Role.viewer, "shop", "read apps"));
        assertThat(rule("GET", "/api/v1alpha1/namespaces/shop/apps/web/logs")).isEqualTo(new Rule(Access.ROLE, Role.viewer, "shop", "read apps"));
        assertThat(rule("GET", "/api/v1alpha1/namespaces/shop/apps/web/plan")).isEqualTo(new Rule(Access.ROLE, Role.viewer, "shop", "read apps"));
        assertThat(rule("PUT", "/api/v1alpha1/namespaces/shop/apps/web")).isEqualTo(new Rule(Access.ROLE, Role.deployer, "shop", "write apps"));
        assertThat(rule("POST", "/api/v1alpha1/namespaces/shop/apps/web/rollback").role()).isEqualTo(Role.deployer);
        assertThat(rule("DELETE", "/api/v1alpha1/namespaces/shop/volumes/data").role()).isEqualTo(Role.deployer);
        assertThat(rule("GET", "/api/v1alpha1/apps")).isEqualTo(new Rule(Access.ROLE, Role.viewer, "*", "list apps in all namespaces"));
    }

    @Test
    void aComposeImportNeedsDeployerInTheNamespaceAndIsAuditedAsAnImport() {
        assertThat(rule("POST", "/api/v1alpha1/namespaces/shop/compose"))
                .isEqualTo(new Rule(Access.ROLE, Role.deployer, "shop", "import compose projects"));
        assertThat(AccessRules.target("POST", "/api/v1alpha1/namespaces/shop/compose"))
                .isEqualTo(new AccessRules.Target("import", "compose", "shop", null));
        assertThat(rule("GET", "/api/v1alpha1/namespaces/shop/apps/web/buildlog")).isEqualTo(new Rule(Access.ROLE, Role.viewer, "shop", "read apps"));
    }

    @Test
    void secretsNeedAdminWhateverTheVerbOrSpelling() {
        assertThat(rule("GET", "/api/v1alpha1/namespaces/shop/secrets/db").role()).isEqualTo(Role.admin);
        assertThat(rule("GET", "/api/v1alpha1/namespaces/shop/secrets").role()).isEqualTo(Role.admin);
        assertThat(rule("POST", "/api/v1alpha1/namespaces/shop/secrets").role()).isEqualTo(Role.admin);
        assertThat(rule("GET", "/api/v1alpha1/secrets").role()).isEqualTo(Role.admin);
        // what JAX-RS would still match as the plural "secrets"
        assertThat(rule("GET", "/api/v1alpha1/namespaces/shop/secrets;v=1/db").role()).isEqualTo(Role.admin);
        assertThat(rule("GET", "/api/v1alpha1/namespaces/shop/%73ecrets/db").role()).isEqualTo(Role.admin);
        assertThat(rule("GET", "/api/v1alpha1/namespaces/shop/secrets/").role()).isEqualTo(Role.admin);
        // an empty namespace segment does not shift the plural
        assertThat(rule("GET", "/api/v1alpha1/namespaces//secrets/db")).isEqualTo(new Rule(Access.ROLE, Role.admin, "", "read secrets"));
    }

    @Test
    void tokensNeedAdminEverywhereAndUnknownPathsToo() {
        assertThat(rule("GET", "/api/v1alpha1/tokens")).isEqualTo(new Rule(Access.ROLE, Role.admin, "*", "manage tokens"));
        assertThat(rule("DELETE", "/api/v1alpha1/tokens/abc").role()).isEqualTo(Role.admin);
        assertThat(rule("POST", "/api/v1alpha1/secrets/rotate").role()).isEqualTo(Role.admin);
        assertThat(rule("GET", "/api/v1alpha1/namespaces/shop").role()).isEqualTo(Role.admin);
        assertThat(rule("POST", "/api/v1alpha1/apply").access()).isEqualTo(Access.AUTHENTICATED);
        assertThat(rule("GET", "/api/v1alpha1/audit").access()).isEqualTo(Access.AUTHENTICATED);
    }

    @Test
    void aNamespaceGetsTheHigherOfItsOwnAndTheStarRole() {
        Caller c = new Caller("1", "ci", Map.of("shop", Role.deployer, "*", Role.viewer));
        assertThat(c.has(Role.deployer, "shop")).isTrue();
        assertThat(c.has(Role.viewer, "other")).isTrue();
        assertThat(c.has(Role.deployer, "other")).isFalse();
        assertThat(c.has(Role.viewer, "*")).isTrue();
        assertThat(c.has(Role.deployer, "*")).isFalse();
        Caller boss = new Caller("2", "boss", Map.of("*", Role.admin, "shop", Role.viewer));
        assertThat(boss.has(Role.admin, "shop")).isTrue();
    }

    @Test
    void aDenialNamesTheRoleTheNamespaceAndThePurpose() {
        Caller viewer = new Caller("1", "ci", Map.of("shop", Role.viewer));
        assertThat(rule("POST", "/api/v1alpha1/namespaces/shop/apps").denial(viewer))
                .isEqualTo("deployer role in namespace shop needed to write apps; token ci has only viewer there");
        assertThat(rule("POST", "/api/v1alpha1/tokens").denial(viewer))
                .isEqualTo("admin role in all namespaces (*) needed to manage tokens; token ci has no role there");
    }

    @Test
    void theTargetOfARequestIsReadFromItsPath() {
        assertThat(AccessRules.target("POST", "/api/v1alpha1/namespaces/shop/apps"))
                .isEqualTo(new AccessRules.Target("create", "App", "shop", null));
        assertThat(AccessRules.target("DELETE", "/api/v1alpha1/namespaces/shop/apps/web"))
                .isEqualTo(new AccessRules.Target("delete", "App", "shop", "web"));
        assertThat(AccessRules.target("POST", "/api/v1alpha1/namespaces/shop/apps/web/rollback").verb()).isEqualTo("rollback");
        assertThat(AccessRules.target("DELETE", "/api/v1alpha1/tokens/abc")).isEqualTo(new AccessRules.Target("delete", "Token", null, "abc"));
    }
}
