package dev.mooring.api;

import dev.mooring.api.ApiException.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The checks of a {@link GitRepositorySpec}, each naming its field (called from {@link Validation}). */
final class GitRepositoryValidation {
    /** {@code user@host:path}, Git's scp-like ssh form; the path may be absolute ({@code git@host:/srv/r.git}). */
    static final Pattern SCP_LIKE = Pattern.compile("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!//).+");
    /** What Git refuses in a ref name (git-check-ref-format), roughly. */
    private static final Pattern BAD_REF = Pattern.compile("(^[-/.])|(\\.\\.)|([\\s~^:?*\\[\\\\])|(@\\{)|(/$)|(\\.lock$)|(//)|(\\.$)");

    private GitRepositoryValidation() {
    }

    static List<FieldError> validate(GitRepositorySpec s) {
        List<FieldError> errors = new ArrayList<>();
        if (s.url == null || s.url.isBlank()) {
            errors.add(new FieldError("spec.url", "is required: https://..., http://..., ssh://..., user@host:path, file:///... or an absolute path"));
        } else if (!urlKind(s.url)) {
            errors.add(new FieldError("spec.url", "\"" + s.url + "\" is not a Git URL Mooring can fetch; use https://, http://, ssh://, user@host:path, file:// or an absolute path"));
        } else if (s.url.matches("(?i)https?://[^/@]*:[^/@]*@.*")) {
            errors.add(new FieldError("spec.url", "holds a password; put the credentials in a Secret and name it in spec.secretRef"));
        }
        if (s.branch != null && s.tag != null) {
            errors.add(new FieldError("spec.tag", "give either spec.branch or spec.tag, not both"));
        }
        ref(errors, "spec.branch", s.branch);
        ref(errors, "spec.tag", s.tag);
        if (s.path != null) {
            String p = s.path.replace('\\', '/');
            if (p.startsWith("/") || List.of(p.split("/")).contains("..")) {
                errors.add(new FieldError("spec.path", "\"" + s.path + "\" must be a relative path inside the repository, without .."));
            }
        }
        if (s.interval != null) {
            try {
                if (Quantities.duration(s.interval).toMillis() < 1000) {
                    errors.add(new FieldError("spec.interval", "must be at least 1s, was " + s.interval));
                }
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("spec.interval", e.getMessage()));
            }
        }
        if (s.secretRef != null) {
            name(errors, "spec.secretRef.name", s.secretRef.name);
        }
        if (s.pruneConfirmRatio != null && (s.pruneConfirmRatio.isNaN() || s.pruneConfirmRatio < 0 || s.pruneConfirmRatio > 1)) {
            errors.add(new FieldError("spec.pruneConfirmRatio", "must be between 0 and 1 (0: confirm every prune, 1: never ask), was " + s.pruneConfirmRatio));
        }
        if (s.webhook != null) {
            if (s.webhook.secretRef == null) {
                errors.add(new FieldError("spec.webhook.secretRef", "is required: the Secret (name, key) holding the webhook's HMAC secret"));
            } else {
                name(errors, "spec.webhook.secretRef.name", s.webhook.secretRef.name);
                if (s.webhook.secretRef.key != null && !Validation.SECRET_KEY.matcher(s.webhook.secretRef.key).matches()) {
                    errors.add(new FieldError("spec.webhook.secretRef.key", "\"" + s.webhook.secretRef.key + "\" is not a Secret key (letters, digits, '-', '_', '.')"));
                }
            }
        }
        return errors;
    }

    static boolean urlKind(String url) {
        String u = url.trim();
        String lower = u.toLowerCase();
        return lower.startsWith("https://") || lower.startsWith("http://") || lower.startsWith("ssh://")
                || lower.startsWith("file://") || u.startsWith("/") || SCP_LIKE.matcher(u).matches();
    }

    private static void ref(List<FieldError> errors, String field, String value) {
        if (value == null) {
            return;
        }
        if (value.isBlank() || value.length() > 255 || BAD_REF.matcher(value).find() || value.startsWith("refs/")) {
            errors.add(new FieldError(field, "\"" + value + "\" is not a valid " + field.substring(5) + " name (give the short name, like main or v1.2.0)"));
        }
    }

    private static void name(List<FieldError> errors, String field, String value) {
        if (value == null || value.isEmpty()) {
            errors.add(new FieldError(field, "is required"));
        } else if (value.length() > 63 || !Validation.DNS1123_LABEL.matcher(value).matches()) {
            errors.add(new FieldError(field, "\"" + value + "\" is not a Secret name (a DNS-1123 label)"));
        }
    }
}
