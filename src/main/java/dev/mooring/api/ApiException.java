package dev.mooring.api;

import java.util.List;

/**
 * An error a client caused or can act on, answered as RFC 9457 problem+json with the HTTP
 * status it carries. {@link #errors} names the offending fields where there are any.
 */
public class ApiException extends RuntimeException {
    public final int status;
    public final String title;
    public final List<FieldError> errors;

    public ApiException(int status, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ApiException notFound(String kind, String namespace, String name) {
        return new ApiException(404, "Not Found", kind + " " + namespace + "/" + name + " not found", null);
    }

    public static ApiException alreadyExists(String kind, String namespace, String name) {
        return new ApiException(409, "Already Exists", kind + " " + namespace + "/" + name
                + " already exists; use PUT to replace it or POST /api/v1alpha1/apply to create or update", null);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail, null);
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "Bad Request", detail, null);
    }

    public static ApiException invalid(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? describe(errors.get(0))
                : errors.size() + " invalid fields: " + String.join("; ", errors.stream().map(ApiException::describe).toList());
        return new ApiException(422, "Invalid Resource", detail, errors);
    }

    private static String describe(FieldError e) {
        return (e.object() == null ? "" : e.object() + ": ") + e.field() + ": " + e.message();
    }

    /** One invalid field, by its path in the submitted document (like {@code spec.ports[0].containerPort}). */
    public record FieldError(String field, String message, String object) {
        public FieldError(String field, String message) {
            this(field, message, null);
        }

        /** The same error, said of one resource among several (like {@code App default/web}). */
        public FieldError of(String objectName) {
            return new FieldError(field, message, objectName);
        }
    }
}
