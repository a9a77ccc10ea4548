package dev.mooring.security;

import java.util.Arrays;
import java.util.Optional;

/** What a token may do in a namespace. Each role includes the ones before it. */
public enum Role {
    /** Read resources, status, events, revisions and logs. */
    viewer,
    /** Also write Apps, Volumes and Networks (and name Secrets in them, without reading them). */
    deployer,
    /** Everything: also Secrets, tokens and the audit log. */
    admin;

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    public static Optional<Role> byName(String name) {
        return Arrays.stream(values()).filter(r -> r.name().equals(name)).findFirst();
    }
}
