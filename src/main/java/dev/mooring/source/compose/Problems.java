package dev.mooring.source.compose;

import dev.mooring.api.ApiException;

import java.util.ArrayList;
import java.util.List;

/** What a translation found: warnings (ignored, behaviour kept) and errors (a 422 naming each key). */
final class Problems {
    final List<ComposeTranslator.Warning> warnings = new ArrayList<>();
    final List<ApiException.FieldError> errors = new ArrayList<>();

    void warn(String path, String message) {
        warnings.add(new ComposeTranslator.Warning(path, message));
    }

    void error(String path, String message) {
        errors.add(new ApiException.FieldError(path, message));
    }

    /** The key is not supported and ignoring it keeps what the service does. */
    void ignored(String path, String why) {
        warn(path, "not supported by Mooring; ignored (" + why + ")");
    }

    /** The key is not supported and ignoring it would change what the service does. */
    void unsupported(String path, String why) {
        error(path, "not supported by Mooring: " + why);
    }
}
