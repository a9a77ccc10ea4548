package dev.mooring.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code mooring.admission.*}: the Pod Security level of each namespace, and whether it is enforced. */
@ConfigMapping(prefix = "mooring.admission")
public interface AdmissionConfig {
    /** The level of a namespace not named in {@link #namespaces()}. */
    @WithDefault("baseline")
    String defaultLevel();

    /** {@code enforce}: a violation is a 422; {@code audit}: it is let through and recorded as a Warning event. */
    @WithDefault("enforce")
    String mode();

    /** Level by namespace: {@code mooring.admission.namespaces.<ns>=privileged|baseline|restricted}. */
    Map<String, String> namespaces();

    /** Mode by namespace, overriding {@link #mode()}: {@code mooring.admission.modes.<ns>=enforce|audit}. */
    Map<String, String> modes();

    /** Host path prefixes that baseline lets Apps bind-mount (never the Docker socket). */
    Optional<List<String>> allowedHostPaths();

    /**
     * Directory prefixes on Mooring's host that baseline lets Apps build from (spec.build.context),
     * besides {@code ${mooring.data-dir}/projects/<namespace>}, where compose imports unpack, and
     * {@code ${mooring.data-dir}/git/<namespace>}, where GitRepositories check out. A build context is
     * read by Mooring itself, so an unrestricted one could copy any file Mooring can read into an image.
     */
    Optional<List<String>> allowedBuildContexts();

    /**
     * Volume drivers besides {@code local} that baseline and restricted admit, with any options
     * (a plugin is trusted as a whole). None by default: {@code local} alone, and only its tmpfs form.
     */
    Optional<List<String>> allowedVolumeDrivers();

    /**
     * Network drivers besides {@code bridge} and {@code overlay} that baseline and restricted admit
     * (like {@code macvlan}). None by default: {@code host}, {@code macvlan}, {@code ipvlan}, {@code none}
     * and plugins reach the host's own network.
     */
    Optional<List<String>> allowedNetworkDrivers();
}
