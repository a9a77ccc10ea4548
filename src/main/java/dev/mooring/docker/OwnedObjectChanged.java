package dev.mooring.docker;

import dev.mooring.api.ResourceKey;

/**
 * A CDI event: an object carrying Mooring's labels changed on an engine (a container died, was
 * removed, turned unhealthy), or the engine's event stream came back and every owner there should
 * be looked at again. The control loop observes it and enqueues the owner; the docker package
 * knows nothing of the loop.
 */
public record OwnedObjectChanged(String engine, ResourceKey owner) {
}
