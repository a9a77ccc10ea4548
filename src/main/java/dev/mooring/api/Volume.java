package dev.mooring.api;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/** A Docker volume, created as {@code <namespace>-<name>} on its engine. */
@Group(MooringResource.GROUP)
@Version(MooringResource.VERSION)
public class Volume extends MooringResource<VolumeSpec, VolumeStatus> {
    @Override
    public String engineName() {
        return getSpec() == null || getSpec().engine == null ? Engines.LOCAL : getSpec().engine;
    }
}
