package dev.mooring.reconcile;

import dev.mooring.docker.ContainerEngine;
import dev.mooring.docker.ContainerSpec;
import dev.mooring.docker.ObservedContainer;
import dev.mooring.docker.SecretMaterial;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An engine in memory, for the App path's fast tests: containers keep their labels and states
 * as the engine would; one started with {@code MODE=crash...} in its environment exits with code 1 at
 * once. Every call is logged.
 */
final class FakeEngine implements ContainerEngine {
    final Map<String, ObservedContainer> containers = new LinkedHashMap<>();
    final Map<String, String> images = new HashMap<>();
    final Map<String, ContainerSpec> specs = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    private final Clock clock;
    private int created;

    FakeEngine(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public List<ObservedContainer> listContainers(Map<String, String> labels) {
        return containers.values().stream()
                .filter(c -> labels.entrySet().stream().allMatch(e -> e.getValue().equals(c.labels().get(e.getKey())))).toList();
    }

    @Override
    public String imageId(String reference) {
        return reference.startsWith("sha256:") ? reference : images.get(reference);
    }

    @Override
    public String createContainer(ContainerSpec spec) {
        calls.add("create " + spec.name());
        String id = "c" + (++created) + "-" + spec.name();
        Set<String> networks = new TreeSet<>();
        spec.networks().forEach(n -> networks.add(n.network()));
        containers.put(id, new ObservedContainer(id, spec.name(), spec.labels(), "created", "none", networks,
                clock.instant().getEpochSecond(), imageId(spec.image()), "Created", List.of()));
        specs.put(id, spec);
        return id;
    }

    @Override
    public String createContainer(ContainerSpec spec, SecretMaterial secrets) {
        return createContainer(spec);
    }

    @Override
    public void startContainer(String ref) {
        calls.add("start " + ref);
        ObservedContainer c = find(ref);
        boolean crashes = specs.get(c.id()).env().stream().anyMatch(e -> e.startsWith("MODE=crash"));
        boolean job = specs.get(c.id()).env().stream().anyMatch(e -> e.equals("MODE=job")); // runs and exits 0 at once
        put(c, c.name(), crashes || job ? "exited" : "running",
                crashes ? "Exited (1) Less than a second ago" : job ? "Exited (0) Less than a second ago" : "Up 2 hours");
    }

    @Override
    public void stopContainer(String ref, Integer timeoutSeconds) {
        calls.add("stop " + ref);
        ObservedContainer c = find(ref);
        put(c, c.name(), "exited", "Exited (0) Less than a second ago");
    }

    @Override
    public void removeContainer(String ref) {
        calls.add("remove " + ref);
        containers.remove(find(ref).id());
    }

    @Override
    public void renameContainer(String ref, String newName) {
        calls.add("rename " + ref + " " + newName);
        ObservedContainer c = find(ref);
        put(c, newName, c.state(), c.status());
    }

    private ObservedContainer find(String ref) {
        ObservedContainer c = containers.get(ref);
        if (c != null) {
            return c;
        }
        return containers.values().stream().filter(x -> x.name().equals(ref)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no container " + ref));
    }

    private void put(ObservedContainer c, String name, String state, String status) {
        containers.put(c.id(), new ObservedContainer(c.id(), name, c.labels(), state, "none", c.networks(),
                c.createdEpochSeconds(), c.imageId(), status, c.ports()));
    }
}
