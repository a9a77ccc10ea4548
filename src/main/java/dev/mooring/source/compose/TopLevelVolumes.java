package dev.mooring.source.compose;

import dev.mooring.api.Volume;
import dev.mooring.api.VolumeSpec;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** The top-level {@code volumes} as Volume resources of the same names, and the services' anonymous volumes. */
final class TopLevelVolumes {
    private final ComposeFile file;
    private final Map<String, Object> declared;
    private final Map<String, Volume> volumes = new TreeMap<>();

    TopLevelVolumes(ComposeFile file, Map<String, Object> declared) {
        this.file = file;
        this.declared = declared;
    }

    /** Every declared volume becomes a Volume, mounted by a service or not. */
    void translateDeclared() {
        declared.keySet().forEach(v -> volume(v, "volumes." + v));
    }

    Collection<Volume> resources() {
        return volumes.values();
    }

    /** The Volume resource of a named volume; it must be declared in the top-level volumes. */
    String volume(String composeName, String at) {
        if (!declared.containsKey(composeName)) {
            file.problems.error(at, "volume " + composeName + " is not declared in the top-level volumes");
            return null;
        }
        String name = file.mooringName(composeName, at);
        if (name == null || volumes.containsKey(name)) {
            return name;
        }
        VolumeSpec spec = add(name);
        Object settings = declared.get(composeName);
        if (settings != null) {
            settings(spec, ComposeValues.map(settings, "volumes." + composeName), "volumes." + composeName);
        }
        return name;
    }

    /** An anonymous volume: Compose keeps it across recreations, so it becomes a named Volume. */
    String anonymousVolume(String service, int index, String at) {
        String name = file.mooringName(service + "-anon-" + (index + 1), at);
        String taken = name == null ? null
                : declared.keySet().stream().filter(d -> ComposeFile.normalised(d).equals(name)).findFirst().orElse(null);
        if (taken != null) {
            file.problems.error(at, "an anonymous volume becomes Volume " + name + ", as the declared volume \"" + taken
                    + "\" does; rename that volume");
            return null;
        }
        if (name != null && !volumes.containsKey(name)) {
            add(name);
            file.problems.warn(at, "an anonymous volume; kept as Volume " + name + " so its data outlives a recreated container, as in Compose");
        }
        return name;
    }

    private VolumeSpec add(String name) {
        Volume vol = new Volume();
        vol.setMetadata(file.meta(name));
        VolumeSpec spec = new VolumeSpec();
        vol.setSpec(spec);
        volumes.put(name, vol);
        return spec;
    }

    private void settings(VolumeSpec spec, Map<String, Object> settings, String at) {
        Problems problems = file.problems;
        settings.forEach((k, v) -> {
            String kat = at + "." + k;
            try {
                switch (k) {
                    case "driver" -> spec.driver = ComposeValues.str(v);
                    case "driver_opts" -> spec.driverOpts = ComposeValues.keyValues(v, kat);
                    case "labels" -> spec.labels = ComposeValues.keyValues(v, kat);
                    case "name" -> problems.ignored(kat, "the Docker volume is named by Mooring");
                    case "external" -> {
                        String external = ComposeValues.external(v, settings.get("name"));
                        if (external != null) {
                            problems.unsupported(kat, "the external volume " + external + " is not Mooring's: Mooring mounts only volumes it manages; declare the volume here instead");
                        }
                    }
                    default -> {
                        if (!k.startsWith("x-")) { // an extension, skipped as Compose skips it
                            problems.unsupported(kat, "volume setting " + k);
                        }
                    }
                }
            } catch (IllegalArgumentException | ClassCastException e) {
                problems.error(kat, e.getMessage());
            }
        });
    }
}
