package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import static dev.mooring.source.compose.ComposeValues.keyValuesNullable;
import static dev.mooring.source.compose.ComposeValues.map;
import static dev.mooring.source.compose.ComposeValues.str;

/** A service's {@code build}: a context inside the project, its Dockerfile, arguments and target stage. */
final class BuildTranslator implements ServiceKeys {
    private final ComposeFile file;
    private final Problems problems;

    BuildTranslator(ComposeFile file) {
        this.file = file;
        this.problems = file.problems;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of("build", (service, s, v, at) -> s.build = build(v, at));
    }

    private AppSpec.Build build(Object v, String at) {
        AppSpec.Build b = new AppSpec.Build();
        Map<String, Object> m = v instanceof Map ? map(v, at) : Map.of("context", str(v));
        String context = m.containsKey("context") ? str(m.get("context")) : ".";
        String inline = null;
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String k = at + "." + e.getKey();
            switch (e.getKey()) {
                case "context" -> {
                }
                case "dockerfile" -> b.dockerfile = str(e.getValue());
                case "dockerfile_inline" -> inline = str(e.getValue());
                case "args" -> b.args = args(e.getValue(), k);
                case "target" -> b.target = str(e.getValue());
                case "cache_from", "cache_to", "labels", "no_cache", "pull", "platforms", "tags", "shm_size" ->
                        problems.ignored(k, "the image is built the same without it");
                default -> problems.unsupported(k, "a build with " + e.getKey() + " would not be the same build");
            }
        }
        if (context.contains("://") || context.startsWith("git@")) {
            problems.unsupported(at + ".context", "remote build contexts (" + context + "); put the sources in the project or a GitRepository");
            return b;
        }
        b.context = file.insideProject(context, at + ".context");
        if (inline != null) {
            if (b.dockerfile != null) {
                problems.error(at + ".dockerfile_inline", "and dockerfile name two Dockerfiles; keep one (Compose refuses both too)");
            } else if (b.context != null) {
                b.dockerfile = inlineDockerfile(Path.of(b.context), inline, at + ".dockerfile_inline");
            }
        }
        return b;
    }

    /**
     * {@code dockerfile_inline} as a file of the build context that Mooring owns, named by its
     * content ({@code .mooring-inline-<12 hex of its SHA-256>.Dockerfile}), so the same text is
     * the same file and the build sees exactly what the compose file says. The context must be a
     * directory of the project, as its real path too: the file is never written through a link.
     */
    private String inlineDockerfile(Path context, String text, String at) {
        try {
            Path real = ComposeFile.realPath(context);
            if (!real.startsWith(ComposeFile.realPath(file.boundary())) || !Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
                problems.error(at, "the build context " + context + " is not a directory of the project (it resolves to " + real + ")");
                return null;
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            String name = ".mooring-inline-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12) + ".Dockerfile";
            Path f = real.resolve(name);
            if (Files.isSymbolicLink(f) || Files.exists(f, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                problems.error(at, "the build context already has " + name + ", and not as Mooring writes it");
                return null;
            }
            if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS) || !java.util.Arrays.equals(Files.readAllBytes(f), bytes)) {
                Files.write(f, bytes, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            }
            return name;
        } catch (IOException | NoSuchAlgorithmException e) {
            problems.error(at, "cannot be written into the build context: " + e.getMessage());
            return null;
        }
    }

    /** Build arguments; one without a value Compose would take from the shell, so it is left out. */
    private Map<String, String> args(Object v, String at) {
        Map<String, String> args = new TreeMap<>();
        for (Map.Entry<String, String> a : keyValuesNullable(v, at).entrySet()) {
            if (a.getValue() == null) {
                problems.warn(at + "." + a.getKey(), "has no value (Compose would take it from your shell); left out");
            } else {
                args.put(a.getKey(), a.getValue());
            }
        }
        return args;
    }
}
