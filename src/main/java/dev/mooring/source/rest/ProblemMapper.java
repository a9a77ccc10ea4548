package dev.mooring.source.rest;

import dev.mooring.api.ApiException;
import dev.mooring.store.WriteConflictException;
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
    /** What a 503 for a database that does not answer tells the caller to wait (the usual restart takes a few seconds). */
    static final String RETRY_AFTER_SECONDS = "5";

    @Override
    public Response toResponse(Throwable t) {
        ApiException api = asApi(t);
        if (api != null) {
            return problem(api.status, api.title, api.getMessage(), api.errors);
        }
        StoreFault fault = storeFault(t);
        if (fault == StoreFault.UNAVAILABLE) {
            LOG.warnf("request refused, the database does not answer: %s", t.toString());
            return Response.fromResponse(problem(503, "Service Unavailable",
                    "the database does not answer; retry in a few seconds (a write that was refused here stored nothing)", List.of()))
                    .header("Retry-After", RETRY_AFTER_SECONDS).build();
        }
        if (fault == StoreFault.FULL) {
            LOG.warnf("write refused, the database's disk is full: %s", t.toString());
            return problem(507, "Insufficient Storage",
                    "the database's disk is full (no space left on device): the write was refused and nothing was stored; "
                            + "reads still work; free space in mooring.data-dir (or on the database server) and retry", List.of());
        }
        if (t instanceof WebApplicationException w) {
            int status = w.getResponse().getStatus();
            return problem(status, w.getResponse().getStatusInfo().getReasonPhrase(), w.getMessage(), List.of());
        }
        LOG.error("request failed", t);
        return problem(500, "Internal Server Error", "the request failed: " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()) + "; see the server log", List.of());
    }

    /** Finds an ApiException or a write conflict ({@link WriteConflictException}) anywhere in the cause chain (transactions wrap them). */
    static ApiException asApi(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ApiException a) {
                return a;
            }
            if (c instanceof WriteConflictException conflict) {
                return ApiException.conflict(conflict.getMessage());
            }
        }
        return null;
    }

    /** What went wrong below the store, as far as a caller can act on it. */
    enum StoreFault { UNAVAILABLE, FULL }

    /**
     * A database that does not answer (connection refused or lost, shutting down: SQLState class 08
     * and 57P; H2 closed after a failed write) is a 503 the caller may retry; a full disk
     * (PostgreSQL's 53100, or the file system's "No space left on device" under H2) is a 507.
     * Anything else is null.
     */
    static StoreFault storeFault(Throwable t) {
        return storeFault(t, 0);
    }

    private static StoreFault storeFault(Throwable t, int depth) {
        for (Throwable c = t; c != null && depth < 20; c = c.getCause() == c ? null : c.getCause(), depth++) {
            // a failed commit carries the database's error as a suppressed exception of the rollback
            for (Throwable s : c.getSuppressed()) {
                StoreFault f = storeFault(s, depth + 1);
                if (f != null) {
                    return f;
                }
            }
            String message = String.valueOf(c.getMessage());
            if (message.contains("No space left on device")) {
                return StoreFault.FULL;
            }
            if (c instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.equals("53100")) {
                    return StoreFault.FULL;
                }
                // H2's 90098: the embedded database closed itself after a failed write; the next connection opens it again
                if (state.startsWith("08") || state.startsWith("57P") || state.equals("90098")) {
                    return StoreFault.UNAVAILABLE;
                }
            }
            String name = c.getClass().getName();
            if (name.endsWith("JDBCConnectionException") || c instanceof java.sql.SQLTransientConnectionException) {
                return StoreFault.UNAVAILABLE;
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
