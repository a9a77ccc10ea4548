package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkStatus extends ResourceStatus {
    /** Name of the network on the engine. */
    public String dockerName;
    public String networkId;
}
