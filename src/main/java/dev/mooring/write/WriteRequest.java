package dev.mooring.write;

import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceKey;
import dev.mooring.store.ResourceSources;

import java.util.List;

/**
 * One write of the {@link WritePath}: what to write ({@code resources}, and for an apply the
 * keys to {@code prune} in the same transaction), on behalf of which source ({@code owner}: the
 * REST API, a GitRepository, the CRD mirror), by whom ({@code actor}, for the audit log), and
 * whether only to see what would happen ({@code dryRun}, an apply only).
 */
public record WriteRequest(Verb verb, List<MooringResource<?, ?>> resources, List<ResourceKey> prune,
                           String owner, Actor actor, boolean dryRun) {

    /**
     * CREATE: a new resource (409 when its name is taken); REPLACE: an existing one (404 when
     * missing); APPLY: create or update each resource and delete each pruned key, all or nothing;
     * DELETE: start the deletion of the one key in {@code prune}.
     */
    public enum Verb { CREATE, REPLACE, APPLY, DELETE }

    public WriteRequest {
        resources = List.copyOf(resources);
        prune = List.copyOf(prune);
    }

    /** POST of one resource through the REST API. */
    public static WriteRequest create(MooringResource<?, ?> resource, Actor actor) {
        return new WriteRequest(Verb.CREATE, List.of(resource), List.of(), ResourceSources.REST, actor, false);
    }

    /** PUT of one resource through the REST API (and a rollback, which replaces the spec). */
    public static WriteRequest replace(MooringResource<?, ?> resource, Actor actor) {
        return new WriteRequest(Verb.REPLACE, List.of(resource), List.of(), ResourceSources.REST, actor, false);
    }

    public static WriteRequest apply(List<MooringResource<?, ?>> resources, String owner, Actor actor, boolean dryRun) {
        return new WriteRequest(Verb.APPLY, resources, List.of(), owner, actor, dryRun);
    }

    public static WriteRequest delete(ResourceKey key, String owner, Actor actor) {
        return new WriteRequest(Verb.DELETE, List.of(), List.of(key), owner, actor, false);
    }

    /** The same apply, deleting {@code keys} too (what left a Git repository). */
    public WriteRequest pruning(List<ResourceKey> keys) {
        return new WriteRequest(verb, resources, keys, owner, actor, dryRun);
    }

    /**
     * The optimistic-concurrency expectation: the {@code metadata.resourceVersion} a replace names,
     * which the store holds it to; null when the write expects none.
     */
    public String expectedVersion() {
        return verb == Verb.REPLACE ? resources.get(0).getMetadata().getResourceVersion() : null;
    }

    /**
     * Whether a lost race is tried again ({@link RetryOnConflict}): not for a create, whose race
     * is a name taken at the same moment, nor when the writer named the version it expects (the
     * conflict is then the writer's to resolve).
     */
    boolean retries() {
        return verb != Verb.CREATE && expectedVersion() == null;
    }

    /**
     * Whether each field error names its resource: an apply a caller sends (POST /apply, a compose
     * import) may hold many. A create or replace is about the resource of its URL; a source's
     * write reports the error on its own object (a Git file, the custom resource).
     */
    boolean namesObjects() {
        return verb == Verb.APPLY && actor instanceof Actor.Caller;
    }
}
