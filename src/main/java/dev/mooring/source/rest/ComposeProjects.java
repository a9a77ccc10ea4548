package dev.mooring.source.rest;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.Volume;
import dev.mooring.source.compose.ProjectArchive;
import dev.mooring.store.ResourceStore;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The unpacked compose projects of {@code ${mooring.data-dir}/projects/<namespace>/<digest>/}:
 * kept while a resource of the namespace uses them (an App's build context or bind mount, a
 * Volume's driver option), removed once none does (issue 10: uploads were kept forever), and
 * held under {@code mooring.compose.namespace-quota} by {@link ProjectArchive}.
 * <p>
 * An import and a sweep of one namespace never run at once ({@link #locked}): a sweep in the
 * middle of an import would take the project just unpacked, whose Apps are not stored yet, for
 * unused.
 */
@ApplicationScoped
public class ComposeProjects {
    private static final Logger LOG = Logger.getLogger(ComposeProjects.class);

    @Inject
    ResourceStore store;
    @ConfigProperty(name = "mooring.data-dir", defaultValue = "./data")
    String dataDir;

    /** How long a dry run with format=yaml keeps the project its YAML points into (ISO-8601 or 24h style). */
    @ConfigProperty(name = "mooring.compose.dry-run-retention", defaultValue = "24h")
    java.time.Duration dryRunRetention;

    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /** Where the namespace's projects are unpacked. */
    public Path namespaceDir(String namespace) {
        return Path.of(dataDir, "projects", namespace).toAbsolutePath().normalize();
    }

    /** Runs {@code work} (an import) with the namespace's projects to itself. */
    public <T> T locked(String namespace, Supplier<T> work) {
        ReentrantLock lock = locks.computeIfAbsent(namespace, n -> new ReentrantLock());
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Removes the namespace's projects no resource uses; the caller holds {@link #locked}. Returns how many went. */
    int sweepLocked(String namespace) {
        Path nsDir = namespaceDir(namespace);
        if (!Files.isDirectory(nsDir)) {
            return 0;
        }
        try {
            Set<Path> used = used(namespace);
            int removed = 0;
            for (Path project : ProjectArchive.projects(nsDir)) {
                if (used.stream().noneMatch(u -> u.startsWith(project)) && !keptForDryRun(project)) {
                    ProjectArchive.remove(project);
                    removed++;
                    LOG.infof("compose project %s/%s removed: no resource uses it any more", namespace, project.getFileName());
                }
            }
            return removed;
        } catch (IOException e) {
            LOG.warnf("compose projects of %s: %s", namespace, e.getMessage());
            return 0;
        }
    }

    /**
     * Keeps a project that a dry run's YAML ({@code ?dryRun=true&format=yaml}) points into for
     * {@code mooring.compose.dry-run-retention}, so that YAML applies as it is and runs the same;
     * answers until when. The caller holds {@link #locked}.
     */
    java.time.Instant keepForDryRun(Path project) {
        Path marker = marker(project);
        try {
            if (!Files.exists(marker)) {
                Files.createFile(marker);
            }
            java.time.Instant now = java.time.Instant.now();
            Files.setLastModifiedTime(marker, java.nio.file.attribute.FileTime.from(now));
            return now.plus(dryRunRetention);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot mark the project " + project.getFileName() + " as kept: " + e.getMessage(), e);
        }
    }

    /** Whether a dry run keeps the project still; a marker past the retention goes. */
    private boolean keptForDryRun(Path project) {
        Path marker = marker(project);
        try {
            if (!Files.exists(marker)) {
                return false;
            }
            if (Files.getLastModifiedTime(marker).toInstant().plus(dryRunRetention).isAfter(java.time.Instant.now())) {
                return true;
            }
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            LOG.warnf("compose project marker %s: %s", marker, e.getMessage());
        }
        return false;
    }

    /** Beside the project (a dot file, which is no project): changing the tree would change nothing else. */
    private static Path marker(Path project) {
        return project.resolveSibling("." + project.getFileName() + ".dry-run");
    }

    /** Removes the namespace's unused projects. */
    public int sweep(String namespace) {
        return locked(namespace, () -> sweepLocked(namespace));
    }

    /** Every namespace's unused projects go, at this interval. */
    @Scheduled(every = "${mooring.compose.sweep-interval:5m}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweepAll() {
        Path root = Path.of(dataDir, "projects");
        if (!Files.isDirectory(root)) {
            return;
        }
        try (var namespaces = Files.list(root)) {
            for (Path ns : namespaces.filter(Files::isDirectory).toList()) {
                sweep(ns.getFileName().toString());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("sweeping compose projects: %s", e.getMessage());
        }
    }

    /** The host paths the namespace's resources name (absolute, normalized). */
    private Set<Path> used(String namespace) {
        Set<Path> out = new HashSet<>();
        for (App app : store.list(App.class, namespace)) {
            AppSpec s = app.getSpec();
            if (s == null) {
                continue;
            }
            if (s.build != null && s.build.context != null) {
                add(out, s.build.context);
            }
            if (s.volumes != null) {
                s.volumes.stream().filter(v -> v != null && v.hostPath != null).forEach(v -> add(out, v.hostPath));
            }
        }
        for (Volume v : store.list(Volume.class, namespace)) {
            if (v.getSpec() != null && v.getSpec().driverOpts != null) {
                v.getSpec().driverOpts.values().stream().filter(o -> o != null && o.startsWith("/")).forEach(o -> add(out, o));
            }
        }
        return out;
    }

    private static void add(Set<Path> out, String path) {
        if (path.startsWith("/")) {
            out.add(Path.of(path).normalize());
        }
    }

    /** For tests and the import: the namespace's project directories now. */
    List<Path> projects(String namespace) throws IOException {
        return ProjectArchive.projects(namespaceDir(namespace));
    }
}
