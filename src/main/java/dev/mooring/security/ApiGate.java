package dev.mooring.security;

import dev.mooring.api.ResourceCodec;
import dev.mooring.security.AccessRules.Rule;
import dev.mooring.store.AuditStore;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The first thing every HTTP request meets, before Quarkus routes it anywhere (API, metrics,
 * OpenAPI): refuses a body over {@code mooring.api.max-body-size} (413; a chunked one as it arrives), a missing or bad token
 * (401) and a role the path needs but the token lacks (403), each as problem+json, and hands the
 * {@link Caller} on to the resource methods. Runs on the event loop and never blocks: tokens are
 * checked against {@link Tokens}' in-memory table, and denials are audited asynchronously.
 */
@ApplicationScoped
public class ApiGate {
    private static final Logger LOG = Logger.getLogger(ApiGate.class);
    /** Where the caller is kept on the routing context for {@link Access}. */
    public static final String CALLER = "mooring.caller";
    /** Before Quarkus' own body-size check (RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT, -2), so that a 413 is problem+json too. */
    static final int ORDER = -10;

    @Inject
    Tokens tokens;
    @Inject
    AuditLog audit;
    @ConfigProperty(name = "mooring.api.max-body-size", defaultValue = "1M")
    MemorySize maxBodySize;
    @ConfigProperty(name = "mooring.auth.public-metrics", defaultValue = "false")
    boolean publicMetrics;

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    void handle(RoutingContext ctx) {
        String method = ctx.request().method().name();
        String path = ctx.normalizedPath();
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLarge(length)) {
            problem(ctx, 413, "Content Too Large", "the request body has " + length + " bytes; at most " + maxBodySize.asLongValue()
                    + " are accepted (mooring.api.max-body-size)");
            return;
        }
        Rule rule = AccessRules.rule(method, path, publicMetrics);
        if (rule.access() == AccessRules.Access.PUBLIC) {
            ctx.next();
            return;
        }
        Tokens.Check check = tokens.check(bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)), Instant.now());
        if (check.caller() == null) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"mooring\"");
            deny(ctx, Caller.ANONYMOUS, 401, "Unauthorized", check.problem());
            return;
        }
        Caller caller = check.caller();
        if (rule.access() == AccessRules.Access.ROLE && !caller.has(rule.role(), rule.namespace())) {
            deny(ctx, caller, 403, "Forbidden", rule.denial(caller));
            return;
        }
        ctx.put(CALLER, caller);
        if (length == null && isChunked(ctx)) {
            readLimited(ctx, caller);
            return;
        }
        ctx.next();
    }

    private static boolean isChunked(RoutingContext ctx) {
        String te = ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING);
        return te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked");
    }

    /**
     * A chunked body has no Content-Length to refuse up front: it is read here, up to the limit,
     * and handed on whole (the resource methods read it from the routing context). One past the
     * limit is a 413 problem+json, audited as such; left to the REST layer, it was a bare 413, an
     * ERROR with a stack trace and a 500 in the audit log (issue 10, finding 6).
     */
    private void readLimited(RoutingContext ctx, Caller caller) {
        long max = maxBodySize.asLongValue();
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        ctx.request().handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + (long) chunk.length() > max) {
                refused[0] = true;
                String method = ctx.request().method().name();
                String path = ctx.normalizedPath();
                String detail = "the request body (chunked) has more than " + max + " bytes; at most " + max
                        + " are accepted (mooring.api.max-body-size)";
                LOG.debugf("%s %s from %s: %s", method, path, AuditLog.address(ctx), detail);
                if (path.startsWith(AccessRules.API)) {
                    AccessRules.Target t = AccessRules.target(method, path);
                    audit.submit(new AuditStore.Entry(null, caller.name(), caller.tokenId(), t.verb(), t.kind(), t.namespace(), t.name(),
                            null, null, AuditLog.address(ctx), AuditLog.outcome(413), 413, method + " " + path + ": " + detail));
                }
                problem(ctx, 413, "Content Too Large", detail);
                return;
            }
            body.appendBuffer(chunk);
        });
        ctx.request().endHandler(v -> {
            if (!refused[0]) {
                ctx.setBody(body);
                ctx.next();
            }
        });
        if ("100-continue".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.EXPECT))) {
            ctx.response().writeContinue();
        }
    }

    private boolean tooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodySize.asLongValue();
        } catch (NumberFormatException e) {
            return false; // Vert.x refuses a malformed Content-Length itself
        }
    }

    /** The token of an {@code Authorization: Bearer <token>} header, or null. */
    static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        return h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
    }

    private void deny(RoutingContext ctx, Caller caller, int status, String title, String detail) {
        String method = ctx.request().method().name();
        String path = ctx.normalizedPath();
        if (status == 401) {
            audit.unauthenticated(AuditLog.address(ctx)); // counted, not a line: the path is the caller's choice
        } else if (path.startsWith(AccessRules.API)) {
            AccessRules.Target t = AccessRules.target(method, path);
            audit.submit(new AuditStore.Entry(null, caller.name(), caller.tokenId(), t.verb(), t.kind(), t.namespace(), t.name(),
                    null, null, AuditLog.address(ctx), "denied", status, method + " " + path + ": " + detail));
        }
        problem(ctx, status, title, detail);
    }

    static void problem(RoutingContext ctx, int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json");
        if (status == 413) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close"); // the unread body would be taken for the next request
        }
        ctx.response().end(ResourceCodec.toJson(body));
    }
}
