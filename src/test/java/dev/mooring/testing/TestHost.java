package dev.mooring.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second Docker engine that looks like another machine (a dockerd in a network namespace of its
 * own, see DESIGN.md "Test hosts"), for tests that restart, freeze or cut off an engine: never the
 * main engine every other test shares. A thin handle on scripts/test-host.sh, which does the work
 * idempotently, so a test host left by a crashed run is repaired by the next {@link #up()}.
 */
public final class TestHost {
    private static final Path SCRIPT = Path.of("scripts/test-host.sh");
    private final String name;
    private final int index;

    /** {@code index} (1..250) picks the addresses: the engine listens on tcp://10.77.index.2:2376. */
    public TestHost(String name, int index) {
        this.name = name;
        this.index = index;
    }

    /** The endpoint Mooring reaches this engine at. */
    public String endpoint() {
        return "tcp://10.77." + index + ".2:2376";
    }

    /** Creates (or repairs) the namespace, veth pair and dockerd, and loads the test image; answers the endpoint. */
    public String up() {
        script("up");
        return endpoint();
    }

    /** SIGTERM to dockerd (its containers stop, as on a reboot), then starts it again and waits until it answers. */
    public void restart() {
        script("restart");
    }

    /** dockerd stops (SIGTERM) and stays stopped; {@link #start()} brings it back. */
    public void stop() {
        script("stop");
    }

    public void start() {
        script("start");
    }

    /** The engine stops answering (SIGSTOP); calls hang, as with a wedged daemon. */
    public void freeze() {
        script("freeze");
    }

    public void thaw() {
        script("thaw");
    }

    /** The network between Mooring and the engine goes (host side of the veth down): calls fail. */
    public void cut() {
        script("cut");
    }

    public void mend() {
        script("mend");
    }

    /** Removes everything: containers, dockerd, its containerd, netns, veth, directories. */
    public void down() {
        script("down");
    }

    /** {@code docker -H <this engine> args...}: the tests' own view of the engine, independent of Mooring. */
    public String docker(String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", endpoint()));
        cmd.addAll(Arrays.asList(args));
        return exec(cmd);
    }

    /** Containers Mooring made for an App on this engine, as {@code docker ps} shows them, sorted by name. */
    public List<DockerCli.Ctr> appContainers(String namespace, String app) {
        String out = docker("ps", "-a", "--no-trunc", "--format", "{{.ID}}\t{{.Names}}\t{{.State}}\t{{.Labels}}",
                "--filter", "label=dev.mooring.kind=App", "--filter", "label=dev.mooring.namespace=" + namespace,
                "--filter", "label=dev.mooring.name=" + app);
        List<DockerCli.Ctr> list = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                String[] f = line.split("\t", 4);
                list.add(new DockerCli.Ctr(f[0], f[1], f[2], f.length > 3 ? f[3] : ""));
            }
        }
        list.sort((a, b) -> a.name().compareTo(b.name()));
        return list;
    }

    /** Removes every container Mooring made in the namespace on this engine. */
    public void cleanNamespace(String namespace) {
        String ids = docker("ps", "-aq", "--filter", "label=dev.mooring.namespace=" + namespace);
        for (String id : ids.split("\n")) {
            if (!id.isBlank()) {
                docker("rm", "-f", id.trim());
            }
        }
    }

    private void script(String command) {
        exec(List.of("bash", SCRIPT.toString(), command, name, Integer.toString(index)));
    }

    private static String exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
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

    /** The configuration that makes this test host Mooring's engine {@code engineName}. */
    public Map<String, String> engineConfig(String engineName) {
        return Map.of("mooring.engines." + engineName + ".host", endpoint());
    }
}
