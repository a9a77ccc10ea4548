package dev.mooring.docker;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * Everything needed to create one container, in engine terms (no docker-java types), so that
 * planners can build it and tests can read it without an engine.
 */
public record ContainerSpec(
        String name,
        String image,
        List<String> command,
        List<String> entrypoint,
        List<String> env,
        String workingDir,
        String user,
        Map<String, String> labels,
        List<PortBinding> ports,
        List<MountSpec> mounts,
        List<NetworkAttach> networks,
        HealthSpec healthcheck,
        Long nanoCpus,
        Long memoryBytes,
        String restartPolicy,
        String stopSignal,
        Integer stopTimeoutSeconds,
        /** Privileges and host namespaces; null (and left out of the config hash) when the App sets none. */
        @JsonInclude(JsonInclude.Include.NON_NULL) Security security) {

    public record PortBinding(int containerPort, String protocol, String hostIp, Integer hostPort) {
    }

    /** type is {@code volume}, {@code bind} or {@code tmpfs}. */
    public record MountSpec(String type, String source, String target, boolean readOnly, Long tmpfsSizeBytes) {
    }

    public record NetworkAttach(String network, List<String> aliases) {
    }

    /**
     * What the admission policy is about. Lists are sorted, capability names without {@code CAP_},
     * so the config hash does not change with their order or spelling.
     */
    public record Security(boolean privileged, String networkMode, String pidMode, String ipcMode, List<String> capAdd,
                           List<String> capDrop, List<Device> devices, boolean readOnlyRootFilesystem, boolean noNewPrivileges) {
    }

    public record Device(String hostPath, String containerPath, String permissions) {
    }

    public record HealthSpec(List<String> test, Long intervalNanos, Long timeoutNanos, Integer retries, Long startPeriodNanos) {
    }
}
