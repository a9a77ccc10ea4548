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
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SecretEnv> secretEnv,
        /** Host name, /etc/hosts, DNS, sysctls, ulimits, init, terminal, GPUs; null (and left out of the hash) when the App sets none. */
        @JsonInclude(JsonInclude.Include.NON_NULL) Runtime runtime) {

    /** A container without the settings of {@link Runtime}. */
    public ContainerSpec(String name, String image, List<String> command, List<String> entrypoint, List<String> env,
                         String workingDir, String user, Map<String, String> labels, List<PortBinding> ports,
                         List<MountSpec> mounts, List<NetworkAttach> networks, HealthSpec healthcheck, Long nanoCpus,
                         Long memoryBytes, String restartPolicy, String stopSignal, Integer stopTimeoutSeconds, Security security,
                         List<SecretFile> secretFiles, List<SecretEnv> secretEnv) {
        this(name, image, command, entrypoint, env, workingDir, user, labels, ports, mounts, networks, healthcheck, nanoCpus,
                memoryBytes, restartPolicy, stopSignal, stopTimeoutSeconds, security, secretFiles, secretEnv, null);
    }

    /** A container without Secrets. */
    public ContainerSpec(String name, String image, List<String> command, List<String> entrypoint, List<String> env,
                         String workingDir, String user, Map<String, String> labels, List<PortBinding> ports,
                         List<MountSpec> mounts, List<NetworkAttach> networks, HealthSpec healthcheck, Long nanoCpus,
                         Long memoryBytes, String restartPolicy, String stopSignal, Integer stopTimeoutSeconds, Security security) {
        this(name, image, command, entrypoint, env, workingDir, user, labels, ports, mounts, networks, healthcheck, nanoCpus,
                memoryBytes, restartPolicy, stopSignal, stopTimeoutSeconds, security, List.of(), List.of(), null);
    }

    /** A container without Secrets or security settings. */
    public ContainerSpec(String name, String image, List<String> command, List<String> entrypoint, List<String> env,
                         String workingDir, String user, Map<String, String> labels, List<PortBinding> ports,
                         List<MountSpec> mounts, List<NetworkAttach> networks, HealthSpec healthcheck, Long nanoCpus,
                         Long memoryBytes, String restartPolicy, String stopSignal, Integer stopTimeoutSeconds) {
        this(name, image, command, entrypoint, env, workingDir, user, labels, ports, mounts, networks, healthcheck, nanoCpus,
                memoryBytes, restartPolicy, stopSignal, stopTimeoutSeconds, null, List.of(), List.of(), null);
    }

    public ContainerSpec {
        secretFiles = secretFiles == null ? List.of() : List.copyOf(secretFiles);
        secretEnv = secretEnv == null ? List.of() : List.copyOf(secretEnv);
    }

    /** The same container with other mounts (the bind sources as resolved right before creation). */
    public ContainerSpec withMounts(List<MountSpec> otherMounts) {
        return new ContainerSpec(name, image, command, entrypoint, env, workingDir, user, labels, ports, otherMounts, networks, healthcheck,
                nanoCpus, memoryBytes, restartPolicy, stopSignal, stopTimeoutSeconds, security, secretFiles, secretEnv, runtime);
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

    /** A network joined, with the container's aliases there and its fixed addresses (null: the engine picks one). */
    public record NetworkAttach(String network, List<String> aliases,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String ipv4Address,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String ipv6Address) {
        public NetworkAttach(String network, List<String> aliases) {
            this(network, aliases, null, null);
        }
    }

    /**
     * The container's surroundings, each left out of the config hash when unset (so an App made
     * before they existed keeps its hash): host and domain name, /etc/hosts lines ({@code host:ip}),
     * resolver settings, sysctls (sorted), ulimits, init, terminal and standard input, device requests.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Runtime(String hostname, String domainname, List<String> extraHosts, List<String> dnsServers, List<String> dnsSearch,
                          List<String> dnsOptions, Map<String, String> sysctls, List<Ulimit> ulimits, Boolean init, Boolean tty,
                          Boolean stdinOpen, List<DeviceRequest> deviceRequests) {
    }

    public record Ulimit(String name, long soft, long hard) {
    }

    /** Devices of a driver (GPUs): by count (-1 all) or by IDs, with the capabilities they must offer. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record DeviceRequest(String driver, Integer count, List<String> deviceIds, List<String> capabilities, Map<String, String> options) {
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
