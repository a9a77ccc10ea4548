package dev.mooring.store;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The output of each App's last image build, one file per App under
 * {@code ${mooring.data-dir}/buildlogs/<namespace>/<app>.log}. Only the last build is kept: a
 * new build replaces the file (written aside, then moved, so a reader never sees half of one).
 */
@ApplicationScoped
public class BuildLogStore {
    /** A log longer than this keeps its first and last halves. */
    static final int MAX_BYTES = 1024 * 1024;

    @ConfigProperty(name = "mooring.data-dir", defaultValue = "./data")
    String dataDir;

    public void write(String namespace, String app, String log) {
        byte[] bytes = log.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BYTES) {
            String head = new String(bytes, 0, MAX_BYTES / 2, StandardCharsets.UTF_8);
            String tail = new String(bytes, bytes.length - MAX_BYTES / 2, MAX_BYTES / 2, StandardCharsets.UTF_8);
            bytes = (head + "\n... (" + (bytes.length - MAX_BYTES) + " bytes left out) ...\n" + tail).getBytes(StandardCharsets.UTF_8);
        }
        Path file = file(namespace, app);
        try {
            DataDirectory.createPrivateDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), app, ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the build log of " + namespace + "/" + app + ": " + e.getMessage(), e);
        }
    }

    /** The last build's output, or empty when the App was never built. */
    public Optional<String> read(String namespace, String app) {
        Path file = file(namespace, app);
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void delete(String namespace, String app) {
        try {
            Files.deleteIfExists(file(namespace, app));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String namespace, String app) {
        // names are DNS labels (Validation), so they cannot climb out of the directory
        return Path.of(dataDir, "buildlogs", namespace, app + ".log").toAbsolutePath();
    }
}
