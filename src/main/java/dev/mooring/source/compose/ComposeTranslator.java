package dev.mooring.source.compose;

import dev.mooring.api.MooringResource;

import java.nio.file.Path;
import java.util.List;

/**
 * Turns a docker-compose file (Compose specification) into Mooring resources of one namespace.
 * Pure: no store, no engine. {@code projectDir} is where relative paths ({@code build:} contexts,
 * bind mounts, env files, file secrets) resolve; null when only the file was given.
 *
 * <p>Contract shared by the REST import and the Git source. The body is filled in by the
 * compose-import work; until then every call fails loudly.
 */
public final class ComposeTranslator {

    /** A key Mooring does not support but can ignore without changing behaviour, named by its path. */
    public record Warning(String path, String message) {
    }

    /** The resources of one compose file and what was ignored. */
    public record Translation(List<MooringResource<?, ?>> resources, List<Warning> warnings) {
    }

    private ComposeTranslator() {
    }

    /**
     * @throws dev.mooring.api.ApiException a 422 naming each key whose omission would change
     *     behaviour, or a 400 for a file that is not a compose file
     */
    public static Translation translate(String namespace, byte[] composeYaml, Path projectDir) {
        throw new UnsupportedOperationException("compose import is not built yet");
    }
}
