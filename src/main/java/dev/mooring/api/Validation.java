package dev.mooring.api;

import dev.mooring.api.ApiException.FieldError;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Checks a resource before anything is stored and names every offending field by its path.
 * Runs on every write path (REST, apply, later CRDs and Git), so a bad value never reaches the
 * store or an engine. This is the entry point; the checks of each kind are in
 * {@link MetadataValidation}, {@link AppValidation}, {@link NetworkValidation},
 * {@link VolumeValidation}, {@link SecretValidation} and {@link GitRepositoryValidation}.
 */
public final class Validation {
    public static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** Keys of a Secret, as Kubernetes allows them. */
    public static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    /** Like Kubernetes: the values of one Secret total at most 1 MiB. */
    public static final int MAX_SECRET_BYTES = 1024 * 1024;

    private Validation() {
    }

    /** All problems of the resource; empty when it is valid. */
    public static List<FieldError> validate(MooringResource<?, ?> r) {
        FieldChecks c = new FieldChecks();
        MetadataValidation.validate(r, c);
        if (r instanceof Secret secret) {
            SecretValidation.validate(secret, c);
        } else if (r.getSpec() == null) {
            c.error("spec", "is required");
        } else if (r instanceof App app) {
            AppValidation.validate(app.getSpec(), c);
        } else if (r instanceof Network n) {
            NetworkValidation.validate(n.getSpec(), c);
        } else if (r instanceof Volume vol) {
            VolumeValidation.validate(vol.getSpec(), c);
        } else if (r instanceof GitRepository git) {
            GitRepositoryValidation.validate(git.getSpec(), c);
        }
        return c.errors();
    }

    /** Convenience for callers that want to throw: 422 naming every field. */
    public static void require(MooringResource<?, ?> r, Consumer<List<FieldError>> onErrors) {
        List<FieldError> e = validate(r);
        if (!e.isEmpty()) {
            onErrors.accept(e);
        }
    }

    /**
     * Whether writing {@code incoming} would make Apps depend on each other in a circle: the
     * incoming Apps over the stored ones of their namespaces (an incoming App replaces the stored
     * one of its name). Every write path asks this before storing, so that no App waits forever
     * for one that waits for it.
     *
     * @param stored the stored Apps of each namespace an incoming App is in, by namespace
     * @return the field error naming the first cycle (as {@code a -> b -> a}) and the App that
     *         starts it, or null when there is none
     * @see DependencyGraph#cycleError
     */
    public static FieldError dependencyCycle(Map<String, ? extends Collection<App>> stored, List<? extends MooringResource<?, ?>> incoming) {
        return DependencyGraph.cycleError(stored, incoming);
    }

    /**
     * The first dependency cycle among Apps of one namespace ({@code a -> b -> a}), or null.
     * @param edges every App's dependsOn, by App name
     */
    public static String dependencyCycle(Map<String, List<String>> edges) {
        List<String> cycle = new DependencyGraph(edges).firstCycle();
        return cycle.isEmpty() ? null : String.join(" -> ", cycle);
    }

    /**
     * The fixed addresses of an App's network attachments against the Networks they name: each
     * must lie in the subnet its Network declares (a 422 naming the field otherwise).
     * @param networks the Network of that name in the App's namespace (the request's or the stored one), or null
     */
    public static List<FieldError> staticAddresses(App app, java.util.function.Function<String, NetworkSpec> networks) {
        FieldChecks c = new FieldChecks();
        AppNetworkValidation.addresses(app.getSpec(), networks, c);
        return c.errors();
    }

    /** The names of the Apps one App depends on. */
    public static List<String> dependsOn(App app) {
        return DependencyGraph.dependsOn(app);
    }

    /** {@code cap_net_admin} and {@code CAP_NET_ADMIN} are {@code NET_ADMIN}, as Docker reads them. */
    public static String capability(String name) {
        return AppHostValidation.capability(name);
    }

    /** Docker's reference grammar: [domain[:port]/]name[:tag][@digest], name components lowercase. */
    public static boolean isImageReference(String ref) {
        return ImageReference.isValid(ref);
    }
}
