package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.IntOrString;

import java.util.List;
import java.util.Map;

/**
 * What an App should run. Field names follow the REST/YAML contract in the README. The
 * {@code io.fabric8.generator.annotation} constraints only shape the generated CRD schema (they mirror
 * {@link Validation} where a schema can); Jackson ignores them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public class AppSpec {
    /** The image to run; with {@code build}, the built image is also tagged with this name. */
    public String image;
    /** Build the image on the App's engine from a directory on Mooring's host (instead of, or beside, {@code image}). */
    public Build build;
    public List<String> command;
    public List<String> entrypoint;
    public List<EnvVar> env;
    @Pattern("^/")
    public String workingDir;
    public String user;
    public List<PortSpec> ports;
    public List<VolumeMount> volumes;
    public List<NetworkAttachment> networks;
    public Map<String, String> labels;
    /** Number of containers; default 1. */
    @Min(0)
    public Integer replicas;
    /** Docker restart policy: {@code no}, {@code always}, {@code unless-stopped} (default), {@code on-failure}. */
    @Pattern("^(no|always|unless-stopped|on-failure)$")
    public String restartPolicy;
    public Healthcheck healthcheck;
    public Resources resources;
    /** {@code Running} (default) or {@code Stopped}: stopped keeps the containers without running them. */
    @Pattern("^(Running|Stopped)$")
    public String desiredState;
    /** Name of the engine; default {@code local}. */
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    public String engine;
    /** How long a container may take to stop before it is killed; default {@code 10s}. */
    public String stopGracePeriod;
    /** Signal that asks the container to stop; default the image's (usually SIGTERM). */
    public String stopSignal;
    /** How a change is rolled out to the replicas. */
    public UpdateStrategy update;
    /** Without a healthcheck, a new replica counts as ready once it has run this long; default 0. */
    @Min(0)
    public Integer minReadySeconds;
    /** How many old revisions to keep; default 10. */
    @Min(1)
    public Integer revisionHistoryLimit;
    /** Apps that must be started, healthy or completed before this one's containers are created. */
    public List<Dependency> dependsOn;
    /** When true, Mooring leaves the App alone (for debugging by hand) and says so in status. */
    public Boolean suspend;
    /** Replace replicas whose healthcheck reports unhealthy (Docker alone never does); default true. */
    public Boolean restartOnUnhealthy;
    /** {@code IfNotPresent} (default), {@code Always} (pull regularly, roll out a moved tag) or {@code Never}. */
    @Pattern("^(Always|IfNotPresent|Never)$")
    public String imagePullPolicy;
    /** Secret values written as files into each container before its process starts. */
    public List<SecretFile> secrets;

    // ---- the container's own surroundings: names, /etc/hosts, DNS, kernel settings, limits, terminal, init, GPUs ----
    /** The container's host name (what {@code hostname} prints); default the first 12 characters of its ID, as Docker's. */
    public String hostname;
    /** The container's domain name; none by default. */
    public String domainname;
    /** Lines added to the container's /etc/hosts ({@code docker run --add-host}). */
    public List<HostEntry> extraHosts;
    /** The container's resolver: name servers, search domains and options instead of the engine's. */
    public Dns dns;
    /**
     * Kernel parameters of the container's own namespaces, like {@code net.ipv4.tcp_keepalive_time: "600"}.
     * Below the privileged admission level only Kubernetes' safe set is allowed.
     */
    public Map<String, String> sysctls;
    /** Resource limits of the container's processes ({@code ulimit}), like nofile. */
    public List<Ulimit> ulimits;
    /** Run an init process (Docker's tini) as PID 1, which forwards signals and reaps zombies. */
    public Boolean init;
    /** Give the process a terminal ({@code docker run -t}). */
    public Boolean tty;
    /** Keep the process's standard input open ({@code docker run -i}). */
    public Boolean stdinOpen;
    /** GPUs (or other devices of a device driver) to give the containers ({@code docker run --gpus}). */
    public List<GpuRequest> gpus;

    // ---- what the admission policy (Pod Security levels) is about; see dev.mooring.security.AdmissionPolicy ----
    /** Run with every capability and all host devices (docker run --privileged); baseline forbids it. */
    public Boolean privileged;
    /** {@code bridge} (Docker's default network, without spec.networks), {@code host} or {@code none}. */
    @Pattern("^(bridge|host|none)$")
    public String networkMode;
    /** {@code host}: share the host's PID namespace. */
    @Pattern("^host$")
    public String pidMode;
    /** {@code private}, {@code shareable}, {@code host} or {@code none}. */
    @Pattern("^(private|shareable|host|none)$")
    public String ipcMode;
    /** Linux capabilities to add, like {@code NET_ADMIN} ({@code CAP_} prefix optional). */
    public List<String> capAdd;
    /** Linux capabilities to drop; {@code ALL} drops every one. */
    public List<String> capDrop;
    /** Host devices made available in the container. */
    public List<Device> devices;
    /** Mount the container's root file system read-only. */
    public Boolean readOnlyRootFilesystem;
    /** Forbid gaining privileges (setuid binaries, file capabilities): security option no-new-privileges. */
    public Boolean noNewPrivileges;

    /**
     * An image built by Mooring. The result is tagged with a digest of the build context
     * ({@code mooring.local/<namespace>/<app>:ctx-<16 hex>}), so a changed context rolls out and an
     * unchanged one is never built again.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class Build {
        /** Absolute path of the build context directory on Mooring's host. */
        public String context;
        /** The Dockerfile, relative to the context; default {@code Dockerfile}. */
        public String dockerfile;
        /** Build arguments (--build-arg). */
        public Map<String, String> args;
        /** The stage of a multi-stage Dockerfile to build (--target). */
        public String target;
        /** Also push the built image to a registry, so that other engines can pull it. */
        public Push push;
    }

    /** Where a built image is pushed: {@code <registry>/<repository>:ctx-<digest>}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class Push {
        /** Registry host and port, like {@code registry.example.com} or {@code 127.0.0.1:5000}. */
        public String registry;
        /** Repository in the registry, like {@code team/web}. */
        public String repository;
        /** A Secret in the same namespace holding the registry credentials; anonymous when absent. */
        public String secret;
        /** Key of the user name in the Secret; default {@code username}. */
        public String usernameKey;
        /** Key of the password in the Secret; default {@code password}. */
        public String passwordKey;

        public String usernameKey() {
            return usernameKey == null ? "username" : usernameKey;
        }

        public String passwordKey() {
            return passwordKey == null ? "password" : passwordKey;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class Device {
        /** The device on the engine's host, like {@code /dev/fuse}. */
        @Required
        @Pattern("^/")
        public String hostPath;
        /** Where it appears in the container; default the same path. */
        public String containerPath;
        /** cgroup permissions, any of {@code r}, {@code w}, {@code m}; default {@code rwm}. */
        public String permissions;
    }

    /** One line of /etc/hosts: a host name and its address. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class HostEntry {
        @Required
        public String host;
        /** An IPv4 or IPv6 address, or {@code host-gateway} (the engine's host). */
        @Required
        public String ip;

        public HostEntry() {
        }

        public HostEntry(String host, String ip) {
            this.host = host;
            this.ip = ip;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class Dns {
        /** Name server addresses ({@code nameserver} lines of resolv.conf). */
        public List<String> servers;
        /** Search domains ({@code search}). */
        public List<String> search;
        /** Resolver options, like {@code ndots:2} ({@code options}). */
        public List<String> options;
    }

    /** A resource limit: soft and hard, like {@code ulimit -S} and {@code -H}; -1 is unlimited. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class Ulimit {
        /** {@code nofile}, {@code nproc}, {@code core}, {@code memlock}, {@code stack}, ... (without {@code RLIMIT_}). */
        @Required
        public String name;
        @Required
        @Min(-1)
        public Long soft;
        /** Default the soft limit. */
        @Min(-1)
        public Long hard;

        public Ulimit() {
        }

        public Ulimit(String name, Long soft, Long hard) {
            this.name = name;
            this.soft = soft;
            this.hard = hard;
        }

        public long hard() {
            return hard == null ? soft : hard;
        }
    }

    /** A request for devices of a device driver (Docker's DeviceRequest): GPUs by count or by ID. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class GpuRequest {
        /** The device driver, like {@code nvidia}; default the engine's choice for the capabilities. */
        public String driver;
        /** How many devices; -1 is all of them. Default all, unless deviceIds are given. */
        @Min(-1)
        public Integer count;
        /** Which devices, by ID or index; exclusive with count. */
        public List<String> deviceIds;
        /** What the devices must offer, all of it; default {@code [gpu]}. */
        public List<String> capabilities;
        /** Driver-specific options. */
        public Map<String, String> options;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class UpdateStrategy {
        /** Replicas replaced at once; default 1, 0 means all. */
        @Min(0)
        public Integer parallelism;
        /** Pause between batches; default 0s. */
        public String delay;
        /** {@code stop-first} (default) or {@code start-first}. */
        @Pattern("^(stop-first|start-first)$")
        public String order;
        /** How long a new replica must stay ready before the next batch; default 5s. */
        public String monitor;
        /** {@code rollback} (default), {@code pause} or {@code continue}. */
        @Pattern("^(rollback|pause|continue)$")
        public String failureAction;
        /** Share of new replicas that may fail before failureAction applies; default 0. */
        @Min(0)
        @Max(1)
        public Double maxFailureRatio;
        /** How long a new replica may take to become ready before it counts as failed; default 2m. */
        public String progressDeadline;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class Dependency {
        /** Name of an App in the same namespace. */
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        public String app;
        /** {@code started} (default), {@code healthy} or {@code completed} (exited 0). */
        @Pattern("^(started|healthy|completed)$")
        public String condition;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class EnvVar {
        @Required
        public String name;
        public String value;
        /** Where the value comes from instead of {@code value}: a key of a Secret. */
        public EnvVarSource valueFrom;

        public EnvVar() {
        }

        public EnvVar(String name, String value) {
            this.name = name;
            this.value = value;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class EnvVarSource {
        public SecretKeySelector secretKeyRef;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class SecretKeySelector {
        /** Name of a Secret in the same namespace. */
        public String name;
        public String key;
    }

    /** One Secret value as a file in the container. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class SecretFile {
        /** Name of a Secret in the same namespace. */
        public String secret;
        /** The key within it; may be left out when the Secret has exactly one key. */
        public String key;
        /** Absolute path of the file; default {@code /run/secrets/<secret>}. */
        public String target;
        /** File mode, octal: a YAML octal number ({@code 0440}) or a string ({@code "0440"}); default 0400. */
        public IntOrString mode;
        /** Owner of the file; default the numeric user of {@code spec.user}, else 0 (root). */
        @Min(0)
        public Integer uid;
        @Min(0)
        public Integer gid;

        public static final int DEFAULT_MODE = 0400;

        /** Where the file goes: {@code target}, or {@code /run/secrets/<secret>}. */
        public String target() {
            return target != null ? target : secret == null ? null : "/run/secrets/" + secret;
        }

        /**
         * The mode's permission bits: a number is taken as it is (YAML reads {@code 0440} as octal),
         * a string as octal ({@code "0440"}, {@code "440"}, {@code "0o440"}). Throws IllegalArgumentException.
         */
        public int modeBits() {
            if (mode == null) {
                return DEFAULT_MODE;
            }
            int bits;
            if (mode.getIntVal() != null) {
                bits = mode.getIntVal();
            } else {
                String text = mode.getStrVal() == null ? "" : mode.getStrVal().strip();
                String digits = text.startsWith("0o") ? text.substring(2) : text;
                if (!digits.matches("[0-7]{1,4}")) {
                    throw new IllegalArgumentException("\"" + text + "\" is not an octal file mode like \"0440\"");
                }
                bits = Integer.parseInt(digits, 8);
            }
            if (bits < 0 || bits > 0777) {
                throw new IllegalArgumentException("must be a file mode between 0000 and 0777 (octal), was "
                        + (bits < 0 ? Integer.toString(bits) : Integer.toOctalString(bits) + " octal") + "; in YAML write 0440, in JSON 288 or \"0440\"");
            }
            return bits;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class PortSpec {
        @Required
        @Min(1)
        @Max(65535)
        public Integer containerPort;
        @Min(1)
        @Max(65535)
        public Integer hostPort;
        public String hostIP;
        /** {@code tcp} (default) or {@code udp}. */
        @Pattern("^(tcp|udp|sctp)$")
        public String protocol;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class VolumeMount {
        @Required
        @Pattern("^/")
        public String mountPath;
        public Boolean readOnly;
        /** Name of a Volume resource in the same namespace. */
        public String volume;
        /** An absolute path on the engine's host (bind mount). */
        public String hostPath;
        /** A tmpfs mount. */
        public Tmpfs tmpfs;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Tmpfs {
        /** Size limit, like {@code 64Mi}; unlimited when absent. */
        public String size;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class NetworkAttachment {
        /** Name of a Network resource in the same namespace. */
        public String name;
        public List<String> aliases;
        /** A fixed IPv4 address on this network; the Network must declare a subnet that holds it. */
        public String ipv4Address;
        /** A fixed IPv6 address on this network; the Network must declare an IPv6 subnet that holds it. */
        public String ipv6Address;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class Healthcheck {
        /** {@code ["CMD", ...]}, {@code ["CMD-SHELL", "..."]} or {@code ["NONE"]}. */
        @Required
        public List<String> test;
        public String interval;
        public String timeout;
        @Min(0)
        public Integer retries;
        public String startPeriod;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class Resources {
        /** CPUs as a decimal, like {@code 0.5}. */
        public String cpus;
        /** Memory limit, like {@code 256Mi} or {@code 1G}. */
        public String memory;
    }
}
