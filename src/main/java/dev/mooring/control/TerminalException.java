package dev.mooring.control;

/**
 * A failure that retrying cannot fix (the spec itself is wrong for this engine). The
 * reconciler writes it to status; the key is not retried until the resource changes.
 */
public class TerminalException extends RuntimeException {
    public TerminalException(String message) {
        super(message);
    }
}
