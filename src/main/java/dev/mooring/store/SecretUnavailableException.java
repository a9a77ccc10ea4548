package dev.mooring.store;

/**
 * A Secret value that cannot be had right now: the Secret or key is gone, it changed since the
 * pass planned with it, or it does not decrypt under the configured keys. Its message names the
 * Secret and key, never the value.
 */
public class SecretUnavailableException extends RuntimeException {
    public SecretUnavailableException(String message) {
        super(message);
    }
}
