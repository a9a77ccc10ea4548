package dev.mooring.docker;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * Everything needed to create one container, in engine terms (no docker-java types), so that
 * planners can build it and tests can read it without an engine. Secret values are not in it, only
 * references with digests: the executor resolves them into {@link SecretMaterial} at the last
 * moment, so a plan, its text, and anything logged from it never hold a value.
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
        @JsonInclude(JsonInclude.Include.NON_NULL) Security security,
        /** Files written from Secrets after creation, before the first start; left out of the hash when empty. */
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SecretFile> secretFiles,
        /** Environment variables whose values come from Secrets; left out of the hash when empty. */
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SecretEnv> secretEnv) {

    /** A container without Secrets. */
    public ContainerSpec(String name, String image, List<String> command, List<String> entrypoint, List<String> env,
                         String workingDir, String user, Map<String, String> labels, List<PortBinding> ports,
                         List<MountSpec> mounts, List<NetworkAttach> networks, HealthSpec healthcheck, Long nanoCpus,
                         Long memoryBytes, String restartPolicy, String stopSignal, Integer stopTimeoutSeconds, Security security) {
        this(name, image, command, entrypoint, env, workingDir, user, labels, ports, mounts, networks, healthcheck, nanoCpus,
                memoryBytes, restartPolicy, stopSignal, stopTimeoutSeconds, security, List.of(), List.of());
    }

    /** A container without Secrets or security settings. */
    public ContainerSpec(String name, String image, List<String> command, List<String> entrypoint, List<String> env,
                         String workingDir, String user, Map<String, String> labels, List<PortBinding> ports,
                         List<MountSpec> mounts, List<NetworkAttach> networks, HealthSpec healthcheck, Long nanoCpus,
                         Long memoryBytes, String restartPolicy, String stopSignal, Integer stopTimeoutSeconds) {
        this(name, image, command, entrypoint, env, workingDir, user, labels, ports, mounts, networks, healthcheck, nanoCpus,
                memoryBytes, restartPolicy, stopSignal, stopTimeoutSeconds, null, List.of(), List.of());
    }

    public ContainerSpec {
        secretFiles = secretFiles == null ? List.of() : List.copyOf(secretFiles);
        secretEnv = secretEnv == null ? List.of() : List.copyOf(secretEnv);
    }

    public boolean usesSecrets() {
        return !secretFiles.isEmpty() || !secretEnv.isEmpty();
    }

    /**
     * A Secret value to be written as a file: which value (by its digest, never its bytes) and how.
     * The digest is what puts the value into the config hash without the value itself.
     */
    public record SecretFile(String secret, String key, String digest, String path, int mode, int uid, int gid) {
    }

    /** An environment variable whose value is a Secret's, named by digest like {@link SecretFile}. */
    public record SecretEnv(String name, String secret, String key, String digest) {
    }

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
