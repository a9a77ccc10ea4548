package dev.mooring.security;

import java.util.Map;

/**
 * Who sent a request: the token's id and name and its roles by namespace ({@code *} for every
 * namespace). A namespace gets the higher of its own role and the {@code *} role.
 */
public record Caller(String tokenId, String name, Map<String, Role> roles) {
    public static final String ALL_NAMESPACES = "*";
    /** The caller of a request without a valid token (for the audit log only; it is never let in). */
    public static final Caller ANONYMOUS = new Caller(null, "anonymous", Map.of());

    /** The caller's role in the namespace ({@code *}: the role it has in every namespace), or null. */
    public Role role(String namespace) {
        Role all = roles.get(ALL_NAMESPACES);
        if (ALL_NAMESPACES.equals(namespace)) {
            return all;
        }
        Role own = roles.get(namespace);
        if (own == null) {
            return all;
        }
        return all == null || own.includes(all) ? own : all;
    }

    public boolean has(Role wanted, String namespace) {
        Role r = role(namespace);
        return r != null && r.includes(wanted);
    }
}
