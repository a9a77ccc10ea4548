package dev.mooring.security;

/**
 * A host path or build context that admission allowed but that now, right before the engine
 * uses it, resolves somewhere the namespace's level forbids (a symlink swapped in since).
 * The message names the field and the rule; the App's status and a Warning event carry it.
 */
public class HostPathRefusedException extends RuntimeException {
    public HostPathRefusedException(String message) {
        super(message);
    }
}
