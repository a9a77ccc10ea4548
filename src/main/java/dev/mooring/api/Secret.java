package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Values Apps need but nobody should read back: a map of keys to bytes, given as {@code data}
 * (base64) or {@code stringData} (plain text), like Kubernetes' Secret. Both are write-only:
 * Jackson reads them from a request and never writes them into an answer; the store keeps the
 * values encrypted and answers only their digests ({@code status.digests}). A Secret has no spec.
 */
@Group(MooringResource.GROUP)
@Version(MooringResource.VERSION)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"apiVersion", "kind", "metadata", "status"})
public class Secret extends MooringResource<Void, SecretStatus> {
    /** Key to base64 value. Write-only. */
    @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
    public Map<String, String> data;
    /** Key to plain-text value (stored as its UTF-8 bytes). Write-only. */
    @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
    public Map<String, String> stringData;

    @Override
    @JsonIgnore
    public Void getSpec() {
        return null;
    }

    /** Secrets belong to a namespace, not to an engine. */
    @Override
    public String engineName() {
        return Engines.LOCAL;
    }

    /** The values by key, decoded; call only on a validated Secret (data is valid base64). */
    @JsonIgnore
    public SortedMap<String, byte[]> values() {
        SortedMap<String, byte[]> out = new TreeMap<>();
        if (data != null) {
            data.forEach((k, v) -> out.put(k, decodeBase64(v == null ? "" : v)));
        }
        if (stringData != null) {
            stringData.forEach((k, v) -> out.put(k, (v == null ? "" : v).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    /**
     * Standard base64 with padding optional; line breaks are ignored (as Kubernetes does), so the
     * wrapped output of {@code base64 file} works. Throws IllegalArgumentException without quoting the text.
     */
    public static byte[] decodeBase64(String text) {
        String s = text.replace("\r", "").replace("\n", "");
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not valid base64");
        }
    }

    /** Never the values: a Secret in a log line or exception shows its name and keys only. */
    @Override
    public String toString() {
        return "Secret " + (getMetadata() == null ? "?" : namespace() + "/" + name());
    }
}
