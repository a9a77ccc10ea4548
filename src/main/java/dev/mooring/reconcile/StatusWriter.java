package dev.mooring.reconcile;

import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceStatus;
import dev.mooring.api.ResourceKey;
import dev.mooring.store.EventStore;
import dev.mooring.store.ResourceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Writes what reconcilers learned where users look: the resource's status and its events. Each
 * change is also announced ({@link Written}), so a source that keeps a copy elsewhere (the CRD
 * source: the custom resource's status and Kubernetes Events) can follow.
 */
@ApplicationScoped
public class StatusWriter {
    private static final Logger LOG = Logger.getLogger(StatusWriter.class);
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    @Inject
    ResourceStore store;
    @Inject
    EventStore events;
    @Inject
    jakarta.enterprise.event.Event<Written> written;

    /** A status that changed ({@code type} null) or an event recorded about the resource at {@code key}. */
    public record Written(ResourceKey key, String type, String reason, String message) {
    }

    public void status(ResourceKey key, MooringResource<?, ?> resource, ResourceStatus status) {
        if (store.updateStatus(key, resource.getMetadata().getUid(), status)) {
            written.fire(new Written(key, null, null, null));
        }
    }

    public void event(ResourceKey key, MooringResource<?, ?> resource, String type, String reason, String message) {
        if (WARNING.equals(type)) {
            LOG.warnf("%s: %s: %s", key, reason, message);
        } else {
            LOG.debugf("%s: %s: %s", key, reason, message);
        }
        events.record(key, resource.getMetadata().getUid(), type, reason, message);
        written.fire(new Written(key, type, reason, message));
    }
}
