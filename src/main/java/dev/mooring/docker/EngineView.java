package dev.mooring.docker;

import java.util.List;
import java.util.Map;

/**
 * An engine as a plan sees it: it lists and inspects, and cannot change anything (compose's
 * dry-run client is the model). The read half of {@link ContainerEngine}.
 */
public interface EngineView {
    String name();

    List<ObservedContainer> listContainers(Map<String, String> labels);

    /** The ID of the image a reference names on this engine, or null when it has none. Never pulls. */
    String imageId(String reference);
}
