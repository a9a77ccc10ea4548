package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;

/**
 * Base of every Mooring kind: a Kubernetes-shaped object ({@code apiVersion}, {@code kind},
 * {@code metadata}, {@code spec}, {@code status}). The same class is the REST payload, what the
 * store keeps, and (later) the source of the CRD schema, so the three can never drift apart.
 */
public abstract class MooringResource<S, T extends ResourceStatus> extends CustomResource<S, T> implements Namespaced {

    public static final String GROUP = "mooring.dev";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;

    /** Finalizer Mooring puts on every resource so that deletion waits for engine cleanup. */
    public static final String FINALIZER = "mooring.dev/cleanup";

    @JsonIgnore
    public String namespace() {
        return getMetadata().getNamespace();
    }

    @JsonIgnore
    public String name() {
        return getMetadata().getName();
    }

    @JsonIgnore
    public boolean isDeleting() {
        return getMetadata().getDeletionTimestamp() != null;
    }

    /** The engine this resource lives on; {@code local} when the spec names none. */
    @JsonIgnore
    public abstract String engineName();
}
