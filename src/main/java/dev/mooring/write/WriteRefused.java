package dev.mooring.write;

import dev.mooring.api.ApiException;

/**
 * A write the {@link WritePath} refused before the store, with the step that refused it, so a
 * source can say which check its object failed (a Git sync's DependencyCycle or AdmissionDenied).
 * Answered like the refusal it carries: same status, title, detail and fields.
 */
public class WriteRefused extends ApiException {
    /** The check that refused the write. */
    public enum Step { VALIDATION, DEPENDENCY_CYCLE, ADMISSION }

    public final Step step;

    WriteRefused(Step step, ApiException refusal) {
        super(refusal.status, refusal.title, refusal.getMessage(), refusal.errors);
        this.step = step;
    }
}
