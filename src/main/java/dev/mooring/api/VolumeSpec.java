package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.fabric8.generator.annotation.Pattern;

import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public class VolumeSpec {
    /** Docker volume driver; default {@code local}. */
    public String driver;
    public Map<String, String> driverOpts;
    public Map<String, String> labels;
    /** {@code Retain} (default): the Docker volume and its data outlive the resource. {@code Delete}: removed with it. */
    @Pattern("^(Retain|Delete)$")
    public String reclaimPolicy;
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    public String engine;
}
