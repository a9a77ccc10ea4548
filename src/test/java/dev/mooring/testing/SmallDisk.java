package dev.mooring.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A small file system (tmpfs) of the test's own as Mooring's data dir, so that a test can fill it
 * up and free it again: {@link #fill()} writes a filler file until no space is left, {@link #free()}
 * removes it. The mount is made before the application starts and removed after it stops.
 */
public class SmallDisk implements QuarkusTestResourceLifecycleManager {
    public static final Path MOUNT = Path.of("/tmp/mooring-small-disk");
    private static final Path FILLER = MOUNT.resolve("filler");

    @Override
    public Map<String, String> start() {
        unmount(); // a crashed run may have left it mounted
        exec(List.of("mkdir", "-p", MOUNT.toString()));
        exec(List.of("mount", "-t", "tmpfs", "-o", "size=48m,mode=0700", "mooring-small-disk", MOUNT.toString()));
        return Map.of("mooring.data-dir", MOUNT.resolve("data").toString());
    }

    @Override
    public void stop() {
        unmount();
    }

    /** Writes a filler file until the file system is full; answers how many bytes it took. */
    public static long fill() {
        long written = 0;
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(FILLER)) {
            while (true) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException full) {
            // "No space left on device": the point of the exercise
        }
        // the last partial blocks too
        try (OutputStream out = Files.newOutputStream(FILLER, java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                out.write(0);
                out.flush();
                written++;
            }
        } catch (IOException full) {
            return written;
        }
    }

    public static void free() {
        try {
            Files.deleteIfExists(FILLER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void unmount() {
        try {
            String mounts = Files.readString(Path.of("/proc/self/mounts"));
            if (mounts.contains(" " + MOUNT + " ")) {
                exec(List.of("umount", "-l", MOUNT.toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
