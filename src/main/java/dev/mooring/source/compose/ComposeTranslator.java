package dev.mooring.source.compose;

import dev.mooring.api.ApiException;
import dev.mooring.api.MooringResource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a docker-compose file (Compose specification) into Mooring resources of one namespace.
 * Pure: no store, no engine. {@code projectDir} is where relative paths ({@code build:} contexts,
 * bind mounts, env files, file secrets) resolve; null when only the file was given.
 *
 * <p>Contract shared by the REST import and the Git source. Services become Apps, top-level
 * networks, volumes and file secrets become Networks, Volumes and Secrets of the same names; a
 * service without {@code networks} joins the project's {@code default} Network, with its service
 * name as alias, as in Compose. {@code ${VAR:-default}} is interpolated from the project's
 * {@code .env}. Each key is translated, a warning (ignoring it keeps behaviour) or an error (a 422
 * naming every such key); see {@link ServiceTranslator} for the service keys.
 */
public final class ComposeTranslator {
    /** A key Mooring does not support but can ignore without changing behaviour, named by its path. */
    public record Warning(String path, String message) {
    }

    /**
     * The resources of one compose file, what was ignored, and the project's files that hold
     * secret values (every top-level {@code secrets.<name>.file}), which an import must not keep.
     */
    public record Translation(List<MooringResource<?, ?>> resources, List<Warning> warnings, List<Path> secretFiles) {
        public Translation(List<MooringResource<?, ?>> resources, List<Warning> warnings) {
            this(resources, warnings, List.of());
        }
    }

    /**
     * How to read a project: the {@code profiles} whose services are taken ({@code *}: all;
     * empty: those without profiles, as {@code docker compose up}), and the directory no path may
     * leave (null: the project directory; a Git checkout's root for a compose file in a subdirectory).
     */
    public record Options(Set<String> profiles, Path boundary) {
        public static final Options DEFAULT = new Options(Set.of(), null);

        public Options {
            profiles = Set.copyOf(profiles);
        }

        /** {@code a,b} or {@code *} as a query parameter gives them. */
        public static Options profiles(String query) {
            return new Options(ComposeLoader.profiles(query), null);
        }
    }

    private ComposeTranslator() {
    }

    /**
     * @throws dev.mooring.api.ApiException a 422 naming each key whose omission would change
     *     behaviour, or a 400 for a file that is not a compose file
     */
    public static Translation translate(String namespace, byte[] composeYaml, Path projectDir) {
        return translate(namespace, composeYaml, projectDir, Options.DEFAULT);
    }

    /**
     * The same, with the project's files read as {@code docker compose up} reads them
     * ({@link ComposeLoader}: override file, {@code extends}, {@code include}, {@code profiles},
     * merge tags) before any key is translated.
     */
    public static Translation translate(String namespace, byte[] composeYaml, Path projectDir, Options options) {
        Map<String, Object> top = ComposeSyntax.document(composeYaml);
        Problems problems = new Problems();
        Map<String, String> vars = dotEnv(projectDir, problems);
        Path dir = projectDir == null ? null : projectDir.toAbsolutePath().normalize();
        Path boundary = options.boundary() != null ? options.boundary().toAbsolutePath().normalize() : dir;
        Map<String, Object> file = new ComposeLoader(boundary, problems).load(top, dir, "the compose file", vars, options.profiles());
        List<ApiException.FieldError> tooLarge = dev.mooring.api.ValueLimits.oversized(file);
        if (!tooLarge.isEmpty()) {
            throw ApiException.invalid(tooLarge);
        }
        ComposeFile compose = new ComposeFile(namespace, projectDir, boundary, problems, file);
        compose.translate();
        if (!problems.errors.isEmpty()) {
            throw ApiException.invalid(problems.errors);
        }
        return new Translation(compose.resources(), List.copyOf(problems.warnings), compose.secrets.files());
    }

    private static Map<String, String> dotEnv(Path projectDir, Problems problems) {
        if (projectDir == null || !Files.isRegularFile(projectDir.resolve(".env"))) {
            return Map.of();
        }
        try {
            return ComposeSyntax.envFile(Files.readString(projectDir.resolve(".env")));
        } catch (IOException e) {
            problems.error(".env", "cannot be read: " + e.getMessage());
            return Map.of();
        }
    }
}
