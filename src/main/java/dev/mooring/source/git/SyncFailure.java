package dev.mooring.source.git;

import dev.mooring.api.ApiException;
import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.GitRepositoryStatus.FileError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A reason a sync cannot go on (the commit cannot be fetched, read or applied), with the errors
 * by file: its {@code reason} becomes the conditions' reason, its message {@code lastError}'s.
 */
final class SyncFailure extends Exception {
    final String reason;
    final List<FileError> errors;

    SyncFailure(String reason, String message, List<FileError> errors) {
        super(message);
        this.reason = reason;
        this.errors = errors;
    }

    /** A commit whose files do not parse or validate: every error with its file, the first ten in the message. */
    static SyncFailure invalidManifests(String commit, List<FileError> errors) {
        String count = errors.size() == 1 ? "1 error" : errors.size() + " errors";
        String listed = String.join("; ", errors.stream().limit(10).map(e -> (e.file == null ? "" : e.file + ": ")
                + (e.object == null ? "" : e.object + ": ") + (e.field == null ? "" : e.field + ": ") + e.message).toList())
                + (errors.size() > 10 ? "; ..." : "");
        return new SyncFailure("InvalidManifests", count + " in commit " + GitSync.shortId(commit) + ": " + listed, errors);
    }

    /** An API error of the checks or of the store, its fields placed in their files. */
    static SyncFailure of(String reason, String commit, RuntimeException e, Map<String, String> fileOf) {
        List<FileError> errors = new ArrayList<>();
        if (e instanceof ApiException api) {
            for (FieldError fe : api.errors) {
                String id = fe.object() == null ? null : idOf(fe.object());
                errors.add(new FileError(id == null ? null : fileOf.get(id), id, fe.field(), fe.message()));
            }
        }
        return new SyncFailure(reason, "commit " + GitSync.shortId(commit) + " cannot be applied: " + message(e), errors);
    }

    /** {@code App shop/web} to {@code App/web}. */
    private static String idOf(String object) {
        int sp = object.indexOf(' ');
        int slash = object.lastIndexOf('/');
        return sp < 0 || slash < sp ? null : object.substring(0, sp) + "/" + object.substring(slash + 1);
    }

    /** The first message in the cause chain that says something (reflection's wrappers say nothing). */
    static String message(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c && (c.getMessage() == null || c instanceof java.lang.reflect.InvocationTargetException)) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
