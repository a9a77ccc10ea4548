package dev.mooring.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The tests' own view of the engine, through the docker CLI: an oracle independent of
 * Mooring's docker package, so a test cannot pass because both sides share a bug.
 */
public final class DockerCli {
    /** The local test image, built by scripts/setup-test-env.sh (busybox: sh, sleep, httpd, nc, wget). */
    public static final String IMAGE = "mooring-test/busybox:1";

    private DockerCli() {
    }

    /** A container as {@code docker ps} shows it. */
    public record Ctr(String id, String name, String state, String labels) {
        public String label(String key) {
            for (String kv : labels.split(",")) {
                int eq = kv.indexOf('=');
                if (eq > 0 && kv.substring(0, eq).equals(key)) {
                    return kv.substring(eq + 1);
                }
            }
            return null;
        }

        public boolean running() {
            return "running".equals(state);
        }
    }

    public static String run(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("docker");
        cmd.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("docker " + String.join(" ", args) + " timed out");
            }
            String s = new String(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new IllegalStateException("docker " + String.join(" ", args) + " failed: " + s);
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Containers (running or not) with all the given labels, sorted by name. */
    public static List<Ctr> containers(Map<String, String> labels) {
        List<String> args = new ArrayList<>(List.of("ps", "-a", "--no-trunc", "--format", "{{.ID}}\t{{.Names}}\t{{.State}}\t{{.Labels}}"));
        labels.forEach((k, v) -> {
            args.add("--filter");
            args.add("label=" + k + (v == null ? "" : "=" + v));
        });
        String out = run(args.toArray(String[]::new));
        List<Ctr> list = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", 4);
            list.add(new Ctr(f[0], f[1], f[2], f.length > 3 ? f[3] : ""));
        }
        list.sort((a, b) -> a.name().compareTo(b.name()));
        return list;
    }

    /** Containers Mooring made for an App. */
    public static List<Ctr> appContainers(String namespace, String app) {
        return containers(Map.of("dev.mooring.kind", "App", "dev.mooring.namespace", namespace, "dev.mooring.name", app));
    }

    public static String inspect(String container, String format) {
        return run("inspect", "--format", format, container);
    }

    public static boolean exists(String objectType, String name) {
        try {
            run(objectType, "inspect", name);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Removes every container, network and volume Mooring made in the namespace. */
    public static void cleanNamespace(String namespace) {
        for (Ctr c : containers(Map.of("dev.mooring.namespace", namespace))) {
            run("rm", "-f", c.id());
        }
        String nets = run("network", "ls", "-q", "--filter", "label=dev.mooring.namespace=" + namespace);
        for (String n : nets.split("\n")) {
            if (!n.isBlank()) {
                run("network", "rm", n.trim());
            }
        }
        String vols = run("volume", "ls", "-q", "--filter", "label=dev.mooring.namespace=" + namespace);
        for (String v : vols.split("\n")) {
            if (!v.isBlank()) {
                run("volume", "rm", "-f", v.trim());
            }
        }
    }

    /** Builds an image from a Dockerfile text (FROM the local test image; no registry needed). */
    public static String build(String tag, String dockerfile) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mooring-build");
            java.nio.file.Files.writeString(dir.resolve("Dockerfile"), dockerfile);
            run("build", "-q", "-t", tag, dir.toString());
            return run("image", "inspect", "--format", "{{.Id}}", tag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
