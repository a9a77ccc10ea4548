package dev.mooring.docker;

import com.github.dockerjava.api.model.MountType;
import dev.mooring.api.Labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an engine has in containers: the read side of containers, kept apart from the writes so
 * that a watched view of the engine can answer these instead of the engine.
 */
final class ContainerReads {
    /** A container ID, full or shortened; Mooring's container names (namespace-app-replica) always hold a dash. */
    private static final Pattern ID = Pattern.compile("[0-9a-f]{12,64}");
    private final EngineClient engine;

    ContainerReads(EngineClient engine) {
        this.engine = engine;
    }

    /** All containers (running or not) of this Mooring instance carrying every given label. */
    List<ObservedContainer> list(Map<String, String> labels) {
        Map<String, String> filter = engine.mine(labels);
        var found = engine.call("container.list", () -> engine.client.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec());
        List<ObservedContainer> out = new ArrayList<>(found.size());
        found.forEach(c -> out.add(ContainerMapping.observed(c)));
        return out;
    }

    /**
     * The one container of this instance a reference names (its ID, or its exact name), if there
     * is one: a look after an event or a write, one list call filtered to it.
     */
    Optional<ObservedContainer> one(String ref) {
        Map<String, String> filter = engine.mine(Map.of(Labels.MANAGED, "true"));
        boolean id = ID.matcher(ref).matches();
        var found = engine.call("container.list", () -> {
            var cmd = engine.client.listContainersCmd().withShowAll(true).withLabelFilter(filter);
            return (id ? cmd.withIdFilter(List.of(ref)) : cmd.withNameFilter(List.of(ref))).exec();
        });
        return found.stream().map(ContainerMapping::observed).filter(c -> id ? c.id().startsWith(ref) : c.name().equals(ref)).findFirst();
    }

    /**
     * The source of each of a container's mounts, in their order: the host path of a bind mount,
     * null for any other type (the engine resolves a bind's source again at every start).
     */
    List<String> bindMountSources(String id) {
        var hc = engine.call("container.inspect", () -> engine.client.inspectContainerCmd(id).exec()).getHostConfig();
        List<String> out = new ArrayList<>();
        if (hc != null && hc.getMounts() != null) {
            hc.getMounts().forEach(m -> out.add(m.getType() == MountType.BIND ? m.getSource() : null));
        }
        return out;
    }
}
