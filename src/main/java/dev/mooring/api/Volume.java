package dev.mooring.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A Docker volume, created as {@code <namespace>-<name>} on its engine. */
@Group(MooringResource.GROUP)
@Version(MooringResource.VERSION)
@ShortNames("mvol")
@Categories("mooring")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", priority = 0)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Volume extends MooringResource<VolumeSpec, VolumeStatus> {
    @Override
    public String engineName() {
        return getSpec() == null || getSpec().engine == null ? Engines.LOCAL : getSpec().engine;
    }
}
