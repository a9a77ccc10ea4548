package dev.mooring;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package map of docs/architecture.md, checked on every build: a package uses only the
 * packages below it. Imports and fully qualified names in code count; comments and strings do
 * not. A package that is not in the map is a failure too, so a new one gets its place on purpose.
 */
class LayeringTest {
    /** Package (below dev.mooring) → the packages it may use besides itself. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            entry("", Set.of("api", "store", "docker", "control", "security", "write", "reconcile",
                    "source.rest", "source.compose", "source.git", "source.crd")),
            entry("api", Set.of()),
            entry("store", Set.of("api")),
            entry("docker", Set.of("api")),
            entry("control", Set.of("api", "store")),
            entry("security", Set.of("api", "store", "docker")),
            entry("write", Set.of("api", "store", "security")),
            entry("reconcile", Set.of("api", "store", "docker", "control", "security")),
            entry("source.compose", Set.of("api", "store")),
            entry("source.rest", Set.of("api", "store", "docker", "control", "security", "write", "reconcile", "source.compose")),
            entry("source.git", Set.of("api", "store", "control", "security", "write", "reconcile", "source.compose")),
            entry("source.crd", Set.of("api", "store", "control", "security", "write", "reconcile")));

    private static final Pattern PACKAGE = Pattern.compile("^package dev\\.mooring((?:\\.[a-z][a-z0-9]*)*);", Pattern.MULTILINE);
    /** A use of a Mooring type: its package is everything before the first capitalised segment. */
    private static final Pattern USE = Pattern.compile("\\bdev\\.mooring((?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");
    private static final Pattern STRINGS = Pattern.compile("\"(?:\\\\.|[^\"\\\\\\n])*\"");
    private static final Pattern BLOCK_COMMENTS = Pattern.compile("(?s)/\\*.*?\\*/");
    private static final Pattern LINE_COMMENTS = Pattern.compile("//[^\\n]*");

    @Test
    void everyMainPackageUsesOnlyThePackagesBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/mooring"))) {
            files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(p -> {
                try {
                    violations.addAll(violations(p.toString(), Files.readString(p)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        assertThat(violations).as("imports that break the package map (docs/architecture.md)").isEmpty();
    }

    @Test
    void theCheckFindsAStoreThatUsesSecurityAndADockerThatUsesControl() {
        assertThat(violations("Bad.java", """
                package dev.mooring.store;

                import dev.mooring.api.App;
                import dev.mooring.security.Admission;
                """)).containsExactly("Bad.java: store uses security (dev.mooring.security.A…)");
        assertThat(violations("Bad.java", """
                package dev.mooring.docker;

                class Watcher {
                    dev.mooring.control.Controller controller;
                }
                """)).containsExactly("Bad.java: docker uses control (dev.mooring.control.C…)");
    }

    @Test
    void commentsAndStringsAreNotUses() {
        assertThat(violations("Fine.java", """
                package dev.mooring.api;

                /** Checked by {@link dev.mooring.security.AdmissionPolicy}. */
                class Fine {
                    // see dev.mooring.reconcile.ResourcePlan
                    String s = "dev.mooring.store.ResourceStore";
                }
                """)).isEmpty();
    }

    @Test
    void aPackageOutsideTheMapIsReported() {
        assertThat(violations("New.java", "package dev.mooring.shiny;\n"))
                .containsExactly("New.java: package shiny is not in the package map");
    }

    static List<String> violations(String file, String source) {
        Matcher pkg = PACKAGE.matcher(source);
        if (!pkg.find()) {
            return List.of(file + ": no dev.mooring package");
        }
        String own = pkg.group(1).isEmpty() ? "" : pkg.group(1).substring(1);
        Set<String> allowed = ALLOWED.get(own);
        if (allowed == null) {
            return List.of(file + ": package " + own + " is not in the package map");
        }
        String code = LINE_COMMENTS.matcher(BLOCK_COMMENTS.matcher(STRINGS.matcher(source).replaceAll("\"\"")).replaceAll(" ")).replaceAll(" ");
        Set<String> out = new TreeSet<>();
        Matcher use = USE.matcher(code);
        while (use.find()) {
            String used = use.group(1).isEmpty() ? "" : use.group(1).substring(1);
            if (!used.equals(own) && !allowed.contains(used)) {
                out.add(file + ": " + (own.isEmpty() ? "dev.mooring" : own) + " uses " + used
                        + " (" + use.group() + "…)");
            }
        }
        return new ArrayList<>(out);
    }
}
