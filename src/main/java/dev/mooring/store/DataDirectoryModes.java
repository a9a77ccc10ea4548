package dev.mooring.store;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Path;

/**
 * At start-up, makes {@code mooring.data-dir} and everything in it private ({@link DataDirectory}):
 * an installation from before issue 10 has a 0644 H2 file and 0755 directories, and H2 itself
 * creates its files with the umask's modes.
 */
@ApplicationScoped
public class DataDirectoryModes {
    private static final Logger LOG = Logger.getLogger(DataDirectoryModes.class);

    @ConfigProperty(name = "mooring.data-dir", defaultValue = "./data")
    String dataDir;

    void onStart(@Observes @Priority(1) StartupEvent ev) {
        Path dir = Path.of(dataDir);
        DataDirectory.createPrivateDirectories(dir);
        long t0 = System.nanoTime();
        DataDirectory.restrictTree(dir);
        LOG.debugf("data dir %s: modes made private in %d ms", dir.toAbsolutePath(), (System.nanoTime() - t0) / 1_000_000);
    }
}
