package dev.mooring.source.git;

import dev.mooring.api.ApiException;
import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.GitRepositoryStatus.FileError;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Validation;
import dev.mooring.source.compose.ComposeTranslator;
import dev.mooring.api.ResourceParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The resources one commit declares: every Mooring manifest ({@code *.yaml}, {@code *.yml},
 * {@code *.json} holding {@code apiVersion: mooring.dev/...}) and every compose file under the
 * repository's path, parsed and validated as the REST API does, all in the repository's namespace.
 * Pure apart from reading the checkout: no store, no engine. Errors name the file (relative to
 * the repository root), the resource and the field.
 */
final class CommitManifests {
    static final Set<String> COMPOSE_FILES = Set.of("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml");
    /** A manifest file may be as large as a request body to the API. */
    static final long MAX_FILE = 1024 * 1024;
    private static final Pattern MOORING_YAML = Pattern.compile("(?m)^\\s*(-\\s+)?apiVersion\\s*:\\s*[\"']?mooring\\.dev/");
    private static final Pattern MOORING_JSON = Pattern.compile("\"apiVersion\"\\s*:\\s*\"mooring\\.dev/");

    /** What the commit declares; {@code fileOf} maps {@code Kind/name} to the file it came from. */
    record Loaded(List<MooringResource<?, ?>> resources, Map<String, String> fileOf, List<FileError> errors, List<String> warnings) {
    }

    private CommitManifests() {
    }

    static String id(MooringResource<?, ?> r) {
        return Kind.of(r).name() + "/" + r.name();
    }

    /** Reads {@code checkout/path}; {@code path} relative to the checkout ("" for its root). */
    static Loaded load(Path checkout, String path, String namespace) throws IOException {
        List<MooringResource<?, ?>> resources = new ArrayList<>();
        Map<String, String> fileOf = new LinkedHashMap<>();
        List<FileError> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Path base = path.isEmpty() ? checkout : checkout.resolve(path).normalize();
        if (!base.startsWith(checkout) || !Files.isDirectory(base)) {
            errors.add(new FileError(path, null, "spec.path", "\"" + path + "\" is not a directory in this commit"));
            return new Loaded(resources, fileOf, errors, warnings);
        }
        List<Path> files;
        try (Stream<Path> all = Files.walk(base)) {
            files = all.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !checkout.relativize(p).toString().startsWith(".git/"))
                    .sorted().toList();
        }
        for (Path file : files) {
            String rel = checkout.relativize(file).toString().replace('\\', '/');
            String fileName = file.getFileName().toString();
            boolean compose = COMPOSE_FILES.contains(fileName);
            boolean candidate = compose || fileName.endsWith(".yaml") || fileName.endsWith(".yml") || fileName.endsWith(".json");
            if (!candidate) {
                continue;
            }
            if (Files.size(file) > MAX_FILE) {
                if (compose || mooring(Files.readString(file, StandardCharsets.UTF_8), fileName)) {
                    errors.add(new FileError(rel, null, null, "is " + Files.size(file) + " bytes; a manifest may have at most " + MAX_FILE));
                }
                continue;
            }
            byte[] bytes = Files.readAllBytes(file);
            List<MooringResource<?, ?>> found;
            try {
                if (compose) {
                    ComposeTranslator.Translation t = ComposeTranslator.translate(namespace, bytes, file.getParent(),
                            new ComposeTranslator.Options(java.util.Set.of(), checkout)); // the project is the whole checkout
                    found = t.resources();
                    t.warnings().forEach(w -> warnings.add(rel + ": " + w.path() + ": " + w.message()));
                    for (MooringResource<?, ?> r : found) {
                        for (FieldError e : Validation.validate(r)) {
                            errors.add(new FileError(rel, id(r), e.field(), e.message()));
                        }
                    }
                } else {
                    String text = new String(bytes, StandardCharsets.UTF_8);
                    if (!mooring(text, fileName)) {
                        continue;
                    }
                    found = ResourceParser.parse(text, !fileName.endsWith(".json"), namespace);
                }
            } catch (ApiException e) {
                if (e.errors.isEmpty()) {
                    errors.add(new FileError(rel, null, null, e.getMessage()));
                } else {
                    e.errors.forEach(fe -> errors.add(new FileError(rel, fe.object(), fe.field(), fe.message())));
                }
                continue;
            } catch (RuntimeException e) {
                errors.add(new FileError(rel, null, null, (compose ? "compose file: " : "") + e.getMessage()));
                continue;
            }
            for (MooringResource<?, ?> r : found) {
                String id = id(r);
                if (!namespace.equals(r.namespace())) {
                    errors.add(new FileError(rel, id, "metadata.namespace", "\"" + r.namespace()
                            + "\" is not the namespace of the GitRepository (" + namespace + "); a repository applies to its own namespace only"));
                    continue;
                }
                String before = fileOf.putIfAbsent(id, rel);
                if (before != null) {
                    errors.add(new FileError(rel, id, "metadata.name", id + " is declared twice: in " + before + " and in " + rel));
                    continue;
                }
                resources.add(r);
            }
        }
        return new Loaded(resources, fileOf, errors, warnings);
    }

    private static boolean mooring(String text, String fileName) {
        return (fileName.endsWith(".json") ? MOORING_JSON : MOORING_YAML).matcher(text).find();
    }
}
