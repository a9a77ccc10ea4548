package dev.mooring.security;

import dev.mooring.api.ApiException;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * The current request's caller, for the checks a path alone cannot decide: an apply names its
 * namespaces in the body, the audit log in a query parameter. {@link ApiGate} has let only
 * callers with a valid token get this far.
 */
@RequestScoped
public class Access {
    @Inject
    CurrentVertxRequest request;

    public Caller caller() {
        Caller c = request.getCurrent() == null ? null : request.getCurrent().get(ApiGate.CALLER);
        return c == null ? Caller.ANONYMOUS : c;
    }

    /** 403 naming the role, the namespace and the purpose unless the caller has the role there. */
    public void require(Role role, String namespace, String action) {
        Caller c = caller();
        if (!c.has(role, namespace)) {
            throw forbidden(new AccessRules.Rule(AccessRules.Access.ROLE, role, namespace, action).denial(c));
        }
    }

    /** Every resource of an apply must be writable by the caller in its own namespace. */
    public void requireWrite(List<MooringResource<?, ?>> resources) {
        for (MooringResource<?, ?> r : resources) {
            String plural = Kind.of(r).plural;
            require(AccessRules.needed(plural, true), r.namespace(), "write " + plural);
        }
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "Forbidden", detail, null);
    }
}
