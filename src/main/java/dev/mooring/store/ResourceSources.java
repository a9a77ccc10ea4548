package dev.mooring.store;

import dev.mooring.api.ApiException;

/**
 * The sources that own resources in the store, by the names the store keeps: the REST API, the
 * custom resource mirror, a GitRepository. A resource is changed only by the source that owns it.
 */
public final class ResourceSources {
    /** Resources written through the REST API (and those a deleted GitRepository handed over). */
    public static final String REST = "rest";
    /** Resources mirrored from Kubernetes custom resources. */
    public static final String CRD = "crd";

    private ResourceSources() {
    }

    /** The source name of a GitRepository. */
    public static String git(String namespace, String name) {
        return "git:" + namespace + "/" + name;
    }

    /** A source named for people: "the REST API", "GitRepository ns/name", "its Kubernetes custom resource". */
    public static String describe(String source) {
        if (source == null || source.equals(REST)) {
            return "the REST API";
        }
        if (source.equals(CRD)) {
            return "its Kubernetes custom resource";
        }
        if (source.startsWith("git:")) {
            return "GitRepository " + source.substring(4);
        }
        return source;
    }

    /** A second source may not take over a resource silently: 409 naming the owner. */
    static void requireOwner(ResourceRecord row, String source) {
        String owner = row.source == null ? REST : row.source;
        if (!owner.equals(source)) {
            throw ApiException.conflict(row.kind + " " + row.namespace + "/" + row.name + " is owned by "
                    + describe(owner) + "; change it there, not through " + describe(source));
        }
    }
}
