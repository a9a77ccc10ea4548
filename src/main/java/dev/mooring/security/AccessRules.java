package dev.mooring.security;

import dev.mooring.api.Kind;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rule table: which role a request needs, from its method and path alone, so that it is
 * decided before any resource code runs. Requests whose answer depends on the body (apply) or
 * on query parameters (audit) only need a valid token here; their resource method checks the rest.
 * <p>
 * Secrets are admin-only whatever the verb: a deployer names them in an App but never reads or
 * writes them. The rule is keyed on the path's plural, so it holds for any resource called
 * {@code secrets}, stored or not. Paths not in the table need admin in every namespace.
 */
public final class AccessRules {
    public static final String API = "/api/v1alpha1";
    /** Plurals only admins may read or write. */
    static final Set<String> ADMIN_ONLY = Set.of("secrets");
    /**
     * Plurals only admins may write (a deployer may read them). A GitRepository writes whatever
     * its commits hold, Secrets included, and sends the credentials of its Secret to its URL: so
     * creating one is an admin's decision. Confirming its prune is a deployer's ({@link #rule}).
     */
    static final Set<String> ADMIN_WRITE = Set.of("gitrepositories");
    /** Sub-resources that are actions, with the verb the audit log shows for them. */
    static final Set<String> ACTIONS = Set.of("rollback", "webhook", "confirm", "sync");

    private AccessRules() {
    }

    public enum Access { PUBLIC, AUTHENTICATED, ROLE }

    /** What a request needs; for {@link Access#ROLE} the role, where, and what for (said in a 403). */
    public record Rule(Access access, Role role, String namespace, String action) {
        static final Rule PUBLIC = new Rule(Access.PUBLIC, null, null, null);
        static final Rule AUTHENTICATED = new Rule(Access.AUTHENTICATED, null, null, null);

        static Rule role(Role role, String namespace, String action) {
            return new Rule(Access.ROLE, role, namespace, action);
        }

        /** {@code deployer role in namespace shop needed to write apps}. */
        public String denial(Caller caller) {
            Role has = caller.role(namespace);
            return role + " role " + where(namespace) + " needed to " + action + "; token " + caller.name()
                    + (has == null ? " has no role there" : " has only " + has + " there");
        }
    }

    /** The resource a request is about, as far as its path says (for the audit log). */
    public record Target(String verb, String kind, String namespace, String name) {
    }

    public static String where(String namespace) {
        return Caller.ALL_NAMESPACES.equals(namespace) ? "in all namespaces (*)" : "in namespace " + namespace;
    }

    public static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    /** The role needed to read ({@code write} false) or write resources of the plural in a namespace. */
    public static Role needed(String plural, boolean write) {
        if (ADMIN_ONLY.contains(plural) || (write && ADMIN_WRITE.contains(plural))) {
            return Role.admin;
        }
        return write ? Role.deployer : Role.viewer;
    }

    /**
     * The rule for a request. {@code path} is the decoded, normalized path (Vert.x'
     * normalizedPath); matrix parameters are dropped as JAX-RS drops them when it matches.
     */
    public static Rule rule(String method, String path, boolean publicMetrics) {
        if (path.equals("/q/health") || path.startsWith("/q/health/") || path.equals("/q/openapi") || path.startsWith("/q/openapi.")) {
            return Rule.PUBLIC;
        }
        if (path.equals("/q/metrics") || path.startsWith("/q/metrics/")) {
            return publicMetrics ? Rule.PUBLIC : Rule.AUTHENTICATED;
        }
        List<String> s = segments(path);
        if (s == null) {
            return path.startsWith(API) ? Rule.role(Role.admin, Caller.ALL_NAMESPACES, "call " + method + " " + path) : Rule.AUTHENTICATED;
        }
        boolean write = !isRead(method);
        if (s.size() == 1 && (s.get(0).equals("apply") || s.get(0).equals("audit"))) {
            return Rule.AUTHENTICATED; // apply: each resource's namespace; audit: the namespace asked for
        }
        if (!s.isEmpty() && s.get(0).equals("tokens")) {
            return Rule.role(Role.admin, Caller.ALL_NAMESPACES, "manage tokens");
        }
        if (s.size() == 5 && s.get(0).equals("namespaces") && s.get(2).equals("gitrepositories") && "POST".equals(method)) {
            if (s.get(4).equals("webhook")) {
                return Rule.PUBLIC; // a Git host has no token: the body's HMAC signature authenticates it (GitRepositoryApi)
            }
            if (s.get(4).equals("confirm")) {
                return Rule.role(Role.deployer, s.get(1), "confirm the prune of gitrepositories");
            }
            if (s.get(4).equals("sync")) {
                return Rule.role(Role.deployer, s.get(1), "sync a planned commit of gitrepositories");
            }
        }
        if (s.size() == 3 && s.get(0).equals("namespaces") && s.get(2).equals("compose")) {
            // a deployer may import; the resource method also checks each resource's own plural (Secrets: admin)
            return Rule.role(Role.deployer, s.get(1), "import compose projects");
        }
        if (s.size() >= 3 && s.get(0).equals("namespaces")) {
            String plural = s.get(2);
            return Rule.role(needed(plural, write), s.get(1), (write ? "write " : "read ") + plural);
        }
        if (s.size() == 1 && !write) {
            return Rule.role(needed(s.get(0), false), Caller.ALL_NAMESPACES, "list " + s.get(0) + " in all namespaces");
        }
        return Rule.role(Role.admin, Caller.ALL_NAMESPACES, "call " + method + " " + path);
    }

    /** What the request does to what: {@code create App shop/web}, {@code delete Token ci}, ... */
    public static Target target(String method, String path) {
        List<String> s = segments(path);
        if (s == null || s.isEmpty()) {
            return new Target(method.toLowerCase(), null, null, null);
        }
        if (s.get(0).equals("apply")) {
            return new Target("apply", null, null, null);
        }
        if (s.get(0).equals("tokens")) {
            return new Target(verb(method, s.size() > 1), "Token", null, s.size() > 1 ? s.get(1) : null);
        }
        if (s.get(0).equals("namespaces") && s.size() == 3 && s.get(2).equals("compose")) {
            return new Target("import", "compose", s.get(1), null);
        }
        if (s.get(0).equals("namespaces") && s.size() >= 3) {
            String kind = kindName(s.get(2));
            String name = s.size() > 3 ? s.get(3) : null;
            String verb = s.size() > 4 && ACTIONS.contains(s.get(4)) ? s.get(4) : verb(method, name != null);
            return new Target(verb, kind, s.get(1), name);
        }
        return new Target(verb(method, false), kindName(s.get(0)), null, null);
    }

    static String kindName(String plural) {
        return Kind.byPlural(plural).map(Enum::name).orElse(plural);
    }

    private static String verb(String method, boolean item) {
        return switch (method) {
            case "GET", "HEAD" -> item ? "get" : "list";
            case "POST" -> "create";
            case "PUT", "PATCH" -> "update";
            case "DELETE" -> "delete";
            default -> method.toLowerCase();
        };
    }

    /**
     * Path segments below /api/v1alpha1, percent-decoded, without matrix parameters; null for
     * other paths. Empty segments are kept ({@code namespaces//secrets} must not shift the plural).
     */
    static List<String> segments(String path) {
        if (!path.equals(API) && !path.startsWith(API + "/")) {
            return null;
        }
        String rest = path.substring(API.length());
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        List<String> out = new ArrayList<>();
        if (rest.isEmpty()) {
            return out;
        }
        for (String seg : rest.substring(1).split("/", -1)) {
            int semi = seg.indexOf(';');
            String clean = semi >= 0 ? seg.substring(0, semi) : seg;
            try {
                out.add(URLDecoder.decode(clean.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                out.add(clean);
            }
        }
        return out;
    }
}
