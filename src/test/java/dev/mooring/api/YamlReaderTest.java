package dev.mooring.api;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The one YAML reader: YAML 1.2 as Compose reads it, and the limits every source shares. */
class YamlReaderTest {
    private static Map<?, ?> one(String yaml) {
        List<Object> docs = YamlReader.read(yaml);
        assertThat(docs).hasSize(1);
        return (Map<?, ?>) docs.get(0);
    }

    private static String refusal(String yaml) {
        try {
            YamlReader.read(yaml);
        } catch (ApiException e) {
            assertThat(e.status).isEqualTo(400);
            return e.getMessage();
        }
        throw new AssertionError("read without a refusal");
    }

    @Test
    void whatYaml11TypedStaysTheStringItIsWritten() {
        Map<?, ?> m = one("""
                ports: [22:22, "22:22", 1:30:00]
                restart: no
                DEBUG: yes
                flags: [on, off, y, n, Yes, NO]
                date: 2024-01-02
                time: 2024-01-02T10:00:00Z
                underscored: 1_000
                version: 1.2.3
                """);
        assertThat(m.get("ports")).isEqualTo(List.of("22:22", "22:22", "1:30:00"));
        assertThat(m.get("restart")).isEqualTo("no");
        assertThat(m.get("DEBUG")).isEqualTo("yes");
        assertThat(m.get("flags")).isEqualTo(List.of("on", "off", "y", "n", "Yes", "NO"));
        assertThat(m.get("date")).isEqualTo("2024-01-02");
        assertThat(m.get("time")).isEqualTo("2024-01-02T10:00:00Z");
        assertThat(m.get("underscored")).isEqualTo("1_000");
        assertThat(m.get("version")).isEqualTo("1.2.3");
    }

    @Test
    void theCoreSchemaTypesBooleansNullsIntegersAndFloats() {
        Map<?, ?> m = one("""
                bools: [true, True, TRUE, false, False, FALSE]
                nulls: [null, Null, NULL, ~]
                empty:
                ints: [0, -12, +7, 0x1F, 0o17, 12345678901, 123456789012345678901234567890]
                mode: 0440
                floats: [1.5, -0.25, 1e3, .5, .inf, -.Inf, .nan]
                quoted: ["true", '12', "null"]
                """);
        assertThat(m.get("bools")).isEqualTo(List.of(true, true, true, false, false, false));
        assertThat((List<?>) m.get("nulls")).hasSize(4).containsOnlyNulls();
        assertThat(m.containsKey("empty") && m.get("empty") == null).isTrue();
        assertThat(m.get("ints")).isEqualTo(List.of(0, -12, 7, 31, 15, 12345678901L, new BigInteger("123456789012345678901234567890")));
        assertThat(m.get("mode")).as("a leading zero is octal, as Compose and kubectl read file modes").isEqualTo(0440);
        assertThat(m.get("floats")).isEqualTo(List.of(1.5, -0.25, 1000.0, 0.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN));
        assertThat(m.get("quoted")).isEqualTo(List.of("true", "12", "null"));
    }

    @Test
    void keysAreTheirWrittenText() {
        assertThat(one("80: a\n1.10: b\ntrue: c\n0440: d\n").keySet().stream().map(String::valueOf).toList()).containsExactly("80", "1.10", "true", "0440");
    }

    @Test
    void explicitCoreTagsAreReadAndOthersAreRefusedByName() {
        Map<?, ?> m = one("a: !!str 12\nb: !!int \"12\"\nc: !!float 1\nd: !!bool \"true\"\ne: ! 12\nf: !!map {x: 1}\n");
        assertThat(m.get("a")).isEqualTo("12");
        assertThat(m.get("b")).isEqualTo(12);
        assertThat(m.get("c")).isEqualTo(1.0);
        assertThat(m.get("d")).isEqualTo(true);
        assertThat(m.get("e")).isEqualTo("12");
        assertThat(m.get("f")).isEqualTo(Map.of("x", 1));
        assertThat(refusal("a: !!int twelve\n")).isEqualTo("a value tagged !!int is not an integer (line 1, column 4)");
        assertThat(refusal("a: !!binary aGVsbG8=\n")).isEqualTo("the YAML tag !!binary is not supported (line 1, column 4)");
        assertThat(refusal("a: !!set {x, y}\n")).contains("the YAML tag !!set is not supported");
        assertThat(refusal("a:\n  b: !custom [1]\n")).isEqualTo("the YAML tag !custom is not supported (line 2, column 6)");
    }

    @Test
    void mergeKeysTakeTheKeysAMappingDoesNotHaveTheFirstSourceWinning() {
        Map<?, ?> m = one("""
                x-base: &base {image: busybox, restart: always, user: "1000"}
                x-more: &more {restart: on-failure, init: true}
                web:
                  <<: [*base, *more]
                  user: "0"
                """);
        assertThat(m.get("web")).isEqualTo(Map.of("image", "busybox", "restart", "always", "user", "0", "init", true));
        assertThat(refusal("a: &a [1]\nb: {<<: *a}\n")).contains("a merge key (<<) takes a mapping or a list of mappings");
    }

    @Test
    void anAliasIsACopy() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) one("a: &a {x: [1]}\nb: *a\n");
        assertThat(m.get("b")).isEqualTo(m.get("a")).isNotSameAs(m.get("a"));
    }

    @Test
    void emptyDocumentsAreSkippedAsKubectlSkipsThem() {
        assertThat(YamlReader.read("---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n---\n")).containsExactly(Map.of("a", 1), Map.of("b", 2));
        assertThat(YamlReader.read("a: 1\n...\n")).containsExactly(Map.of("a", 1));
        assertThat(YamlReader.read("")).isEmpty();
    }

    @Test
    void aKeyWrittenTwiceIsA422NamingTheField() {
        ApiException e = catchThrowableOfType(ApiException.class, () -> YamlReader.read("a: 1\nb:\n  - {c: 1}\n  - c: 1\n    d: {e: 1}\n    c: 2\n"));
        assertThat(e.status).isEqualTo(422);
        assertThat(e.errors).extracting(ApiException.FieldError::field).containsExactly("b[1].c");
        assertThat(e.getMessage()).isEqualTo("b[1].c: appears twice in one mapping (line 6, column 5)");
    }

    @Test
    void syntaxErrorsSayWhereWithoutQuotingTheInput() {
        String secret = "s3cr3t-" + System.nanoTime();
        assertThat(refusal("stringData: {password: " + secret + "\n")).startsWith("malformed YAML: ").contains("(line 2, column 1)").doesNotContain(secret);
        assertThat(refusal("a: \"" + secret + "\\q\"\n")).startsWith("malformed YAML: ").contains("line 1").doesNotContain(secret);
        assertThat(refusal("a: *nope\n")).isEqualTo("*nope names no anchor (&nope) before it (line 1, column 4)");
    }

    // ---- the limits ----------------------------------------------------------------------------

    /**
     * Ten levels of ten aliases would be 10^10 values. The reader adds up sizes instead of
     * expanding, so it stops at level l3's eighth alias (line 5), where the aliases have added
     * 101,218 values: had it expanded anything, this test would never end.
     */
    @Test
    void anAliasBombIsRefusedAtTheAliasThatPassesTheLimitBeforeAnythingExpands() {
        StringBuilder bomb = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        String previous = "a";
        for (int level = 0; level < 10; level++) {
            bomb.append("l").append(level).append(": &l").append(level).append(" [")
                    .append(String.join(", ", Collections.nCopies(10, "*" + previous))).append("]\n");
            previous = "l" + level;
        }
        assertThat(refusal(bomb.toString())).isEqualTo("the document expands to more than 100000 values through YAML aliases;"
                + " write the values out or use fewer aliases (line 5, column 45)");
    }

    @Test
    void aliasesAreCountedEachUse() {
        String within = "a: &a x\nl: [" + String.join(", ", Collections.nCopies(YamlReader.MAX_ALIASES, "*a")) + "]\n";
        assertThat((List<?>) one(within).get("l")).hasSize(YamlReader.MAX_ALIASES);
        assertThat(refusal(within.replace("[", "[*a, "))).startsWith("the YAML uses more than " + YamlReader.MAX_ALIASES + " YAML aliases");
    }

    @Test
    void whatAliasesAddIsBoundedInCharactersToo() {
        String big = "a: &a " + "x".repeat(60_000) + "\nl: [" + String.join(", ", Collections.nCopies(80, "*a")) + "]\n";
        assertThat(refusal(big)).startsWith("the document expands to more than 4194304 characters through YAML aliases");
    }

    @Test
    void anAliasInsideItsOwnAnchorIsRefused() {
        assertThat(refusal("a: &a [1, *a]\n")).isEqualTo("the YAML refers to itself: *a is used inside its own anchor (line 1, column 11)");
    }

    @Test
    void nestingIsBoundedAlsoThroughAliases() {
        String levels = "[".repeat(Limits.MAX_NESTING_DEPTH) + "]".repeat(Limits.MAX_NESTING_DEPTH);
        assertThat(YamlReader.read(levels)).hasSize(1);
        assertThat(refusal("[" + levels + "]")).startsWith("the document is nested too deeply: more than 100 levels");
        assertThat(refusal("a: &d " + "[".repeat(60) + "]".repeat(60) + "\nb: " + "[".repeat(50) + "*d" + "]".repeat(50) + "\n"))
                .startsWith("the document is nested too deeply: more than 100 levels through *d");
        assertThat(refusal("a: " + "[".repeat(50_000) + "]".repeat(50_000))).startsWith("the document is nested too deeply");
    }

    @Test
    void theStreamIsBoundedInCharactersAndDocuments() {
        assertThat(refusal("a: " + "x".repeat(YamlReader.MAX_CHARS))).isEqualTo("the YAML has 4194307 characters; at most 4194304 are accepted");
        assertThat(YamlReader.read("---\na: 1\n".repeat(YamlReader.MAX_DOCUMENTS))).hasSize(YamlReader.MAX_DOCUMENTS);
        assertThat(refusal("---\n".repeat(YamlReader.MAX_DOCUMENTS + 1))).startsWith("the YAML holds more than 1000 documents");
    }

    @Test
    void aMappingKeyMustBeAPlainValue() {
        assertThat(refusal("? [a, b]\n: c\n")).startsWith("a mapping key must be a plain value");
    }
}
