package dev.mooring.security;

import dev.mooring.api.ApiException;
import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.App;
import dev.mooring.api.MooringResource;
import dev.mooring.control.ResourceKey;
import dev.mooring.security.AdmissionPolicy.Level;
import dev.mooring.store.EventStore;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Admission: checks the Apps of a write against their namespace's Pod Security level
 * ({@link AdmissionPolicy}) before anything is stored, so nothing forbidden reaches an engine.
 * In {@code enforce} mode a violation refuses the whole request (422, every field named); in
 * {@code audit} mode it is let through and, once stored, recorded as a Warning event on the App.
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

    private Level defaultLevel;
    private boolean defaultAudit;
    private Map<String, Level> levels;
    private Map<String, Boolean> audit;
    private List<String> allowedHostPaths;
    private List<String> allowedBuildContexts;
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
        LOG.debugf("admission: default %s (%s), namespaces %s, modes %s, allowed host paths %s, build contexts %s",
                defaultLevel, defaultAudit ? "audit" : "enforce", levels, audit, allowedHostPaths, allowedBuildContexts);
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

    public Level level(String namespace) {
        return levels.getOrDefault(namespace, defaultLevel);
    }

    public boolean auditOnly(String namespace) {
        return audit.getOrDefault(namespace, defaultAudit);
    }

    /**
     * Checks every App of a write, and every GitRepository's URL ({@link GitUrlPolicy}). Throws 422 when a namespace that enforces its level has a
     * violation; answers what audit mode let through (for {@link #record}).
     */
    public List<Finding> admit(List<? extends MooringResource<?, ?>> resources) {
        gitUrls.admit(resources, this::level); // enforced in audit mode too: it fences Mooring's own files and host
        List<FieldError> refused = new ArrayList<>();
        java.util.Set<String> refusing = new java.util.LinkedHashSet<>();
        List<Finding> audited = new ArrayList<>();
        for (MooringResource<?, ?> r : resources) {
            if (!(r instanceof App app) || app.getSpec() == null) {
                continue;
            }
            Level level = level(app.namespace());
            List<FieldError> v = AdmissionPolicy.violations(app.getSpec(), level, allowedHostPaths, buildContexts(app.namespace()));
            if (v.isEmpty()) {
                continue;
            }
            if (auditOnly(app.namespace())) {
                audited.add(new Finding(app, level, v));
            } else {
                String id = "App " + app.namespace() + "/" + app.name();
                refusing.add(app.namespace() + " enforces " + level);
                v.forEach(e -> refused.add(resources.size() > 1 ? e.of(id) : e));
            }
        }
        if (!refused.isEmpty()) {
            throw denied(refused, refusing);
        }
        return audited;
    }

    /** Records audit mode's findings as Warning events on the stored resources (uid now known). */
    public void record(List<Finding> findings, List<? extends MooringResource<?, ?>> stored) {
        for (Finding f : findings) {
            for (MooringResource<?, ?> s : stored) {
                if (s.getKind().equals(f.resource().getKind()) && s.namespace().equals(f.resource().namespace())
                        && s.name().equals(f.resource().name()) && s.getMetadata().getUid() != null) {
                    for (FieldError e : f.violations()) {
                        events.record(new ResourceKey(s.getKind(), s.namespace(), s.name()), s.getMetadata().getUid(), "Warning", REASON,
                                e.field() + ": " + e.message() + " (namespace " + s.namespace() + " audits " + f.level()
                                        + " without enforcing it, so the App was admitted)");
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
