package dev.mooring.reconcile;

import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceStatus;
import dev.mooring.control.ResourceKey;
import dev.mooring.store.EventStore;
import dev.mooring.store.ResourceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Writes what reconcilers learned where users look: the resource's status and its events. */
@ApplicationScoped
public class StatusWriter {
    private static final Logger LOG = Logger.getLogger(StatusWriter.class);
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    @Inject
    ResourceStore store;
    @Inject
    EventStore events;

    public void status(ResourceKey key, MooringResource<?, ?> resource, ResourceStatus status) {
        store.updateStatus(key, resource.getMetadata().getUid(), status);
    }

    public void event(ResourceKey key, MooringResource<?, ?> resource, String type, String reason, String message) {
        if (WARNING.equals(type)) {
            LOG.warnf("%s: %s: %s", key, reason, message);
        } else {
            LOG.debugf("%s: %s: %s", key, reason, message);
        }
        events.record(key, resource.getMetadata().getUid(), type, reason, message);
    }
}
