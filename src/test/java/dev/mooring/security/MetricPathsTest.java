package dev.mooring.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The uri tag of the HTTP metrics: the API's words kept, names and unknown words as placeholders. */
class MetricPathsTest {
    @Test
    void namesBecomePlaceholdersAndTemplatesStayAsTheyAre() {
        assertThat(MetricPaths.template("/api/v1alpha1/namespaces/shop/apps/secret-project")).isEqualTo("/api/v1alpha1/namespaces/{ns}/apps/{name}");
        assertThat(MetricPaths.template("/api/v1alpha1/namespaces/{ns}/{plural}/{name}")).isEqualTo("/api/v1alpha1/namespaces/{ns}/{plural}/{name}");
        assertThat(MetricPaths.template("/api/v1alpha1/namespaces/{ns}/apps/{name}/logs")).isEqualTo("/api/v1alpha1/namespaces/{ns}/apps/{name}/logs");
        assertThat(MetricPaths.template("/api/v1alpha1/namespaces/shop/gitrepositories/site/webhook"))
                .isEqualTo("/api/v1alpha1/namespaces/{ns}/gitrepositories/{name}/webhook");
        assertThat(MetricPaths.template("/api/v1alpha1/namespaces/shop/wishes/x/y/z/w")).isEqualTo("/api/v1alpha1/namespaces/{ns}/{plural}/{name}/{sub}/{rest}");
        assertThat(MetricPaths.template("/api/v1alpha1/namespaces/shop/compose")).isEqualTo("/api/v1alpha1/namespaces/{ns}/compose");
        assertThat(MetricPaths.template("/api/v1alpha1/tokens/ab12")).isEqualTo("/api/v1alpha1/tokens/{id}");
        assertThat(MetricPaths.template("/api/v1alpha1/apps")).isEqualTo("/api/v1alpha1/apps");
        assertThat(MetricPaths.template("/api/v1alpha1/secrets/rotate")).isEqualTo("/api/v1alpha1/secrets/rotate");
        assertThat(MetricPaths.template("/api/v1alpha1/whatever-a-caller-chose")).isEqualTo("/api/v1alpha1/{path}");
        assertThat(MetricPaths.template("/api/v1alpha1extra")).isEqualTo("/{path}");
        assertThat(MetricPaths.template("/q/health/ready")).isEqualTo("/q/health/ready");
        assertThat(MetricPaths.template("/q/anything-else")).isEqualTo("/q/{path}");
        assertThat(MetricPaths.template("/chosen/by/a/caller")).isEqualTo("/{path}");
        assertThat(MetricPaths.template("NOT_FOUND")).isEqualTo("NOT_FOUND");
    }
}
