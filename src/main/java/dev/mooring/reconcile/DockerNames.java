package dev.mooring.reconcile;

/** Readable names of what Mooring creates on an engine. */
public final class DockerNames {
    private DockerNames() {
    }

    public static String container(String namespace, String app, int replica) {
        return namespace + "-" + app + "-" + replica;
    }

    /** The name a replacement container has until the old one is gone. */
    public static String next(String namespace, String app, int replica) {
        return container(namespace, app, replica) + "-next";
    }

    public static String network(String namespace, String name) {
        return namespace + "-" + name;
    }

    public static String volume(String namespace, String name) {
        return namespace + "-" + name;
    }
}
