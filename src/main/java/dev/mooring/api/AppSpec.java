package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;

/** What an App should run. Field names follow the REST/YAML contract in the README. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public class AppSpec {
    public String image;
    public List<String> command;
    public List<String> entrypoint;
    public List<EnvVar> env;
    public String workingDir;
    public String user;
    public List<PortSpec> ports;
    public List<VolumeMount> volumes;
    public List<NetworkAttachment> networks;
    public Map<String, String> labels;
    /** Number of containers; default 1. */
    public Integer replicas;
    /** Docker restart policy: {@code no}, {@code always}, {@code unless-stopped} (default), {@code on-failure}. */
    public String restartPolicy;
    public Healthcheck healthcheck;
    public Resources resources;
    /** {@code Running} (default) or {@code Stopped}: stopped keeps the containers without running them. */
    public String desiredState;
    /** Name of the engine; default {@code local}. */
    public String engine;
    /** How long a container may take to stop before it is killed; default {@code 10s}. */
    public String stopGracePeriod;
    /** Signal that asks the container to stop; default the image's (usually SIGTERM). */
    public String stopSignal;
    /** How a change is rolled out to the replicas. */
    public UpdateStrategy update;
    /** Without a healthcheck, a new replica counts as ready once it has run this long; default 0. */
    public Integer minReadySeconds;
    /** How many old revisions to keep; default 10. */
    public Integer revisionHistoryLimit;
    /** Apps that must be started, healthy or completed before this one's containers are created. */
    public List<Dependency> dependsOn;
    /** When true, Mooring leaves the App alone (for debugging by hand) and says so in status. */
    public Boolean suspend;
    /** Replace replicas whose healthcheck reports unhealthy (Docker alone never does); default true. */
    public Boolean restartOnUnhealthy;
    /** {@code IfNotPresent} (default), {@code Always} (pull regularly, roll out a moved tag) or {@code Never}. */
    public String imagePullPolicy;

    // ---- what the admission policy (Pod Security levels) is about; see dev.mooring.security.AdmissionPolicy ----
    /** Run with every capability and all host devices (docker run --privileged); baseline forbids it. */
    public Boolean privileged;
    /** {@code bridge} (Docker's default network, without spec.networks), {@code host} or {@code none}. */
    public String networkMode;
    /** {@code host}: share the host's PID namespace. */
    public String pidMode;
    /** {@code private}, {@code shareable}, {@code host} or {@code none}. */
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

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class Device {
        /** The device on the engine's host, like {@code /dev/fuse}. */
        public String hostPath;
        /** Where it appears in the container; default the same path. */
        public String containerPath;
        /** cgroup permissions, any of {@code r}, {@code w}, {@code m}; default {@code rwm}. */
        public String permissions;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class UpdateStrategy {
        /** Replicas replaced at once; default 1, 0 means all. */
        public Integer parallelism;
        /** Pause between batches; default 0s. */
        public String delay;
        /** {@code stop-first} (default) or {@code start-first}. */
        public String order;
        /** How long a new replica must stay ready before the next batch; default 5s. */
        public String monitor;
        /** {@code rollback} (default), {@code pause} or {@code continue}. */
        public String failureAction;
        /** Share of new replicas that may fail before failureAction applies; default 0. */
        public Double maxFailureRatio;
        /** How long a new replica may take to become ready before it counts as failed; default 2m. */
        public String progressDeadline;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class Dependency {
        /** Name of an App in the same namespace. */
        public String app;
        /** {@code started} (default), {@code healthy} or {@code completed} (exited 0). */
        public String condition;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class EnvVar {
        public String name;
        public String value;

        public EnvVar() {
        }

        public EnvVar(String name, String value) {
            this.name = name;
            this.value = value;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class PortSpec {
        public Integer containerPort;
        public Integer hostPort;
        public String hostIP;
        /** {@code tcp} (default) or {@code udp}. */
        public String protocol;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class VolumeMount {
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
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder(alphabetic = true)
    public static class Healthcheck {
        /** {@code ["CMD", ...]}, {@code ["CMD-SHELL", "..."]} or {@code ["NONE"]}. */
        public List<String> test;
        public String interval;
        public String timeout;
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
