package dev.mooring.api;

import java.util.Set;

/** The checks of a {@link VolumeSpec}, each naming its field. */
final class VolumeValidation {
    static final Set<String> RECLAIM_POLICIES = Set.of("Retain", "Delete");

    private VolumeValidation() {
    }

    static void validate(VolumeSpec s, FieldChecks c) {
        c.driver(s.driver);
        c.oneOf("spec.reclaimPolicy", s.reclaimPolicy, RECLAIM_POLICIES);
        c.labels("spec.labels", s.labels);
        c.dnsLabel("spec.engine", s.engine, false);
    }
}
