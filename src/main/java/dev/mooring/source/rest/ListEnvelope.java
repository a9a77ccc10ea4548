package dev.mooring.source.rest;

import dev.mooring.api.MooringResource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Kubernetes-shaped answer of every list endpoint: {@code {apiVersion, kind: <X>List, items}}. */
final class ListEnvelope {
    private ListEnvelope() {
    }

    static Map<String, Object> of(String kind, List<?> items) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", MooringResource.API_VERSION);
        out.put("kind", kind);
        out.put("items", items);
        return out;
    }
}
