package dev.mooring.reconcile;

import dev.mooring.api.ApiException;
import dev.mooring.api.App;
import dev.mooring.api.AppStatus;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Network;
import dev.mooring.api.Secret;
import dev.mooring.api.Volume;
import dev.mooring.api.ResourceKey;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.DockerEngines;
import dev.mooring.docker.EngineException;
import dev.mooring.store.ResourceStore;
import dev.mooring.store.RevisionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The plan of a change before it is made: for desired resources (stored, or those a dry run
 * would store), what the loop would do on the engine, as {@link ResourcePlan}s. It observes as
 * the reconcilers do, but only reads: it lists and inspects, never pulls, creates, writes status,
 * records a revision or an event. The decisions are the planners' own (an App's plan runs the loop's
 * own target and decision code over a read-only view, {@link AppPlan}; Networks and Volumes run
 * their planners), so the plan is what the loop will do, not a second opinion.
 * <p>
 * What the preview cannot know, it says in the plan's notes: an image that would be pulled first,
 * dependencies the changes wait for, replicas assumed to become ready.
 */
@ApplicationScoped
public class PlanPreview {
    @Inject
    ResourceStore store;
    @Inject
    RevisionStore revisions;
    @Inject
    DockerEngines engines;
    @Inject
    ImageBuilds builds;

    /** The plan of a stored resource; 404 when there is none. */
    public ResourcePlan preview(ResourceKey key) {
        Kind kind = key.kind();
        MooringResource<?, ?> r = store.find(kind, key.namespace(), key.name())
                .orElseThrow(() -> ApiException.notFound(kind.name(), key.namespace(), key.name()));
        return preview(List.of(r)).get(0);
    }

    /**
     * The plans of resources as they are desired (one per resource, in order). A resource that
     * is not stored yet is planned as if it were; Secrets among them count for the Apps among
     * them, as they would once stored.
     */
    public List<ResourcePlan> preview(List<MooringResource<?, ?>> desired) {
        Map<String, Secret> batchSecrets = new LinkedHashMap<>();
        for (MooringResource<?, ?> r : desired) {
            if (r instanceof Secret s) {
                batchSecrets.put(s.namespace() + "/" + s.name(), s);
            }
        }
        List<ResourcePlan> out = new ArrayList<>();
        for (MooringResource<?, ?> r : desired) {
            try {
                out.add(plan(r, batchSecrets));
            } catch (EngineException e) {
                out.add(ResourcePlan.failed(r.getKind(), r.namespace(), r.name(), "engine " + r.engineName() + ": " + e.getMessage()));
            } catch (DockerEngines.UnknownEngineException | NetworkPlanner.NotOwnedException e) {
                out.add(ResourcePlan.failed(r.getKind(), r.namespace(), r.name(), e.getMessage()));
            }
        }
        return out;
    }

    private ResourcePlan plan(MooringResource<?, ?> r, Map<String, Secret> batchSecrets) {
        if (r instanceof App app) {
            return app(app, batchSecrets);
        }
        if (r instanceof Volume v) {
            DockerEngine engine = engines.engine(v.engineName());
            return VolumePreview.preview(v.namespace(), v.name(), v.isDeleting() ? null : VolumePlanner.desired(v),
                    "Delete".equals(v.getSpec().reclaimPolicy), engine.inspectVolume(DockerNames.volume(v.namespace(), v.name())));
        }
        if (r instanceof Network n) {
            DockerEngine engine = engines.engine(n.engineName());
            return NetworkPreview.preview(n.namespace(), n.name(), n.isDeleting() ? null : NetworkPlanner.desired(n),
                    engine.inspectNetwork(DockerNames.network(n.namespace(), n.name())));
        }
        if (r instanceof Secret s) {
            return secret(s);
        }
        return ResourcePlan.of(r.getKind(), r.namespace(), r.name(), List.of(), null, List.of());
    }

    /** The App's plan over a read-only view of its engine and the store ({@link AppPlan}); the batch's Secrets count as stored. */
    private ResourcePlan app(App app, Map<String, Secret> batchSecrets) {
        AppPlan plan = new AppPlan(engines.engine(app.engineName()), store, revisions,
                a -> builds.expectedImage(new ResourceKey(Kind.App, a.namespace(), a.name()), a), Clock.systemUTC());
        return plan.plan(app, n -> Optional.ofNullable(batchSecrets.get(app.namespace() + "/" + n))
                .or(() -> store.find(Secret.class, app.namespace(), n)), currentStatus(app));
    }

    /** The status the loop works from: the stored one (a dry run's resource may not carry it). */
    private AppStatus currentStatus(App app) {
        if (app.getStatus() != null) {
            return app.getStatus();
        }
        return store.find(App.class, app.namespace(), app.name()).map(App::getStatus).filter(Objects::nonNull).orElseGet(AppStatus::new);
    }

    /** A Secret makes nothing on an engine; a change of its values rolls out the Apps that use it. */
    private ResourcePlan secret(Secret s) {
        List<String> notes = new ArrayList<>();
        Map<String, String> wanted = s.getStatus() == null || s.getStatus().digests == null ? Map.of() : s.getStatus().digests;
        Map<String, String> stored = store.find(Secret.class, s.namespace(), s.name())
                .map(x -> x.getStatus() == null || x.getStatus().digests == null ? Map.<String, String>of() : x.getStatus().digests)
                .orElse(null);
        if (stored != null && !stored.equals(wanted)) {
            List<String> users = store.list(App.class, s.namespace()).stream()
                    .filter(a -> SecretUse.names(a.getSpec()).contains(s.name())).map(App::name).sorted().toList();
            if (!users.isEmpty()) {
                notes.add("its values change: the Apps that use it roll out (" + String.join(", ", users) + "); see their plans");
            }
        }
        return ResourcePlan.of("Secret", s.namespace(), s.name(), List.of(), null, notes);
    }
}
