package dev.mooring.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.TmpfsOptions;
import com.github.dockerjava.api.model.Ulimit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translation between Mooring's container types and docker-java's, both ways: a
 * {@link ContainerSpec} into the create command that makes it, and a listed {@link Container}
 * into an {@link ObservedContainer}. No calls: building a command does not send it.
 */
final class ContainerMapping {
    private ContainerMapping() {
    }

    /** A container as the engine's list shows it. */
    static ObservedContainer observed(Container c) {
        String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].replaceFirst("^/", "");
        Set<String> nets = c.getNetworkSettings() == null || c.getNetworkSettings().getNetworks() == null
                ? Set.of() : new HashSet<>(c.getNetworkSettings().getNetworks().keySet());
        return new ObservedContainer(c.getId(), name, c.getLabels() == null ? Map.of() : c.getLabels(),
                c.getState(), ObservedContainer.healthFromStatus(c.getStatus()), nets,
                c.getCreated() == null ? 0 : c.getCreated(), c.getImageId(), c.getStatus(), ports(c));
    }

    /** Published ports as {@code [ip:]hostPort->containerPort/protocol}, sorted. */
    private static List<String> ports(Container c) {
        List<String> out = new ArrayList<>();
        if (c.getPorts() != null) {
            for (var p : c.getPorts()) {
                if (p.getPublicPort() != null) {
                    out.add((p.getIp() == null ? "" : p.getIp() + ":") + p.getPublicPort() + "->" + p.getPrivatePort() + "/" + p.getType());
                }
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * The command that creates the container of {@code spec}, labelled {@code labels}, with the
     * Secret variables {@code secretEnv} after its own. It attaches the first network only; the
     * others are connected after creation.
     */
    static CreateContainerCmd createCommand(DockerClient client, ContainerSpec spec, Map<String, String> labels, List<String> secretEnv) {
        CreateContainerCmd cmd = client.createContainerCmd(spec.image()).withName(spec.name()).withLabels(labels);
        process(cmd, spec, secretEnv);
        HostConfig hc = HostConfig.newHostConfig();
        ports(cmd, hc, spec.ports());
        mounts(hc, spec.mounts());
        firstNetwork(cmd, hc, spec.networks());
        if (spec.nanoCpus() != null) {
            hc.withNanoCPUs(spec.nanoCpus());
        }
        if (spec.memoryBytes() != null) {
            hc.withMemory(spec.memoryBytes());
        }
        if (spec.security() != null) {
            security(hc, spec.security());
        }
        if (spec.runtime() != null) {
            runtime(cmd, hc, spec.runtime());
        }
        hc.withRestartPolicy(restartPolicy(spec.restartPolicy()));
        cmd.withHostConfig(hc);
        if (spec.healthcheck() != null) {
            ContainerSpec.HealthSpec h = spec.healthcheck();
            cmd.withHealthcheck(new HealthCheck().withTest(h.test()).withInterval(h.intervalNanos())
                    .withTimeout(h.timeoutNanos()).withRetries(h.retries()).withStartPeriod(h.startPeriodNanos()));
        }
        return cmd;
    }

    /** What runs and how: command, entrypoint, environment, working directory, user, stop signal and timeout. */
    private static void process(CreateContainerCmd cmd, ContainerSpec spec, List<String> secretEnv) {
        if (spec.command() != null) {
            cmd.withCmd(spec.command());
        }
        if (spec.entrypoint() != null) {
            cmd.withEntrypoint(spec.entrypoint());
        }
        if (secretEnv.isEmpty()) {
            cmd.withEnv(spec.env());
        } else {
            List<String> env = new ArrayList<>(spec.env());
            env.addAll(secretEnv);
            cmd.withEnv(env);
        }
        if (spec.workingDir() != null) {
            cmd.withWorkingDir(spec.workingDir());
        }
        if (spec.user() != null) {
            cmd.withUser(spec.user());
        }
        if (spec.stopSignal() != null) {
            cmd.withStopSignal(spec.stopSignal());
        }
        if (spec.stopTimeoutSeconds() != null) {
            cmd.withStopTimeout(spec.stopTimeoutSeconds());
        }
    }

    /**
     * Every port is published, as {@code docker run -p} and Compose publish it: on its host port, or
     * without one on an ephemeral port the engine picks; on its host address, or without one on
     * the engine's default (every address, unless the engine is configured otherwise).
     */
    private static void ports(CreateContainerCmd cmd, HostConfig hc, List<ContainerSpec.PortBinding> ports) {
        if (ports.isEmpty()) {
            return;
        }
        Ports bindings = new Ports();
        List<ExposedPort> exposed = new ArrayList<>();
        for (ContainerSpec.PortBinding p : ports) {
            ExposedPort ep = new ExposedPort(p.containerPort(), InternetProtocol.parse(p.protocol()));
            exposed.add(ep);
            bindings.bind(ep, new Ports.Binding(p.hostIp(), p.hostPort() == null ? null : p.hostPort().toString()));
        }
        cmd.withExposedPorts(exposed);
        hc.withPortBindings(bindings);
    }

    private static void mounts(HostConfig hc, List<ContainerSpec.MountSpec> specs) {
        List<Mount> mounts = new ArrayList<>();
        for (ContainerSpec.MountSpec m : specs) {
            Mount mount = new Mount().withTarget(m.target()).withReadOnly(m.readOnly());
            switch (m.type()) {
                case "volume" -> mount.withType(MountType.VOLUME).withSource(m.source());
                case "bind" -> mount.withType(MountType.BIND).withSource(m.source());
                case "tmpfs" -> {
                    mount.withType(MountType.TMPFS);
                    if (m.tmpfsSizeBytes() != null) {
                        mount.withTmpfsOptions(new TmpfsOptions().withSizeBytes(m.tmpfsSizeBytes()));
                    }
                }
                default -> throw new IllegalArgumentException("mount type " + m.type());
            }
            mounts.add(mount);
        }
        if (!mounts.isEmpty()) {
            hc.withMounts(mounts);
        }
    }

    /** The network the container is created in, with its aliases there (the engine takes only one at creation). */
    private static void firstNetwork(CreateContainerCmd cmd, HostConfig hc, List<ContainerSpec.NetworkAttach> networks) {
        if (networks.isEmpty()) {
            return;
        }
        ContainerSpec.NetworkAttach first = networks.get(0);
        hc.withNetworkMode(first.network());
        List<String> aliases = first.aliases();
        if (aliases != null && !aliases.isEmpty()) {
            cmd.withAliases(aliases);
        }
        // docker-java puts these into the endpoint of the network named by the network mode (IPAMConfig)
        if (first.ipv4Address() != null) {
            cmd.withIpv4Address(first.ipv4Address());
        }
        if (first.ipv6Address() != null) {
            cmd.withIpv6Address(first.ipv6Address());
        }
    }

    /** A network joined after creation, with its aliases and fixed addresses. */
    static ContainerNetwork endpoint(ContainerSpec.NetworkAttach n) {
        ContainerNetwork endpoint = new ContainerNetwork().withAliases(n.aliases());
        if (n.ipv4Address() != null || n.ipv6Address() != null) {
            endpoint.withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(n.ipv4Address()).withIpv6Address(n.ipv6Address()));
        }
        return endpoint;
    }

    /** Host name, /etc/hosts, resolver, sysctls, ulimits, init, terminal and device requests. */
    private static void runtime(CreateContainerCmd cmd, HostConfig hc, ContainerSpec.Runtime r) {
        if (r.hostname() != null) {
            cmd.withHostName(r.hostname());
        }
        if (r.domainname() != null) {
            cmd.withDomainName(r.domainname());
        }
        if (r.extraHosts() != null && !r.extraHosts().isEmpty()) {
            hc.withExtraHosts(r.extraHosts().toArray(String[]::new));
        }
        if (r.dnsServers() != null && !r.dnsServers().isEmpty()) {
            hc.withDns(r.dnsServers());
        }
        if (r.dnsSearch() != null && !r.dnsSearch().isEmpty()) {
            hc.withDnsSearch(r.dnsSearch());
        }
        if (r.dnsOptions() != null && !r.dnsOptions().isEmpty()) {
            hc.withDnsOptions(r.dnsOptions());
        }
        if (r.sysctls() != null && !r.sysctls().isEmpty()) {
            hc.withSysctls(r.sysctls());
        }
        if (r.ulimits() != null && !r.ulimits().isEmpty()) {
            hc.withUlimits(r.ulimits().stream().map(u -> new Ulimit(u.name(), u.soft(), u.hard())).toList());
        }
        if (r.init() != null) {
            hc.withInit(r.init());
        }
        if (r.tty() != null) {
            cmd.withTty(r.tty());
        }
        if (r.stdinOpen() != null) {
            cmd.withStdinOpen(r.stdinOpen());
        }
        if (r.deviceRequests() != null && !r.deviceRequests().isEmpty()) {
            hc.withDeviceRequests(r.deviceRequests().stream().map(d -> new DeviceRequest().withDriver(d.driver()).withCount(d.count())
                    .withDeviceIds(d.deviceIds()).withCapabilities(d.capabilities() == null ? null : List.of(d.capabilities()))
                    .withOptions(d.options())).toList());
        }
    }

    /** Privileges, host namespaces, capabilities and devices, as the App declared them (and admission let them through). */
    private static void security(HostConfig hc, ContainerSpec.Security s) {
        if (s.privileged()) {
            hc.withPrivileged(true);
        }
        if (s.networkMode() != null) {
            hc.withNetworkMode(s.networkMode());
        }
        if (s.pidMode() != null) {
            hc.withPidMode(s.pidMode());
        }
        if (s.ipcMode() != null) {
            hc.withIpcMode(s.ipcMode());
        }
        if (!s.capAdd().isEmpty()) {
            hc.withCapAdd(s.capAdd().stream().map(Capability::valueOf).toArray(Capability[]::new));
        }
        if (!s.capDrop().isEmpty()) {
            hc.withCapDrop(s.capDrop().stream().map(Capability::valueOf).toArray(Capability[]::new));
        }
        if (!s.devices().isEmpty()) {
            hc.withDevices(s.devices().stream().map(d -> new Device(d.permissions(), d.containerPath(), d.hostPath())).toList());
        }
        if (s.readOnlyRootFilesystem()) {
            hc.withReadonlyRootfs(true);
        }
        if (s.noNewPrivileges()) {
            hc.withSecurityOpts(List.of("no-new-privileges:true"));
        }
    }

    private static RestartPolicy restartPolicy(String policy) {
        return switch (policy) {
            case "no" -> RestartPolicy.noRestart();
            case "always" -> RestartPolicy.alwaysRestart();
            case "on-failure" -> RestartPolicy.onFailureRestart(0);
            default -> RestartPolicy.unlessStoppedRestart();
        };
    }
}
