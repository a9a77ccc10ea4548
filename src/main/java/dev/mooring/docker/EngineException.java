package dev.mooring.docker;

/**
 * A Docker call failed. {@link #conflict} and {@link #notFound} let callers tell an expected
 * race (a container already gone) from a real failure without knowing docker-java.
 */
public class EngineException extends RuntimeException {
    public final int httpStatus;

    public EngineException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    public boolean notFound() {
        return httpStatus == 404;
    }

    public boolean conflict() {
        return httpStatus == 409;
    }
}
