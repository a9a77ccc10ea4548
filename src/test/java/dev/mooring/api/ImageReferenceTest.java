package dev.mooring.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Docker's image reference grammar, and what a user sees when spec.image breaks it. */
class ImageReferenceTest {
    private static final String SHA = "sha256:" + "a".repeat(64);

    @Test
    void aReferenceIsParsedIntoItsParts() {
        assertThat(ImageReference.parse("nginx")).contains(new ImageReference(null, "nginx", null, null));
        assertThat(ImageReference.parse("nginx:1.27")).contains(new ImageReference(null, "nginx", "1.27", null));
        assertThat(ImageReference.parse("registry.example.com:5000/team/app:v1@" + SHA))
                .contains(new ImageReference("registry.example.com:5000", "team/app", "v1", SHA));
        assertThat(ImageReference.parse("localhost/x@" + SHA)).contains(new ImageReference("localhost", "x", null, SHA));
        // a first part without '.', ':' or localhost is a path component, not a registry
        assertThat(ImageReference.parse("mooring-test/busybox:1")).contains(new ImageReference(null, "mooring-test/busybox", "1", null));
    }

    @Test
    void aPortIsNotATag() {
        assertThat(ImageReference.parse("localhost:5000/app")).contains(new ImageReference("localhost:5000", "app", null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"UPPER/case:tag", "nginx:", "a b", "nginx@sha256:abc", ":tag", "/nginx", "nginx/", "ngin--x_", "bad_host!/app"})
    void aMalformedReferenceIsRefusedWithSpecImageNamed(String image) {
        assertThat(ImageReference.parse(image)).as(image).isEmpty();
        assertThat(ImageReference.isValid(image)).as(image).isFalse();
        assertThat(Validation.validate(app(s -> s.image = image))).as(image)
                .containsExactly(new ApiException.FieldError("spec.image", "\"" + image
                        + "\" is not a valid image reference (like nginx:1.27, registry:5000/team/app@sha256:...)"));
    }

    @Test
    void aReferenceLongerThan4096CharactersIsRefused() {
        assertThat(ImageReference.isValid("a".repeat(4096))).isTrue();
        assertThat(ImageReference.isValid("a".repeat(4097))).isFalse();
    }

    private static App app(Consumer<AppSpec> change) {
        App app = new App();
        app.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("web").withNamespace("shop").build());
        AppSpec s = new AppSpec();
        s.image = "nginx";
        change.accept(s);
        app.setSpec(s);
        return app;
    }

    @Test
    void aBlankImageIsRequiredNotMalformed() {
        assertThat(Validation.validate(app(s -> s.image = "")).stream().map(ApiException.FieldError::message).toList())
                .isEqualTo(List.of("is required (or spec.build, to build the image)"));
    }
}
