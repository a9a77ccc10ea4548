package dev.mooring.source.crd;

import dev.mooring.api.ApiException;
import dev.mooring.api.App;
import dev.mooring.api.Condition;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceCodec;
import dev.mooring.api.ResourceStatus;
import dev.mooring.control.Controller;
import dev.mooring.control.Leadership;
import dev.mooring.control.WorkHandler;
import dev.mooring.api.ResourceKey;
import dev.mooring.reconcile.StatusWriter;
import dev.mooring.security.AuditLog;
import dev.mooring.store.ResourceChanged;
import dev.mooring.store.ResourceSources;
import dev.mooring.store.ResourceStore;
import dev.mooring.write.Actor;
import dev.mooring.write.WritePath;
import dev.mooring.write.WriteRefused;
import dev.mooring.write.WriteRequest;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The CRD source: informers on Mooring's custom resources (in {@code mooring.crd.namespaces}, or
 * all) mirror each one into the store, owned by {@link ResourceSources#CRD}, through the
 * {@link WritePath} like a REST apply, each change in the audit log as user
 * {@value AuditLog#CRD_USER}; the loop reconciles it like any other resource, and its status and
 * events are written back to the custom resource.
 * <p>
 * Level-based like the loop itself: an informer event, a store change or a status the loop wrote
 * only enqueues the key, as work of the Controller's workers ({@link WorkHandler}, same backoff
 * and leadership rule as a reconcile); {@link #sync} then compares the custom resource with the
 * stored one.
 * Deletion: Mooring's finalizer holds the custom resource until the store has removed the
 * resource, which happens once the reconciler has removed its containers.
 * <p>
 * Runs only on the leader (informers start when this instance leads and stop when it no longer
 * does). With {@code mooring.crd.enabled=false} (the default) no Kubernetes client is created and
 * no API server is contacted.
 */
@ApplicationScoped
public class CrdMirror implements WorkHandler {
    /** The name of the mirror's work on the Controller's workers. */
    static final String WORK = "crd";
    private static final Logger LOG = Logger.getLogger(CrdMirror.class);
    /** The custom resource's metadata.generation that the stored spec came from. */
    static final String CRD_GENERATION = "mooring.dev/crd-generation";

    @ConfigProperty(name = "mooring.crd.enabled", defaultValue = "false")
    boolean enabled;
    /** Namespaces to watch; empty: all. */
    @ConfigProperty(name = "mooring.crd.namespaces")
    Optional<List<String>> namespaces;
    @ConfigProperty(name = "mooring.crd.resync-interval", defaultValue = "10m")
    Duration resyncInterval;

    @Inject
    Instance<KubernetesClient> clients;
    @Inject
    ResourceStore store;
    @Inject
    WritePath writes;
    @Inject
    AuditLog audit;
    @Inject
    Controller controller;

    private final Map<Kind, List<SharedIndexInformer<MooringResource<?, ?>>>> informers = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Custom Apps refused because they would close a dependency cycle (and Apps being checked for
     * one): a change to another App of their namespace may lift the refusal, so it syncs them again.
     */
    private final java.util.Set<ResourceKey> cycleRefused = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** True from {@link #start} to {@link #stop}: while this instance leads and the informers run. */
    private volatile boolean running;
    private volatile CrdWriter writer;
    private ExecutorService events;

    void onLeadership(@Observes Leadership.LeadershipChanged change) {
        if (!enabled) {
            return;
        }
        if (change.leader()) {
            start();
        } else {
            stop();
        }
    }

    void onShutdown(@Observes ShutdownEvent ev) {
        stop();
    }

    synchronized void start() {
        if (running) {
            return;
        }
        KubernetesClient client = clients.get();
        writer = new CrdWriter(client);
        running = true;
        events = Executors.newSingleThreadExecutor(r -> daemon(r, "mooring-crd-events"));
        List<String> watched = namespaces.orElse(List.of()).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (Kind kind : CustomResources.kinds()) {
            List<SharedIndexInformer<MooringResource<?, ?>>> list = new ArrayList<>();
            for (String ns : watched.isEmpty() ? java.util.Collections.<String>singletonList(null) : watched) {
                var op = writer.api(kind);
                var informer = (ns == null ? op.inAnyNamespace() : op.inNamespace(ns)).runnableInformer(resyncInterval.toMillis());
                informer.addEventHandler(new Handler(this::enqueue));
                list.add(informer);
            }
            informers.put(kind, list);
        }
        LOG.infof("CRD source: watching %s in %s", CustomResources.kinds(), watched.isEmpty() ? "all namespaces" : watched);
        daemon(() -> {
            for (var e : informers.entrySet()) {
                for (var informer : e.getValue()) {
                    try {
                        informer.start().toCompletableFuture().join();
                    } catch (RuntimeException ex) {
                        // e.g. its CRD is not installed: the other kinds still work
                        LOG.warnf("CRD source: cannot watch %s: %s; install its CRD (crds/) and restart Mooring", e.getKey(), ex.getMessage());
                    }
                }
            }
            // Custom resources deleted while nobody led: their stored copies are still here.
            for (ResourceKey key : QuarkusTransaction.requiringNew().call(() -> store.keysOwnedBy(ResourceSources.CRD))) {
                if (watched.isEmpty() || watched.contains(key.namespace())) {
                    enqueue(key);
                }
            }
        }, "mooring-crd-start").start();
    }

    synchronized void stop() {
        if (!running) {
            return;
        }
        running = false; // keys still queued are dropped by the workers (this instance no longer leads) or found unchanged
        informers.values().forEach(list -> list.forEach(SharedIndexInformer::stop));
        informers.clear();
        cycleRefused.clear();
        events.shutdown();
        LOG.info("CRD source: stopped");
    }

    /** The informers are synced: every custom resource in the watched namespaces is in their caches. */
    public boolean hasSynced() {
        return running && !informers.isEmpty() && informers.values().stream().flatMap(List::stream).allMatch(SharedIndexInformer::hasSynced);
    }

    // ---- triggers from the store and the loop ------------------------------------------------

    void onStoreChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) ResourceChanged change) {
        enqueue(change.key());
        if (change.key().kind() == Kind.App) {
            cycleRefused.stream().filter(k -> k.namespace().equals(change.key().namespace()) && !k.equals(change.key())).forEach(this::enqueue);
        }
    }

    void onWritten(@Observes StatusWriter.Written w) {
        enqueue(w.key());
        if (w.type() != null && running) {
            Kind kind = w.key().kind();
            MooringResource<?, ?> cr = kind == null || !CustomResources.offered(kind.name()) ? null : cached(kind, w.key().namespace(), w.key().name());
            if (cr != null && isOwned(kind, cr)) {
                try {
                    events.submit(() -> writer.event(cr, w.type(), w.reason(), w.message()));
                } catch (java.util.concurrent.RejectedExecutionException ignored) {
                    // stopping
                }
            }
        }
    }

    private void enqueue(ResourceKey key) {
        if (running && CustomResources.offered(key.kind().name())) {
            controller.enqueue(WORK, key);
        }
    }

    private boolean isOwned(Kind kind, MooringResource<?, ?> cr) {
        return owner(kind, cr.namespace(), cr.name()).map(ResourceSources.CRD::equals).orElse(false);
    }

    private Optional<String> owner(Kind kind, String namespace, String name) {
        return QuarkusTransaction.requiringNew().call(() -> store.sourceOf(kind, namespace, name));
    }

    // ---- the mirror ------------------------------------------------------------------------------

    @Override
    public String name() {
        return WORK;
    }

    @Override
    public void handle(ResourceKey key) {
        sync(key);
    }

    /** Brings the store's copy of one custom resource, and the custom resource's status, up to date. */
    void sync(ResourceKey key) {
        Kind kind = key.kind();
        MooringResource<?, ?> cr = cached(kind, key.namespace(), key.name());
        Optional<MooringResource<?, ?>> stored = store.find(kind, key.namespace(), key.name());
        Optional<String> owner = owner(kind, key.namespace(), key.name());
        boolean ours = owner.map(ResourceSources.CRD::equals).orElse(false);
        if (cr == null || cr.isDeleting()) {
            cycleRefused.remove(key);
        }
        if (cr == null) {
            // Gone from the API server (removed without waiting for our finalizer): clean up after it.
            if (stored.isPresent() && ours && !stored.get().isDeleting()) {
                delete(key, "the custom resource is gone from the API server");
            }
            return;
        }
        if (owner.isPresent() && !ours) {
            refuse(kind, cr, stored.orElse(null), "Conflict", kind.name() + " " + key.namespace() + "/" + key.name() + " is owned by "
                    + ResourceSources.describe(owner.get()) + "; delete it there first or rename this custom resource");
            return;
        }
        if (cr.isDeleting()) {
            if (stored.isEmpty()) {
                writer.removeFinalizer(kind, cr); // the containers are gone: let the custom resource go
            } else {
                if (!stored.get().isDeleting()) {
                    delete(key, "the custom resource was deleted");
                }
                writeStatus(kind, cr, store.find(kind, key.namespace(), key.name()).orElse(null));
            }
            return;
        }
        if (cr.getMetadata().getFinalizers() == null || !cr.getMetadata().getFinalizers().contains(MooringResource.FINALIZER)) {
            writer.addFinalizer(kind, cr);
        }
        try {
            mirror(key, cr);
        } catch (ApiException e) {
            refuse(kind, cr, stored.orElse(null), e.status == 409 ? "Conflict" : e.status == 422 && !e.title.equals("Invalid Resource") ? "Forbidden" : "Invalid", e.getMessage());
            return;
        }
        writeStatus(kind, cr, store.find(kind, key.namespace(), key.name()).orElse(null));
    }

    /**
     * Writes the custom resource's copy through the write path, like a REST apply. An App that
     * would close a dependency cycle would wait forever, so it is refused; it is marked before the
     * others are read, so that a change to them from now on syncs it again.
     */
    private void mirror(ResourceKey key, MooringResource<?, ?> cr) {
        MooringResource<?, ?> desired = desired(key.kind(), cr);
        if (desired instanceof App) {
            cycleRefused.add(key);
        }
        try {
            Actor actor = Actor.crd("custom resource generation " + cr.getMetadata().getGeneration());
            ResourceStore.Written w = writes.write(WriteRequest.apply(List.of(desired), ResourceSources.CRD, actor, false)).get(0);
            if (w.outcome() != ResourceStore.Outcome.unchanged) {
                LOG.debugf("CRD source: %s %s", key, w.outcome());
            }
            cycleRefused.remove(key);
        } catch (RuntimeException e) {
            if (!(e instanceof WriteRefused refused && refused.step == WriteRefused.Step.DEPENDENCY_CYCLE)) {
                cycleRefused.remove(key);
            }
            throw e;
        }
    }

    /** Starts the deletion of the stored copy, for the reason given. */
    private void delete(ResourceKey key, String why) {
        writes.write(WriteRequest.delete(key, ResourceSources.CRD, Actor.crd(why)));
    }

    /** The custom resource as Mooring would receive it through REST: name, labels, annotations, spec. */
    static MooringResource<?, ?> desired(Kind kind, MooringResource<?, ?> cr) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        MooringResource<Object, ?> r = (MooringResource) CustomResources.newResource(kind);
        ObjectMeta m = new ObjectMeta();
        m.setName(cr.name());
        m.setNamespace(cr.namespace());
        m.setLabels(cr.getMetadata().getLabels() == null || cr.getMetadata().getLabels().isEmpty() ? null : new TreeMap<>(cr.getMetadata().getLabels()));
        Map<String, String> annotations = new TreeMap<>();
        if (cr.getMetadata().getAnnotations() != null) {
            cr.getMetadata().getAnnotations().forEach((k, v) -> {
                if (!k.startsWith("kubectl.kubernetes.io/")) {
                    annotations.put(k, v);
                }
            });
        }
        annotations.put(CRD_GENERATION, String.valueOf(cr.getMetadata().getGeneration()));
        m.setAnnotations(annotations);
        r.setMetadata(m);
        r.setSpec(cr.getSpec() == null ? null : ResourceCodec.fromJson(ResourceCodec.toJson(cr.getSpec()), CustomResources.specType(kind)));
        return r;
    }

    /**
     * The stored status, as the custom resource shows it: observedGeneration in the custom
     * resource's counting (its metadata.generation when the loop has acted on the latest spec).
     */
    private void writeStatus(Kind kind, MooringResource<?, ?> cr, MooringResource<?, ?> stored) {
        if (stored == null || stored.getStatus() == null) {
            return;
        }
        ResourceStatus status = ResourceCodec.copy((ResourceStatus) stored.getStatus());
        String crdGeneration = stored.getMetadata().getAnnotations() == null ? null : stored.getMetadata().getAnnotations().get(CRD_GENERATION);
        boolean current = status.observedGeneration != null && status.observedGeneration.equals(stored.getMetadata().getGeneration());
        ResourceStatus shown = (ResourceStatus) cr.getStatus();
        status.observedGeneration = current && crdGeneration != null ? Long.valueOf(crdGeneration) : shown == null ? null : shown.observedGeneration;
        writer.status(kind, cr, status);
    }

    /**
     * Nothing is stored: the custom resource says why (Ready=False) and gets a Warning event, and
     * the audit log a rejected line (once per refusal, like the event).
     */
    private void refuse(Kind kind, MooringResource<?, ?> cr, MooringResource<?, ?> stored, String reason, String message) {
        ResourceStatus status = cr.getStatus() == null ? CustomResources.newStatus(kind) : ResourceCodec.copy((ResourceStatus) cr.getStatus());
        boolean already = status.condition(Condition.READY).map(c -> reason.equals(c.reason) && message.equals(c.message)).orElse(false);
        status.setCondition(Condition.READY, false, reason, message, Instant.now());
        if (writer.status(kind, cr, status) || !already) {
            writer.event(cr, StatusWriter.WARNING, reason, message);
            audit.sourceRefused(AuditLog.CRD_USER, stored == null ? "create" : "update", kind, cr.namespace(), cr.name(),
                    stored == null ? null : stored.getMetadata().getResourceVersion(), "Conflict".equals(reason) ? 409 : 422,
                    reason + ": " + message);
        }
        LOG.infof("CRD source: %s %s/%s not mirrored: %s", kind, cr.namespace(), cr.name(), message);
    }

    private MooringResource<?, ?> cached(Kind kind, String namespace, String name) {
        for (var informer : informers.getOrDefault(kind, List.of())) {
            MooringResource<?, ?> r = informer.getStore().getByKey(namespace + "/" + name);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Informer events only enqueue the key. */
    private static final class Handler implements ResourceEventHandler<MooringResource<?, ?>> {
        private final java.util.function.Consumer<ResourceKey> enqueue;

        Handler(java.util.function.Consumer<ResourceKey> enqueue) {
            this.enqueue = enqueue;
        }

        private void add(MooringResource<?, ?> r) {
            enqueue.accept(ResourceKey.of(r));
        }

        @Override
        public void onAdd(MooringResource<?, ?> r) {
            add(r);
        }

        @Override
        public void onUpdate(MooringResource<?, ?> old, MooringResource<?, ?> r) {
            add(r);
        }

        @Override
        public void onDelete(MooringResource<?, ?> r, boolean deletedFinalStateUnknown) {
            add(r);
        }
    }
}
