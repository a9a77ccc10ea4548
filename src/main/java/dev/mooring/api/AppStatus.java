package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;

/** What the loop last saw of an App. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AppStatus extends ResourceStatus {
    public Integer replicas;
    public Integer readyReplicas;
    public Integer updatedReplicas;
    public String configHash;
    /** The revision every replica runs once the rollout is complete. */
    public Integer currentRevision;
    /** The revision being rolled out (equal to currentRevision when nothing moves). */
    public Integer updateRevision;
    public Rollout rollout;
    /** The last image build (Apps with spec.build). */
    public Build build;
    public List<ContainerStatus> containers = new ArrayList<>();

    /** Where the rollout stands; kept in status so a restart of Mooring resumes it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Rollout {
        /** Progressing, Complete, RollingBack, RolledBack, Paused. */
        public String phase;
        /** The revision being rolled out. */
        public Integer revision;
        /** A revision that failed, and the generation it failed for (not retried until the spec changes). */
        public Integer failedRevision;
        public Long failedGeneration;
        public String failedImageId;
        public String message;
        /** When the last batch completed: the next waits for update.delay. */
        public String lastBatchAt;
    }

    /** What the last build of spec.build did; its output is at GET .../apps/{name}/buildlog. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Build {
        /** Succeeded or Failed. */
        public String phase;
        /** SHA-256 of the build context, Dockerfile, args and target. */
        public String digest;
        /** The image the containers run: {@code mooring.local/<ns>/<app>:ctx-<16 hex>}, or the pushed reference. */
        public String image;
        /** Where the image was pushed (spec.build.push), once the push succeeded. */
        public String pushed;
        /** The failing step, like {@code Step 2/3 : RUN make}. */
        public String step;
        public String message;
        public String startedAt;
        public String finishedAt;
        public Long durationMillis;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ContainerStatus {
        public String name;
        public String id;
        public Integer replica;
        /** Docker's state: created, running, exited, ... */
        public String state;
        /** healthy, unhealthy, starting, or none without a healthcheck. */
        public String health;
        public boolean upToDate;
        public Integer revision;
        public Integer exitCode;
        public String imageId;
        /** Host ports, like {@code 127.0.0.1:32768->8080/tcp}. */
        public List<String> ports;
        /** When Mooring first saw the replica ready (for update.monitor). */
        public String readySince;
        /** Restarts Mooring made of this replica, and when it may try again (crash-loop back-off). */
        public Integer restarts;
        public String nextRestartAt;
        public String lastRestartAt;
    }
}
