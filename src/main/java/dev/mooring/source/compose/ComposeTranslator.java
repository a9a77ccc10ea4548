package dev.mooring.source.compose;

import dev.mooring.api.ApiException;
import dev.mooring.api.MooringResource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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

    private ComposeTranslator() {
    }

    /**
     * @throws dev.mooring.api.ApiException a 422 naming each key whose omission would change
     *     behaviour, or a 400 for a file that is not a compose file
     */
    public static Translation translate(String namespace, byte[] composeYaml, Path projectDir) {
        Map<String, Object> top = ComposeSyntax.document(composeYaml);
        Problems problems = new Problems();
        Map<String, String> vars = dotEnv(projectDir, problems);
        @SuppressWarnings("unchecked")
        Map<String, Object> file = (Map<String, Object>) new Interpolation(vars, problems).apply(top, "");
        ComposeFile compose = new ComposeFile(namespace, projectDir, problems, file);
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
