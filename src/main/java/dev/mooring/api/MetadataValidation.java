package dev.mooring.api;

/** The checks of a resource's metadata, the same for every kind. */
final class MetadataValidation {
    private MetadataValidation() {
    }

    static void validate(MooringResource<?, ?> r, FieldChecks c) {
        var m = r.getMetadata();
        if (m == null) {
            c.error("metadata", "is required");
            return;
        }
        if (m.getAdditionalProperties() != null) {
            m.getAdditionalProperties().keySet().forEach(k -> c.error("metadata." + k, "unknown field"));
        }
        c.dnsLabel("metadata.name", m.getName(), true);
        c.dnsLabel("metadata.namespace", m.getNamespace(), true);
        c.labels("metadata.labels", m.getLabels());
        if (m.getAnnotations() != null) {
            m.getAnnotations().keySet().forEach(k -> {
                if (!FieldChecks.LABEL_KEY.matcher(k).matches() || k.length() > 253) {
                    c.error("metadata.annotations." + k, "is not a valid annotation key");
                }
            });
        }
        if (m.getName() != null && m.getNamespace() != null && m.getNamespace().length() + m.getName().length() > 200) {
            c.error("metadata.name", "namespace and name together must be at most 200 characters");
        }
    }
}
