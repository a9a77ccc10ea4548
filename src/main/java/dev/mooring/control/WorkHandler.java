package dev.mooring.control;

import dev.mooring.api.ResourceKey;

/**
 * A second kind of work on the {@link Controller}'s workers, beside reconciling: keys of its own
 * ({@link Controller#enqueue(String, ResourceKey)}), handled under the same rules as a
 * reconcile. Only the leader handles them (a follower drops them); a key is never handled by two
 * workers at once; a failure is retried with the queue's per-key backoff; a success forgets it.
 * The custom resource mirror is one: its keys share the workers with the loop's.
 */
public interface WorkHandler {
    /** The name its keys are enqueued under, and that the log says. */
    String name();

    /** Handles one key; an exception retries it after a backoff. */
    void handle(ResourceKey key) throws Exception;
}
