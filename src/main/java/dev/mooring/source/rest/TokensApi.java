package dev.mooring.source.rest;

import dev.mooring.api.ResourceParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.mooring.api.ApiException;
import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.Quantities;
import dev.mooring.api.ResourceCodec;
import dev.mooring.api.Validation;
import dev.mooring.security.Access;
import dev.mooring.security.AuditTrail;
import dev.mooring.security.Caller;
import dev.mooring.security.Role;
import dev.mooring.security.Tokens;
import dev.mooring.store.TokenStore.Token;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * API tokens, for admins of every namespace ({@code admin} on {@code *}, see AccessRules):
 * create (the secret is in this one answer only), list and read (never the secret), revoke.
 */
@Path("/api/v1alpha1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "security")
public class TokensApi {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,62}");

    @Inject
    Tokens tokens;
    @Inject
    Access access;
    @Inject
    AuditTrail audit;

    /** The body of a POST: {@code {"name": "ci", "roles": {"shop": "deployer"}, "expiresIn": "720h"}}. */
    public static class TokenRequest {
        public String name;
        /** Namespace (or {@code *}) to role: viewer, deployer or admin. */
        public Map<String, String> roles;
        /** A duration from now, like {@code 720h}. */
        public String expiresIn;
        /** A time, RFC 3339. */
        public String expiresAt;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a token; its secret is in this answer only")
    public Response create(String body) {
        TokenRequest req = parse(body);
        List<FieldError> errors = new ArrayList<>();
        if (req.name == null || !NAME.matcher(req.name).matches()) {
            errors.add(new FieldError("name", "is required: 1 to 63 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"));
        }
        Map<String, Role> roles = new TreeMap<>();
        if (req.roles == null || req.roles.isEmpty()) {
            errors.add(new FieldError("roles", "is required: namespace (or * for all) to viewer, deployer or admin, like {\"shop\": \"deployer\"}"));
        } else {
            req.roles.forEach((ns, role) -> {
                if (!Caller.ALL_NAMESPACES.equals(ns) && (ns == null || ns.length() > 63 || !Validation.DNS1123_LABEL.matcher(ns).matches())) {
                    errors.add(new FieldError("roles." + ns, "is not a namespace name or *"));
                }
                Role.byName(role).ifPresentOrElse(r -> roles.put(ns, r),
                        () -> errors.add(new FieldError("roles." + ns, "\"" + role + "\" is not one of viewer, deployer, admin")));
            });
        }
        Instant expiresAt = null;
        if (req.expiresIn != null && req.expiresAt != null) {
            errors.add(new FieldError("expiresIn", "give expiresIn or expiresAt, not both"));
        } else if (req.expiresIn != null) {
            try {
                var d = Quantities.duration(req.expiresIn);
                if (d.isNegative() || d.isZero()) {
                    errors.add(new FieldError("expiresIn", "must be more than 0"));
                } else {
                    expiresAt = Instant.now().plus(d);
                }
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("expiresIn", e.getMessage()));
            }
        } else if (req.expiresAt != null) {
            try {
                expiresAt = OffsetDateTime.parse(req.expiresAt).toInstant();
                if (!expiresAt.isAfter(Instant.now())) {
                    errors.add(new FieldError("expiresAt", "is in the past"));
                }
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("expiresAt", "\"" + req.expiresAt + "\" is not an RFC 3339 time like 2030-01-31T12:00:00Z"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        if (tokens.activeNameTaken(req.name)) {
            throw ApiException.conflict("an active token is named " + req.name + " already; pick another name or revoke that one");
        }
        Tokens.Created c = tokens.create(req.name, roles, expiresAt, access.caller().name());
        audit.add(new AuditTrail.Change("create", "Token", null, c.token().name(), null, null,
                "token " + c.token().id() + " with roles " + c.token().roles()));
        Map<String, Object> out = view(c.token());
        out.put("token", c.secret());
        return Response.status(201).entity(out).build();
    }

    @GET
    @Operation(summary = "Tokens (never their secrets), revoked and expired ones too")
    public Map<String, Object> list() {
        return ListEnvelope.of("TokenList", tokens.list().stream().map(TokensApi::view).toList());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One token (never its secret)")
    public Map<String, Object> get(@PathParam("id") String id) {
        return view(tokens.find(id).orElseThrow(() -> notFound(id)));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke a token: every request with it is refused from now on")
    public Map<String, Object> revoke(@PathParam("id") String id) {
        Token t = tokens.revoke(id).orElseThrow(() -> notFound(id));
        audit.add(new AuditTrail.Change("delete", "Token", null, t.name(), null, null, "revoked token " + t.id()));
        return view(t);
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, "Not Found", "no token with id " + id + "; GET /api/v1alpha1/tokens lists them", null);
    }

    static Map<String, Object> view(Token t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.name());
        m.put("roles", t.roles());
        m.put("origin", t.origin());
        m.put("createdAt", t.createdAt().toString());
        m.put("createdBy", t.createdBy());
        m.put("expiresAt", t.expiresAt() == null ? null : t.expiresAt().toString());
        m.put("revokedAt", t.revokedAt() == null ? null : t.revokedAt().toString());
        m.put("state", t.revokedAt() != null ? "revoked" : t.expiresAt() != null && !t.expiresAt().isAfter(Instant.now()) ? "expired" : "active");
        return m;
    }

    private static TokenRequest parse(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("the request body is empty; send {\"name\": ..., \"roles\": {...}}");
        }
        try {
            TokenRequest r = ResourceCodec.JSON.readValue(body, TokenRequest.class);
            if (r == null) {
                throw ApiException.badRequest("the request body is empty; send {\"name\": ..., \"roles\": {...}}");
            }
            return r;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.invalid(List.of(new FieldError(ResourceParser.path(e), "unknown field")));
        } catch (MismatchedInputException e) {
            throw ApiException.invalid(List.of(new FieldError(ResourceParser.path(e), "has the wrong type")));
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
        }
    }
}
