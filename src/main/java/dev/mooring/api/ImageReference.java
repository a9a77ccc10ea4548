package dev.mooring.api;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference in Docker's grammar, {@code [domain[:port]/]name[:tag][@digest]}, with the
 * name's components lowercase. Checked before an App is stored so that a typo is a 422 naming
 * {@code spec.image}, not a pull that fails in the loop.
 *
 * @param domain the registry host[:port], or null for Docker Hub
 * @param path the repository path, as written, like {@code nginx} or {@code team/app}
 * @param tag the tag, or null
 * @param digest the digest ({@code sha256:...}), or null
 */
public record ImageReference(String domain, String path, String tag, String digest) {
    /** A registry host with an optional port; also what a host name (a network alias) must look like. */
    static final Pattern DOMAIN = Pattern.compile("(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?");
    private static final Pattern NAME_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
    private static final int MAX_LENGTH = 4096;

    /** The reference's parts, or empty when the text is not a valid reference. */
    public static Optional<ImageReference> parse(String ref) {
        if (ref.length() > MAX_LENGTH || ref.chars().anyMatch(Character::isWhitespace)) {
            return Optional.empty();
        }
        int at = ref.indexOf('@');
        String digest = at < 0 ? null : ref.substring(at + 1);
        if (digest != null && !DIGEST.matcher(digest).matches()) {
            return Optional.empty();
        }
        String rest = at < 0 ? ref : ref.substring(0, at);
        int colon = rest.lastIndexOf(':');
        String tag = colon > rest.lastIndexOf('/') ? rest.substring(colon + 1) : null;
        if (tag != null && !TAG.matcher(tag).matches()) {
            return Optional.empty();
        }
        String name = tag == null ? rest : rest.substring(0, colon);
        return withName(name.split("/", -1), tag, digest);
    }

    /** Whether the text is a valid reference. */
    public static boolean isValid(String ref) {
        return parse(ref).isPresent();
    }

    /** The reference of the name's '/'-separated parts; the first is a domain when it looks like a host. */
    private static Optional<ImageReference> withName(String[] parts, String tag, String digest) {
        String domain = null;
        int first = 0;
        if (parts.length > 1 && (parts[0].contains(".") || parts[0].contains(":") || parts[0].equals("localhost"))) {
            if (!DOMAIN.matcher(parts[0]).matches()) {
                return Optional.empty();
            }
            domain = parts[0];
            first = 1;
        }
        String[] components = Arrays.copyOfRange(parts, first, parts.length);
        if (!Arrays.stream(components).allMatch(c -> NAME_COMPONENT.matcher(c).matches())) {
            return Optional.empty();
        }
        return Optional.of(new ImageReference(domain, String.join("/", components), tag, digest));
    }
}
