package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.fabric8.generator.annotation.Pattern;

import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = true)
public class NetworkSpec {
    /** Docker network driver; default {@code bridge}. */
    public String driver;
    public Boolean internal;
    public Boolean attachable;
    /** CIDR, like {@code 10.42.0.0/24}. */
    public String subnet;
    public String gateway;
    public Map<String, String> labels;
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    public String engine;
}
