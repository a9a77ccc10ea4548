package dev.mooring.source.crd;

import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceStatus;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every write Mooring makes to the Kubernetes API server: the finalizer on a custom resource,
 * its status subresource, and Events about it. Events are aggregated like client-go's recorder:
 * the same (object, type, reason, message) again raises the count of the existing Event.
 */
final class CrdWriter {
    private static final Logger LOG = Logger.getLogger(CrdWriter.class);
    static final String COMPONENT = "mooring";

    private final KubernetesClient client;
    /** Event name per (object uid, type, reason, message), newest last; bounded. */
    private final Map<String, String> eventNames = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 2000;
        }
    };

    CrdWriter(KubernetesClient client) {
        this.client = client;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    MixedOperation<MooringResource<?, ?>, KubernetesResourceList<MooringResource<?, ?>>, Resource<MooringResource<?, ?>>> api(Kind kind) {
        return (MixedOperation) client.resources((Class) kind.type);
    }

    void addFinalizer(Kind kind, MooringResource<?, ?> cr) {
        api(kind).inNamespace(cr.namespace()).withName(cr.name()).edit(r -> {
            List<String> f = r.getMetadata().getFinalizers() == null ? new ArrayList<>() : new ArrayList<>(r.getMetadata().getFinalizers());
            if (!f.contains(MooringResource.FINALIZER)) {
                f.add(MooringResource.FINALIZER);
            }
            r.getMetadata().setFinalizers(f);
            return r;
        });
    }

    /** Drops Mooring's finalizer: the API server then removes a deleting custom resource. */
    void removeFinalizer(Kind kind, MooringResource<?, ?> cr) {
        try {
            api(kind).inNamespace(cr.namespace()).withName(cr.name()).edit(r -> {
                List<String> f = r.getMetadata().getFinalizers() == null ? new ArrayList<>() : new ArrayList<>(r.getMetadata().getFinalizers());
                f.remove(MooringResource.FINALIZER);
                r.getMetadata().setFinalizers(f);
                return r;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** Writes {@code status} to the status subresource when it differs from what the resource shows. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    boolean status(Kind kind, MooringResource<?, ?> cr, ResourceStatus status) {
        String wanted = dev.mooring.api.ResourceCodec.toJson(status);
        String shown = dev.mooring.api.ResourceCodec.toJson(cr.getStatus());
        if (Objects.equals(wanted, shown)) {
            return false;
        }
        LOG.tracef("status of %s %s/%s: %s -> %s", cr.getKind(), cr.namespace(), cr.name(), shown, wanted);
        // The whole object as the informer last saw it, with the new status, PUT to /status (which
        // takes only the status). Its resourceVersion makes a concurrent change a 409, retried by
        // the mirror's queue with the newer object; a merge patch would not replace lists everywhere.
        MooringResource patch = client.getKubernetesSerialization().clone(cr);
        patch.setStatus(status);
        try {
            api(kind).inNamespace(cr.namespace()).resource(patch).updateStatus();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** Records a Kubernetes Event on the custom resource (failures are logged, never retried). */
    void event(MooringResource<?, ?> cr, String type, String reason, String message) {
        String msg = message.length() > 1000 ? message.substring(0, 997) + "..." : message;
        String id = cr.getMetadata().getUid() + "\0" + type + "\0" + reason + "\0" + msg;
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        try {
            String existing;
            synchronized (eventNames) {
                existing = eventNames.get(id);
            }
            if (existing != null) {
                var updated = client.v1().events().inNamespace(cr.namespace()).withName(existing).edit(e -> {
                    e.setCount(e.getCount() == null ? 2 : e.getCount() + 1);
                    e.setLastTimestamp(now);
                    return e;
                });
                if (updated != null) {
                    return;
                }
            }
            String name = cr.name() + "." + Long.toHexString(System.nanoTime());
            client.v1().events().inNamespace(cr.namespace()).resource(new EventBuilder()
                    .withNewMetadata().withName(name).withNamespace(cr.namespace()).endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(cr.getApiVersion()).withKind(cr.getKind())
                            .withNamespace(cr.namespace()).withName(cr.name())
                            .withUid(cr.getMetadata().getUid()).withResourceVersion(cr.getMetadata().getResourceVersion()).build())
                    .withType(type).withReason(reason).withMessage(msg)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
            synchronized (eventNames) {
                eventNames.put(id, name);
            }
        } catch (KubernetesClientException e) {
            LOG.debugf("event on %s %s/%s not recorded: %s", cr.getKind(), cr.namespace(), cr.name(), e.getMessage());
        }
    }
}
