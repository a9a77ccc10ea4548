package dev.mooring.source.rest;

import dev.mooring.api.ApiException;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Secret;
import dev.mooring.api.ResourceKey;
import dev.mooring.reconcile.StatusWriter;
import dev.mooring.store.EventStore;
import dev.mooring.store.ResourceStore;
import dev.mooring.store.SecretStore;
import dev.mooring.store.SecretUnavailableException;
import dev.mooring.write.RetryOnConflict;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Key rotation: re-encrypts every Secret value under the current key
 * ({@code mooring.secrets.key}), so that the keys in {@code mooring.secrets.previous-keys} can
 * then be dropped. Values, digests and the Apps that use them do not change, so no container is
 * replaced.
 */
// Rooted at /api/v1alpha1 like ResourcesApi: a class path of .../secrets would shadow its GET of the Secret list.
@Path("/api/v1alpha1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "secrets")
public class SecretsApi {
    private static final Logger LOG = Logger.getLogger(SecretsApi.class);

    @Inject
    SecretStore secrets;
    @Inject
    ResourceStore store;
    @Inject
    EventStore events;

    @POST
    @Path("/secrets/rotate")
    @Operation(summary = "Re-encrypt every Secret under the current key; answers how many")
    public Map<String, Object> rotate() {
        SecretStore.Rotation r;
        try {
            r = RetryOnConflict.run(secrets::rotate);
        } catch (SecretUnavailableException e) {
            throw new ApiException(409, "Conflict", e.getMessage(), null);
        }
        LOG.infof("secrets: rotated %d values of %d Secrets to key %s (were under %s)", r.values(), r.secrets(), r.keyId(), r.valuesByPreviousKey());
        for (ResourceKey k : r.rotated()) {
            store.find(Secret.class, k.namespace(), k.name()).ifPresent(s ->
                    events.record(k, s.getMetadata().getUid(), StatusWriter.NORMAL, "Reencrypted", "re-encrypted under key " + r.keyId()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", MooringResource.API_VERSION);
        out.put("kind", "SecretRotation");
        out.put("keyId", r.keyId());
        out.put("secrets", r.secrets());
        out.put("values", r.values());
        out.put("valuesByKeyBefore", r.valuesByPreviousKey());
        return out;
    }
}
