package dev.mooring.api;

import java.util.List;
import java.util.regex.Pattern;

/** The checks of a {@link GitRepositorySpec}, each naming its field. */
final class GitRepositoryValidation {
    /** {@code user@host:path}, Git's scp-like ssh form; the path may be absolute ({@code git@host:/srv/r.git}). */
    static final Pattern SCP_LIKE = Pattern.compile("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!//).+");
    /** What Git refuses in a ref name (git-check-ref-format), roughly. */
    private static final Pattern BAD_REF = Pattern.compile("(^[-/.])|(\\.\\.)|([\\s~^:?*\\[\\\\])|(@\\{)|(/$)|(\\.lock$)|(//)|(\\.$)");

    private GitRepositoryValidation() {
    }

    static void validate(GitRepositorySpec s, FieldChecks c) {
        url(s.url, c);
        if (s.branch != null && s.tag != null) {
            c.error("spec.tag", "give either spec.branch or spec.tag, not both");
        }
        ref("spec.branch", s.branch, c);
        ref("spec.tag", s.tag, c);
        if (s.path != null) {
            String p = s.path.replace('\\', '/');
            if (p.startsWith("/") || List.of(p.split("/")).contains("..")) {
                c.error("spec.path", "\"" + s.path + "\" must be a relative path inside the repository, without ..");
            }
        }
        if (s.interval != null) {
            c.parse("spec.interval", () -> {
                if (Quantities.duration(s.interval).toMillis() < 1000) {
                    c.error("spec.interval", "must be at least 1s, was " + s.interval);
                }
            });
        }
        if (s.secretRef != null) {
            secretName("spec.secretRef.name", s.secretRef.name, c);
        }
        if (s.pruneConfirmRatio != null && (s.pruneConfirmRatio.isNaN() || s.pruneConfirmRatio < 0 || s.pruneConfirmRatio > 1)) {
            c.error("spec.pruneConfirmRatio", "must be between 0 and 1 (0: confirm every prune, 1: never ask), was " + s.pruneConfirmRatio);
        }
        if (s.webhook != null) {
            webhook(s.webhook, c);
        }
    }

    private static void url(String url, FieldChecks c) {
        if (url == null || url.isBlank()) {
            c.error("spec.url", "is required: https://..., http://..., ssh://..., user@host:path, file:///... or an absolute path");
        } else if (!urlKind(url)) {
            c.error("spec.url", "\"" + url + "\" is not a Git URL Mooring can fetch; use https://, http://, ssh://, user@host:path, file:// or an absolute path");
        } else if (url.matches("(?i)https?://[^/@]*:[^/@]*@.*")) {
            c.error("spec.url", "holds a password; put the credentials in a Secret and name it in spec.secretRef");
        }
    }

    static boolean urlKind(String url) {
        String u = url.trim();
        String lower = u.toLowerCase();
        return lower.startsWith("https://") || lower.startsWith("http://") || lower.startsWith("ssh://")
                || lower.startsWith("file://") || u.startsWith("/") || SCP_LIKE.matcher(u).matches();
    }

    private static void webhook(GitRepositorySpec.Webhook w, FieldChecks c) {
        if (w.secretRef == null) {
            c.error("spec.webhook.secretRef", "is required: the Secret (name, key) holding the webhook's HMAC secret");
            return;
        }
        secretName("spec.webhook.secretRef.name", w.secretRef.name, c);
        if (w.secretRef.key != null && !Validation.SECRET_KEY.matcher(w.secretRef.key).matches()) {
            c.error("spec.webhook.secretRef.key", "\"" + w.secretRef.key + "\" is not a Secret key (letters, digits, '-', '_', '.')");
        }
    }

    private static void ref(String field, String value, FieldChecks c) {
        if (value == null) {
            return;
        }
        if (value.isBlank() || value.length() > 255 || BAD_REF.matcher(value).find() || value.startsWith("refs/")) {
            c.error(field, "\"" + value + "\" is not a valid " + field.substring(5) + " name (give the short name, like main or v1.2.0)");
        }
    }

    private static void secretName(String field, String value, FieldChecks c) {
        if (value == null || value.isEmpty()) {
            c.error(field, "is required");
        } else if (value.length() > 63 || !Validation.DNS1123_LABEL.matcher(value).matches()) {
            c.error(field, "\"" + value + "\" is not a Secret name (a DNS-1123 label)");
        }
    }
}
