package dev.mooring.reconcile;

import dev.mooring.api.Labels;
import dev.mooring.control.KeySource;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.DockerEngines;
import dev.mooring.api.ResourceKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** For the resync: the owners of everything on the engines, so orphans get a reconcile that removes them. */
@ApplicationScoped
public class EngineKeySource implements KeySource {
    private static final Logger LOG = Logger.getLogger(EngineKeySource.class);

    @Inject
    DockerEngines engines;

    @Override
    public Collection<ResourceKey> keys() {
        List<ResourceKey> keys = new ArrayList<>();
        for (DockerEngine engine : engines.all()) {
            try {
                for (Map<String, String> owner : engine.ownerLabels()) {
                    ResourceKey.parse(owner.get(Labels.KIND), owner.get(Labels.NAMESPACE), owner.get(Labels.NAME)).ifPresent(keys::add);
                }
            } catch (RuntimeException e) {
                LOG.debugf("engine %s unreachable during resync: %s", engine.name(), e.getMessage());
            }
        }
        return keys;
    }
}
