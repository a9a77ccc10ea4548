package dev.mooring.security;

import dev.mooring.api.ApiException;
import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.App;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Network;
import dev.mooring.api.Volume;
import dev.mooring.api.ResourceKey;
import dev.mooring.docker.DockerEngines;
import dev.mooring.security.AdmissionPolicy.Level;
import dev.mooring.store.EventStore;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Admission: checks the Apps, Volumes and Networks of a write against their namespace's Pod
 * Security level ({@link AdmissionPolicy}) before anything is stored, so nothing forbidden reaches
 * an engine. The write path ({@code dev.mooring.write.WritePath}) calls {@link #admit} for every
 * source (REST, apply, compose import, rollback, Git sync, the CRD mirror). In {@code enforce} mode a violation refuses the whole request (422, every field named);
 * in {@code audit} mode it is let through and, once stored, recorded as a Warning event.
 *
 * <p>Host paths and build contexts are also checked again right before use
 * ({@link #hostPathToMount}, {@link #buildContextToRead}): a symlink may have been swapped in since
 * admission, and the engine follows it when it creates or starts a container.
 */
@ApplicationScoped
@Startup
public class Admission {
    private static final Logger LOG = Logger.getLogger(Admission.class);
    public static final String REASON = "PolicyViolation";

    @Inject
    AdmissionConfig config;
    @Inject
    EventStore events;
    @Inject
    GitUrlPolicy gitUrls;
    @Inject
    DockerEngines engines;

    private Level defaultLevel;
    private boolean defaultAudit;
    private Map<String, Level> levels;
    private Map<String, Boolean> audit;
    private List<String> allowedHostPaths;
    private List<String> allowedBuildContexts;
    private List<String> allowedVolumeDrivers;
    private List<String> allowedNetworkDrivers;
    private java.nio.file.Path projectRoot;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "mooring.data-dir", defaultValue = "./data")
    String dataDir;

    /** The violations of one resource that audit mode let through. */
    public record Finding(MooringResource<?, ?> resource, Level level, List<FieldError> violations) {
    }

    @PostConstruct
    void load() {
        defaultLevel = level("mooring.admission.default-level", config.defaultLevel());
        defaultAudit = audit("mooring.admission.mode", config.mode());
        Map<String, Level> l = new java.util.HashMap<>();
        config.namespaces().forEach((ns, v) -> l.put(ns, level("mooring.admission.namespaces." + ns, v)));
        levels = Map.copyOf(l);
        Map<String, Boolean> a = new java.util.HashMap<>();
        config.modes().forEach((ns, v) -> a.put(ns, audit("mooring.admission.modes." + ns, v)));
        audit = Map.copyOf(a);
        allowedHostPaths = config.allowedHostPaths().orElse(List.of()).stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
        for (String p : allowedHostPaths) {
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("mooring.admission.allowed-host-paths: \"" + p + "\" is not an absolute path");
            }
        }
        List<String> contexts = new ArrayList<>();
        projectRoot = java.nio.file.Path.of(dataDir).toAbsolutePath().normalize();
        for (String p : config.allowedBuildContexts().orElse(List.of())) {
            if (!p.trim().isEmpty()) {
                if (!p.trim().startsWith("/")) {
                    throw new IllegalArgumentException("mooring.admission.allowed-build-contexts: \"" + p + "\" is not an absolute path");
                }
                contexts.add(p.trim());
            }
        }
        allowedBuildContexts = List.copyOf(contexts);
        allowedVolumeDrivers = config.allowedVolumeDrivers().orElse(List.of()).stream().map(String::trim).filter(d -> !d.isEmpty()).toList();
        allowedNetworkDrivers = config.allowedNetworkDrivers().orElse(List.of()).stream().map(String::trim).filter(d -> !d.isEmpty()).toList();
        LOG.debugf("admission: default %s (%s), namespaces %s, modes %s, allowed host paths %s, build contexts %s, volume drivers %s, network drivers %s",
                defaultLevel, defaultAudit ? "audit" : "enforce", levels, audit, allowedHostPaths, allowedBuildContexts,
                allowedVolumeDrivers, allowedNetworkDrivers);
    }

    /**
     * How host paths of an App on this engine resolve: on Mooring's own file system when the
     * engine is reached through a local socket, else as written (Mooring cannot see a remote
     * host's links, so there only the path as written is checked).
     */
    UnaryOperator<Path> hostRealPath(String engine) {
        return engines.exists(engine) && engines.engine(engine).host().startsWith("unix://") ? HostPaths::realPath : AdmissionPolicy.LEXICAL;
    }

    /**
     * Where an App of this namespace may build from below privileged: its own namespace's compose
     * imports ({@code data-dir/projects/<ns>}) and Git checkouts ({@code data-dir/git/<ns>}), never
     * another namespace's, plus mooring.admission.allowed-build-contexts.
     */
    List<String> buildContexts(String namespace) {
        List<String> out = new ArrayList<>();
        out.add(projectRoot.resolve("projects").resolve(namespace).toString());
        out.add(projectRoot.resolve("git").resolve(namespace).toString());
        out.addAll(allowedBuildContexts);
        return out;
    }

    /**
     * The namespace's compose imports ({@code data-dir/projects/<ns>}) and Git checkouts
     * ({@code data-dir/git/<ns>}), in that order: baseline lets its Apps bind-mount a project's own
     * files ({@link AdmissionPolicy#projectOf}), never another namespace's.
     */
    List<String> projectRoots(String namespace) {
        return List.of(projectRoot.resolve("projects").resolve(namespace).toString(), projectRoot.resolve("git").resolve(namespace).toString());
    }

    public Level level(String namespace) {
        return levels.getOrDefault(namespace, defaultLevel);
    }

    public boolean auditOnly(String namespace) {
        return audit.getOrDefault(namespace, defaultAudit);
    }

    /**
     * Checks every App, Volume and Network of a write, and every GitRepository's URL
     * ({@link GitUrlPolicy}). Throws 422 when a namespace that enforces its level has a violation;
     * answers what audit mode let through (for {@link #record}).
     */
    public List<Finding> admit(List<? extends MooringResource<?, ?>> resources) {
        gitUrls.admit(resources, this::level); // enforced in audit mode too: it fences Mooring's own files and host
        List<FieldError> refused = new ArrayList<>();
        java.util.Set<String> refusing = new java.util.LinkedHashSet<>();
        List<Finding> audited = new ArrayList<>();
        for (MooringResource<?, ?> r : resources) {
            Level level = level(r.namespace());
            List<FieldError> v = violations(r, level);
            if (v.isEmpty()) {
                continue;
            }
            if (auditOnly(r.namespace())) {
                audited.add(new Finding(r, level, v));
            } else {
                String id = r.getKind() + " " + r.namespace() + "/" + r.name();
                refusing.add(r.namespace() + " enforces " + level);
                v.forEach(e -> refused.add(resources.size() > 1 ? e.of(id) : e));
            }
        }
        if (!refused.isEmpty()) {
            throw denied(refused, refusing);
        }
        return audited;
    }

    private List<FieldError> violations(MooringResource<?, ?> r, Level level) {
        if (r instanceof App app && app.getSpec() != null) {
            return AdmissionPolicy.violations(app.getSpec(), level, allowedHostPaths, buildContexts(app.namespace()),
                    projectRoots(app.namespace()), hostRealPath(app.engineName()), HostPaths::realPath);
        }
        if (r instanceof Volume v) {
            return AdmissionPolicy.violations(v.getSpec(), level, allowedVolumeDrivers);
        }
        if (r instanceof Network n) {
            return AdmissionPolicy.violations(n.getSpec(), level, allowedNetworkDrivers);
        }
        return List.of();
    }

    /**
     * The path to hand the engine for a bind mount of an App in this namespace on this engine,
     * right before a container is created or started with it: its real path now (symlinks
     * followed) on an engine that shares Mooring's file system, the path as written elsewhere.
     * Admission checked it when the App was written; a link may have been swapped in since.
     *
     * @throws HostPathRefusedException when the level now forbids it (in enforce mode; audit mode only logs it)
     */
    public String hostPathToMount(String namespace, String engine, String field, String hostPath) {
        Level level = level(namespace);
        if (level == Level.privileged) {
            return hostPath;
        }
        UnaryOperator<Path> realPath = hostRealPath(engine);
        FieldError e = AdmissionPolicy.hostPathViolation(field, hostPath, level, allowedHostPaths, projectRoots(namespace), realPath);
        if (e != null) {
            if (!auditOnly(namespace)) {
                throw new HostPathRefusedException(e.field() + ": " + e.message() + " (namespace " + namespace + " enforces " + level + ")");
            }
            LOG.warnf("namespace %s audits %s: %s: %s", namespace, level, e.field(), e.message());
        }
        return realPath.apply(Path.of(hostPath).normalize()).toString();
    }

    /**
     * The directory to read for a build of an App in this namespace, right before the build: the
     * context's real path now (build contexts are on Mooring's own host).
     *
     * @throws HostPathRefusedException when the level now forbids it (in enforce mode)
     */
    public Path buildContextToRead(String namespace, String context) {
        Level level = level(namespace);
        if (level == Level.privileged) {
            return Path.of(context);
        }
        FieldError e = AdmissionPolicy.buildContextViolation(context, buildContexts(namespace), HostPaths::realPath);
        if (e != null) {
            if (!auditOnly(namespace)) {
                throw new HostPathRefusedException(e.field() + ": " + e.message() + " (namespace " + namespace + " enforces " + level + ")");
            }
            LOG.warnf("namespace %s audits %s: %s: %s", namespace, level, e.field(), e.message());
        }
        return HostPaths.realPath(Path.of(context).normalize());
    }

    /** Records audit mode's findings as Warning events on the stored resources (uid now known). */
    public void record(List<Finding> findings, List<? extends MooringResource<?, ?>> stored) {
        for (Finding f : findings) {
            for (MooringResource<?, ?> s : stored) {
                if (s.getKind().equals(f.resource().getKind()) && s.namespace().equals(f.resource().namespace())
                        && s.name().equals(f.resource().name()) && s.getMetadata().getUid() != null) {
                    for (FieldError e : f.violations()) {
                        events.record(ResourceKey.of(s), s.getMetadata().getUid(), "Warning", REASON,
                                e.field() + ": " + e.message() + " (namespace " + s.namespace() + " audits " + f.level()
                                        + " without enforcing it, so the " + s.getKind() + " was admitted)");
                    }
                }
            }
        }
    }

    private static ApiException denied(List<FieldError> errors, java.util.Set<String> where) {
        String detail = errors.size() == 1 ? describe(errors.get(0))
                : errors.size() + " settings are forbidden: " + String.join("; ", errors.stream().map(Admission::describe).toList());
        return new ApiException(422, "Forbidden by Admission Policy", detail + " (namespace " + String.join(", ", where) + ")", errors);
    }

    private static String describe(FieldError e) {
        return (e.object() == null ? "" : e.object() + ": ") + e.field() + ": " + e.message();
    }

    private static Level level(String property, String value) {
        try {
            return Level.valueOf(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + " is \"" + value + "\"; use one of " + Arrays.toString(Level.values()));
        }
    }

    private static boolean audit(String property, String value) {
        return switch (value.trim()) {
            case "audit" -> true;
            case "enforce" -> false;
            default -> throw new IllegalArgumentException(property + " is \"" + value + "\"; use enforce or audit");
        };
    }
}
