package dev.mooring.source.compose;

import dev.mooring.api.ApiException;
import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A compose file is read as Compose reads it: YAML 1.2, where {@code 22:22}, {@code no}, {@code yes} and dates are strings. */
class ComposeYamlTest {
    private static ComposeTranslator.Translation translate(String yaml) {
        return ComposeTranslator.translate("shop", yaml.getBytes(StandardCharsets.UTF_8), null);
    }

    private static AppSpec web(String service) {
        return translate("services:\n  web:\n    image: busybox:1\n" + service.indent(4)).resources().stream()
                .filter(r -> r instanceof App).map(r -> ((App) r).getSpec()).findFirst().orElseThrow();
    }

    @Test
    void aPortWrittenAsYaml11SexagesimalIsThePortMapping() {
        assertThat(web("ports:\n  - 22:22\n  - \"2222:22\"\n  - 8080:80").ports)
                .extracting(p -> p.hostPort + ":" + p.containerPort).containsExactly("22:22", "2222:22", "8080:80");
    }

    @Test
    void restartNoUnquotedIsNo() {
        assertThat(web("restart: no").restartPolicy).isEqualTo(web("restart: \"no\"").restartPolicy);
    }

    @Test
    void environmentAndLabelValuesAreTheStringsWritten() {
        AppSpec s = web("""
                environment:
                  DEBUG: yes
                  VERBOSE: off
                  SINCE: 2024-01-02
                  AT: 22:22
                labels: {built: 2024-01-02T10:00:00Z, stable: no}
                """);
        assertThat(s.env).extracting(e -> e.name + "=" + e.value).containsExactly("DEBUG=yes", "VERBOSE=off", "SINCE=2024-01-02", "AT=22:22");
        assertThat(s.labels).containsEntry("built", "2024-01-02T10:00:00Z").containsEntry("stable", "no");
    }

    @Test
    void aTrailingDocumentSeparatorIsAccepted() {
        assertThat(translate("services: {web: {image: busybox:1}}\n---\n").resources()).isNotEmpty();
        ApiException two = catchThrowableOfType(ApiException.class,
                () -> translate("services: {web: {image: busybox:1}}\n---\nservices: {db: {image: postgres}}\n"));
        assertThat(two.status).isEqualTo(400);
        assertThat(two.getMessage()).isEqualTo("a compose file is one YAML document; this one holds 2");
    }

    @Test
    void anAliasBombIsRefusedNamingTheLimitAtTheAliasThatPassesIt() {
        StringBuilder bomb = new StringBuilder("x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        String previous = "a";
        for (int level = 0; level < 9; level++) {
            bomb.append("x-l").append(level).append(": &l").append(level).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*" + previous))).append("]\n");
            previous = "l" + level;
        }
        ApiException e = catchThrowableOfType(ApiException.class, () -> translate(bomb + "services: {web: {image: busybox:1}}\n"));
        assertThat(e.status).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("the document expands to more than 100000 values through YAML aliases;"
                + " write the values out or use fewer aliases (line 5, column 47)");
    }
}
