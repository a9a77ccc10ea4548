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
