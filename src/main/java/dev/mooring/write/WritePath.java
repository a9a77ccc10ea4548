package dev.mooring.write;

import dev.mooring.api.ApiException;
import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.App;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Network;
import dev.mooring.api.NetworkSpec;
import dev.mooring.api.ResourceKey;
import dev.mooring.api.Validation;
import dev.mooring.security.Admission;
import dev.mooring.security.AuditLog;
import dev.mooring.security.AuditTrail;
import dev.mooring.store.ResourceStore;
import dev.mooring.store.ResourceStore.Outcome;
import dev.mooring.store.ResourceStore.Written;
import dev.mooring.write.WriteRefused.Step;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The single write path: every source (REST create, replace, apply and delete, compose import,
 * rollback, Git sync, the CRD mirror) writes resources through {@link #write}, so none can skip a
 * check. In order: validation, the dependency-cycle check, admission, the store transaction
 * (tried again on a lost race), admission's findings recorded, the audit record. A refusal before
 * the store is a {@link WriteRefused}; the store's own refusals (404, 409) pass as they are.
 */
@ApplicationScoped
public class WritePath {
    @Inject
    ResourceStore store;
    @Inject
    Admission admission;
    @Inject
    AuditTrail trail;
    @Inject
    AuditLog log;

    /** Writes (or, with dryRun, previews) the request; answers what happened to each resource and pruned key. */
    public List<Written> write(WriteRequest request) {
        validate(request);
        staticAddresses(request, (ns, name) -> store.find(Network.class, ns, name).map(Network::getSpec).orElse(null));
        FieldError cycle = dependencyCycle(request, ns -> store.list(App.class, ns));
        if (cycle != null) {
            throw new WriteRefused(Step.DEPENDENCY_CYCLE, ApiException.invalid(List.of(cycle)));
        }
        List<Admission.Finding> findings = admit(request);
        List<Written> written = request.retries() ? RetryOnConflict.run(() -> store(request)) : store(request);
        if (!request.dryRun()) {
            admission.record(findings, written.stream().map(Written::resource).toList());
        }
        audit(request, written);
        return written;
    }

    /** Every field of every resource by {@link Validation}; a 422 naming each. */
    static void validate(WriteRequest request) {
        List<FieldError> errors = new ArrayList<>();
        for (MooringResource<?, ?> r : request.resources()) {
            String id = r.getKind() + " " + r.namespace() + "/" + r.name();
            Validation.validate(r).forEach(e -> errors.add(request.namesObjects() ? e.of(id) : e));
        }
        if (!errors.isEmpty()) {
            throw new WriteRefused(Step.VALIDATION, ApiException.invalid(errors));
        }
    }

    /**
     * Fixed addresses against the subnets of their Networks: the request's Network of that name,
     * else the stored one (issue 13); a 422 naming each field.
     */
    static void staticAddresses(WriteRequest request, java.util.function.BiFunction<String, String, NetworkSpec> stored) {
        List<FieldError> errors = new ArrayList<>();
        for (MooringResource<?, ?> r : request.resources()) {
            if (r instanceof App app && app.getSpec() != null && app.getSpec().networks != null) {
                String id = r.getKind() + " " + r.namespace() + "/" + r.name();
                Validation.staticAddresses(app, name -> request.resources().stream()
                        .filter(x -> x instanceof Network && name.equals(x.name()) && app.namespace().equals(x.namespace()))
                        .map(x -> ((Network) x).getSpec()).findFirst().orElseGet(() -> stored.apply(app.namespace(), name)))
                        .forEach(e -> errors.add(request.namesObjects() ? e.of(id) : e));
            }
        }
        if (!errors.isEmpty()) {
            throw new WriteRefused(Step.VALIDATION, ApiException.invalid(errors));
        }
    }

    /**
     * A circle of Apps depending on each other that the write would close (such Apps would wait
     * forever), or null: the request's Apps over the stored ones of their namespaces that stay,
     * which leaves out the Apps it prunes.
     */
    static FieldError dependencyCycle(WriteRequest request, Function<String, List<App>> storedApps) {
        Map<String, List<App>> staying = new LinkedHashMap<>();
        for (MooringResource<?, ?> r : request.resources()) {
            if (r instanceof App app) {
                staying.computeIfAbsent(app.namespace(), ns -> storedApps.apply(ns).stream()
                        .filter(a -> !request.prune().contains(ResourceKey.of(a))).toList());
            }
        }
        return Validation.dependencyCycle(staying, request.resources());
    }

    private List<Admission.Finding> admit(WriteRequest request) {
        if (request.resources().isEmpty()) {
            return List.of();
        }
        try {
            return admission.admit(request.resources());
        } catch (ApiException e) {
            throw new WriteRefused(Step.ADMISSION, e);
        }
    }

    private List<Written> store(WriteRequest request) {
        String owner = request.owner();
        return switch (request.verb()) {
            case CREATE -> List.of(new Written(store.create(request.resources().get(0), owner), Outcome.created));
            case REPLACE -> List.of(store.replace(request.resources().get(0), owner));
            case APPLY -> store.applyAndPrune(request.resources(), request.prune(), request.dryRun(), owner);
            case DELETE -> request.prune().stream().map(k -> store.delete(k.kind(), k.namespace(), k.name(), owner)).toList();
        };
    }

    private void audit(WriteRequest request, List<Written> written) {
        if (request.actor() instanceof Actor.Caller caller) {
            written.forEach(w -> trail.wrote(caller.verb(), w.resource(), w.previousResourceVersion(),
                    caller.detail(w.outcome(), request.dryRun())));
        } else if (request.actor() instanceof Actor.Source source && !request.dryRun()) {
            written.forEach(w -> log.sourceWrote(source.user(), w, source.why()));
        }
    }
}
