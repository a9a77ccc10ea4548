package dev.mooring.reconcile;

import dev.mooring.api.Kind;
import dev.mooring.api.App;
import dev.mooring.api.Condition;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Secret;
import dev.mooring.api.SecretStatus;
import dev.mooring.control.Controller;
import dev.mooring.control.Reconciler;
import dev.mooring.api.ResourceKey;
import dev.mooring.control.Result;
import dev.mooring.store.ResourceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Secret has nothing on the engine; what it changes is the Apps that use it. When its values
 * change (a new generation), or it goes, the Apps of its namespace that name it are enqueued: their
 * config hash holds the values' digests, so exactly those Apps roll out. It also lets a deleted
 * Secret go (its finalizer) and says in status which generation it has acted on. It reads digests
 * only, never a value.
 */
@ApplicationScoped
public class SecretReconciler implements Reconciler {
    @Inject
    ResourceStore store;
    @Inject
    StatusWriter status;
    @Inject
    Controller controller;

    @Override
    public Kind kind() {
        return Kind.Secret;
    }

    @Override
    public Result reconcile(ResourceKey key) {
        Optional<Secret> found = store.find(Secret.class, key.namespace(), key.name());
        if (found.isEmpty()) {
            users(key.namespace(), key.name()).forEach(this::enqueue); // they wait for it now
            return Result.done();
        }
        Secret secret = found.get();
        if (secret.isDeleting()) {
            users(key.namespace(), key.name()).forEach(this::enqueue);
            store.removeFinalizer(key, secret.getMetadata().getUid(), MooringResource.FINALIZER);
            return Result.done();
        }
        SecretStatus s = secret.getStatus() == null ? new SecretStatus() : secret.getStatus();
        long generation = secret.getMetadata().getGeneration() == null ? 0 : secret.getMetadata().getGeneration();
        List<String> keys = s.digests == null ? List.of() : List.copyOf(s.digests.keySet());
        if (!Objects.equals(s.observedGeneration, generation)) {
            List<App> users = users(key.namespace(), key.name());
            users.forEach(this::enqueue);
            status.event(key, secret, StatusWriter.NORMAL, generation <= 1 ? "Stored" : "Changed",
                    "generation " + generation + ", keys: " + (keys.isEmpty() ? "none" : String.join(", ", keys)) + "; "
                            + (users.isEmpty() ? "no App uses it" : "used by Apps " + String.join(", ", users.stream().map(App::name).toList())));
        }
        s.observedGeneration = generation;
        s.digests = null; // shown from the store's own record of them, never kept twice
        s.setCondition(Condition.READY, true, "Stored", keys.size() + " keys, encrypted at rest", Instant.now());
        status.status(key, secret, s);
        return Result.done();
    }

    /** The Apps of the namespace that use the Secret, as a file or an environment variable. */
    private List<App> users(String namespace, String secret) {
        return store.list(App.class, namespace).stream()
                .filter(a -> SecretUse.names(a.getSpec()).contains(secret)).toList();
    }

    private void enqueue(App app) {
        controller.enqueue(new ResourceKey(Kind.App, app.namespace(), app.name()));
    }
}
