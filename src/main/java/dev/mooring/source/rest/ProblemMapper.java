package dev.mooring.source.rest;

import dev.mooring.api.ApiException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every error as RFC 9457 problem+json, with the fields at fault where there are any. */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    public static final String PROBLEM_JSON = "application/problem+json";

    @Override
    public Response toResponse(Throwable t) {
        ApiException api = asApi(t);
        if (api != null) {
            return problem(api.status, api.title, api.getMessage(), api.errors);
        }
        if (t instanceof WebApplicationException w) {
            int status = w.getResponse().getStatus();
            return problem(status, w.getResponse().getStatusInfo().getReasonPhrase(), w.getMessage(), List.of());
        }
        LOG.error("request failed", t);
        return problem(500, "Internal Server Error", "the request failed: " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()) + "; see the server log", List.of());
    }

    /** Finds an ApiException or a write conflict anywhere in the cause chain (transactions wrap them). */
    static ApiException asApi(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ApiException a) {
                return a;
            }
            String name = c.getClass().getName();
            if (name.endsWith("OptimisticLockException") || name.endsWith("StaleObjectStateException")
                    || name.endsWith("StaleStateException")) {
                return ApiException.conflict("the resource was changed by another request at the same time; read it again and retry");
            }
            if (name.endsWith("ConstraintViolationException") && String.valueOf(c.getMessage()).toLowerCase().contains("resources_identity")) {
                return ApiException.conflict("a resource of that kind and name was created by another request at the same time");
            }
        }
        return null;
    }

    static Response problem(int status, String title, String detail, List<ApiException.FieldError> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (!errors.isEmpty()) {
            body.put("errors", errors.stream().map(e -> {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("field", e.field());
                m.put("message", e.message());
                if (e.object() != null) {
                    m.put("object", e.object());
                }
                return m;
            }).toList());
        }
        return Response.status(status).type(PROBLEM_JSON).entity(body).build();
    }
}
