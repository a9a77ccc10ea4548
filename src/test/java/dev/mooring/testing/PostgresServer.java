package dev.mooring.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server of the test's own (initdb into a temp directory, its own port and socket
 * directory), for tests that stop the database: never the system cluster other tests share.
 * As a test resource it starts before the application and configures Mooring's store on it.
 */
public class PostgresServer implements QuarkusTestResourceLifecycleManager {
    public static final int PORT = 55432;
    private static final Path DIR = Path.of("/tmp/mooring-pg-" + PORT);
    private static final Path DATA = DIR.resolve("data");

    @Override
    public Map<String, String> start() {
        String bin = bin();
        // a crashed run may have left a server and its directory behind
        if (Files.exists(DATA.resolve("postmaster.pid"))) {
            stopQuietly(bin);
        }
        exec(List.of("rm", "-rf", DIR.toString()));
        exec(List.of("mkdir", "-p", DATA.toString()));
        exec(List.of("chown", "-R", "postgres:postgres", DIR.toString()));
        asPostgres(bin + "/initdb -D " + DATA + " -A trust -U postgres --no-sync >/dev/null");
        startServer();
        asPostgres(bin + "/psql -h " + DIR + " -p " + PORT + " -U postgres -qc \"create role mooring login password 'mooring'\"");
        asPostgres(bin + "/psql -h " + DIR + " -p " + PORT + " -U postgres -qc \"create database mooring owner mooring\"");
        return Map.of(
                "mooring.store.kind", "postgresql",
                "mooring.store.jdbc-url", "jdbc:postgresql://127.0.0.1:" + PORT + "/mooring",
                "mooring.store.username", "mooring",
                "mooring.store.password", "mooring");
    }

    /** Starts the server (again, unless it runs) and waits until it accepts connections. */
    public static void startServer() {
        asPostgres(bin() + "/pg_ctl -D " + DATA + " status >/dev/null || " + bin() + "/pg_ctl -D " + DATA + " -w -t 60 -l " + DIR.resolve("server.log")
                + " -o \"-p " + PORT + " -k " + DIR + " -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null");
    }

    /** Stops the server (fast shutdown: open sessions are cut, as when a database restarts). */
    public static void stopServer() {
        asPostgres(bin() + "/pg_ctl -D " + DATA + " -w -t 60 -m fast stop >/dev/null");
    }

    @Override
    public void stop() {
        stopQuietly(bin());
        exec(List.of("rm", "-rf", DIR.toString()));
    }

    private static void stopQuietly(String bin) {
        try {
            asPostgres(bin + "/pg_ctl -D " + DATA + " -w -t 60 -m immediate stop >/dev/null 2>&1 || true");
        } catch (IllegalStateException ignored) {
            // not running
        }
    }

    /** The newest installed PostgreSQL's bin directory. */
    static String bin() {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(p -> p.resolve("bin")).filter(p -> Files.isExecutable(p.resolve("initdb")))
                    .max((a, b) -> Integer.compare(Integer.parseInt(a.getParent().getFileName().toString()),
                            Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL under /usr/lib/postgresql (scripts/setup-test-env.sh installs it)"))
                    .toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void asPostgres(String shell) {
        exec(List.of("runuser", "-u", "postgres", "--", "sh", "-c", "cd /tmp && " + shell));
    }

    private static String exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " timed out");
            }
            String s = new String(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + s);
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
