package dev.mooring.source.rest;

import dev.mooring.security.Access;
import dev.mooring.security.AccessRules;
import dev.mooring.security.AuditLog;
import dev.mooring.security.AuditTrail;
import dev.mooring.security.Caller;
import dev.mooring.store.AuditStore;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

import java.util.Map;

/**
 * Writes the audit log for the API: every write, whatever its outcome, and every read that was
 * denied. A resource method that changed something has said what in the {@link AuditTrail},
 * with resourceVersions before and after; otherwise (a refused write) the path says what was tried.
 * A refusal of a request without a token is only counted ({@link AuditLog#refusedWithoutToken}).
 */
@Provider
public class AuditFilter implements ContainerResponseFilter {
    @Inject
    Access access;
    @Inject
    AuditTrail trail;
    @Inject
    AuditLog log;
    @Inject
    CurrentVertxRequest request;

    @Override
    public void filter(ContainerRequestContext req, ContainerResponseContext res) {
        String method = req.getMethod();
        int status = res.getStatus();
        if (AccessRules.isRead(method) && status != 401 && status != 403) {
            return;
        }
        var ctx = request.getCurrent();
        String path = ctx == null ? "/" + req.getUriInfo().getPath() : ctx.normalizedPath();
        String address = ctx == null ? null : AuditLog.address(ctx);
        Caller caller = access.caller();
        if (caller.tokenId() == null && status >= 400) {
            // a public path (a webhook) refused a request without a token: counted, not a line each,
            // as the ApiGate's 401s are: who sends them chooses the path (issue 10, finding 6)
            AccessRules.Target t = AccessRules.target(method, path);
            log.refusedWithoutToken(address, t.verb(), t.kind(), t.namespace(), t.name(), status);
            return;
        }
        String outcome = AuditLog.outcome(status);
        var changes = trail.changes();
        if (changes.isEmpty()) {
            AccessRules.Target t = AccessRules.target(method, path);
            String detail = res.getEntity() instanceof Map<?, ?> problem && problem.get("detail") != null
                    ? method + " " + path + ": " + problem.get("detail") : method + " " + path;
            log.submit(new AuditStore.Entry(null, caller.name(), caller.tokenId(), t.verb(), t.kind(), t.namespace(), t.name(),
                    null, null, address, outcome, status, detail));
            return;
        }
        for (AuditTrail.Change c : changes) {
            log.submit(new AuditStore.Entry(null, caller.name(), caller.tokenId(), c.verb(), c.kind(), c.namespace(), c.name(),
                    c.before(), c.after(), address, outcome, status, c.detail()));
        }
    }
}
