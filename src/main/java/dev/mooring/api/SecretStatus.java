package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/** What may be shown of a Secret: per key, the SHA-256 digest of its value ({@code sha256:<hex>}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretStatus extends ResourceStatus {
    /** Key to {@code sha256:<hex>} of the value; set by the store from what it keeps. */
    public Map<String, String> digests;
}
