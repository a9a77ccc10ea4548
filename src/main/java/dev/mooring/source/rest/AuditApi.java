package dev.mooring.source.rest;

import dev.mooring.api.ApiException;
import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.Quantities;
import dev.mooring.security.Access;
import dev.mooring.security.Caller;
import dev.mooring.security.Role;
import dev.mooring.store.AuditStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit log, newest first. Admins only: of the namespace asked for, or of every namespace
 * ({@code *}) without one (lines about tokens have no namespace).
 */
@Path("/api/v1alpha1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "security")
public class AuditApi {
    static final int MAX_LIMIT = 1000;

    @Inject
    AuditStore store;
    @Inject
    Access access;

    @GET
    @Operation(summary = "Who did what, when: filter by user, namespace, kind, name, verb, since; newest first")
    public Map<String, Object> list(@QueryParam("user") String user, @QueryParam("namespace") String namespace,
                                    @QueryParam("kind") String kind, @QueryParam("name") String name,
                                    @QueryParam("verb") String verb, @QueryParam("since") String since,
                                    @QueryParam("limit") @DefaultValue("100") int limit) {
        access.require(Role.admin, namespace == null ? Caller.ALL_NAMESPACES : namespace, "read the audit log");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.invalid(List.of(new FieldError("limit", "must be between 1 and " + MAX_LIMIT + ", was " + limit)));
        }
        Instant from = since == null ? null : since(since);
        List<Map<String, Object>> items = store.query(new AuditStore.Query(user, namespace, kind, name, verb, from, limit)).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", e.time().toString());
            m.put("user", e.user());
            m.put("tokenId", e.tokenId());
            m.put("verb", e.verb());
            m.put("kind", e.kind());
            m.put("namespace", e.namespace());
            m.put("name", e.name());
            m.put("resourceVersionBefore", e.resourceVersionBefore());
            m.put("resourceVersionAfter", e.resourceVersionAfter());
            m.put("sourceAddress", e.sourceAddress());
            m.put("outcome", e.outcome());
            m.put("status", e.status());
            m.put("detail", e.detail());
            m.put("requests", e.requests());
            return m;
        }).toList();
        return ListEnvelope.of("AuditList", items);
    }

    /** {@code since}: an RFC 3339 time, unix seconds, or a duration back from now ({@code 1h}). */
    static Instant since(String since) {
        try {
            if (since.matches("\\d+")) {
                return Instant.ofEpochSecond(Long.parseLong(since));
            }
            if (since.contains("T")) {
                return OffsetDateTime.parse(since).toInstant();
            }
            return Instant.now().minus(Quantities.duration(since));
        } catch (RuntimeException e) {
            throw ApiException.invalid(List.of(new FieldError("since",
                    "\"" + since + "\" is not an RFC 3339 time, unix seconds or a duration like 1h")));
        }
    }
}
