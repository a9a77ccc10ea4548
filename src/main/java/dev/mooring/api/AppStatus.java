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
    public List<ContainerStatus> containers = new ArrayList<>();

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
    }
}
