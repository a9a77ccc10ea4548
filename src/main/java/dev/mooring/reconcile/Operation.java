package dev.mooring.reconcile;

import dev.mooring.docker.ContainerSpec;
import dev.mooring.docker.NetworkCreate;
import dev.mooring.docker.VolumeCreate;

/**
 * One Docker call a plan wants made, with the reason in words. Operations on existing objects
 * carry the object's id (ref) and its name (for people); new containers are named.
 */
public sealed interface Operation {
    String cause();

    /** One line: what, on which object, and why. */
    String describe();

    record CreateContainer(ContainerSpec spec, String cause) implements Operation {
        public String describe() {
            return "CreateContainer " + spec.name() + ": " + cause;
        }
    }

    record StartContainer(String ref, String name, String cause) implements Operation {
        public String describe() {
            return "StartContainer " + name + ": " + cause;
        }
    }

    record StopContainer(String ref, String name, Integer timeoutSeconds, String cause) implements Operation {
        public String describe() {
            return "StopContainer " + name + ": " + cause;
        }
    }

    record RemoveContainer(String ref, String name, String cause) implements Operation {
        public String describe() {
            return "RemoveContainer " + name + ": " + cause;
        }
    }

    record RenameContainer(String ref, String from, String to, String cause) implements Operation {
        public String describe() {
            return "RenameContainer " + from + " -> " + to + ": " + cause;
        }
    }

    record CreateNetwork(NetworkCreate network, String cause) implements Operation {
        public String describe() {
            return "CreateNetwork " + network.name() + ": " + cause;
        }
    }

    record DisconnectNetwork(String networkRef, String network, String containerId, String cause) implements Operation {
        public String describe() {
            return "DisconnectNetwork " + network + " " + containerId.substring(0, Math.min(12, containerId.length())) + ": " + cause;
        }
    }

    record RemoveNetwork(String ref, String name, String cause) implements Operation {
        public String describe() {
            return "RemoveNetwork " + name + ": " + cause;
        }
    }

    record CreateVolume(VolumeCreate volume, String cause) implements Operation {
        public String describe() {
            return "CreateVolume " + volume.name() + ": " + cause;
        }
    }

    record RemoveVolume(String name, String cause) implements Operation {
        public String describe() {
            return "RemoveVolume " + name + ": " + cause;
        }
    }
}
