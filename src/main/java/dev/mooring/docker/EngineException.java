package dev.mooring.docker;

/**
 * A Docker call failed. {@link #conflict} and {@link #notFound} let callers tell an expected
 * race (a container already gone) from a real failure without knowing docker-java.
 */
public class EngineException extends RuntimeException {
    public final int httpStatus;
    /** What stood in the way, as a status and event reason ({@code PortConflict}, {@code NameConflict}), or null. */
    public final String reason;

    public EngineException(String message, int httpStatus, Throwable cause) {
        this(message, httpStatus, null, cause);
    }

    public EngineException(String message, int httpStatus, String reason, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.reason = reason;
    }

    public boolean notFound() {
        return httpStatus == 404;
    }

    public boolean conflict() {
        return httpStatus == 409;
    }
}
