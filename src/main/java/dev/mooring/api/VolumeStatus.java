package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class VolumeStatus extends ResourceStatus {
    /** Name of the volume on the engine. */
    public String dockerName;
    public String mountpoint;
}
