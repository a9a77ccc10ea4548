package dev.mooring.api;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/** A Docker network, created as {@code <namespace>-<name>} on its engine. */
@Group(MooringResource.GROUP)
@Version(MooringResource.VERSION)
public class Network extends MooringResource<NetworkSpec, NetworkStatus> {
    @Override
    public String engineName() {
        return getSpec() == null || getSpec().engine == null ? Engines.LOCAL : getSpec().engine;
    }
}
