package dev.mooring.api;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/** An application: {@code replicas} identical containers on one engine. */
@Group(MooringResource.GROUP)
@Version(MooringResource.VERSION)
public class App extends MooringResource<AppSpec, AppStatus> {
    @Override
    public String engineName() {
        return getSpec() == null || getSpec().engine == null ? Engines.LOCAL : getSpec().engine;
    }
}
