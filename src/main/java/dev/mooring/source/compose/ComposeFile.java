package dev.mooring.source.compose;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Validation;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One translation of one compose file: its sections, where its project is, and what it has
 * produced so far. Services become Apps here; the top-level sections are
 * {@link TopLevelNetworks}, {@link TopLevelVolumes}, {@link TopLevelSecrets} and {@link TopLevelConfigs}, which the
 * service translators ask for the resources a service names.
 */
final class ComposeFile {
    final String namespace;
    final Path projectDir;
    final Problems problems;
    final TopLevelNetworks networks;
    final TopLevelVolumes volumes;
    final TopLevelSecrets secrets;
    final TopLevelConfigs configs;
    /** The services' volumes_from, resolved once every service is translated. */
    final VolumesFrom volumesFrom = new VolumesFrom(this);
    private final Map<String, Object> file;
    private final Map<String, Object> services;
    private final Map<String, App> apps = new TreeMap<>();

    ComposeFile(String namespace, Path projectDir, Problems problems, Map<String, Object> file) {
        this.namespace = namespace;
        this.projectDir = projectDir;
        this.problems = problems;
        this.file = file;
        this.networks = new TopLevelNetworks(this, section("networks", "Network"));
        this.volumes = new TopLevelVolumes(this, section("volumes", "Volume"));
        Map<String, Object> declaredSecrets = section("secrets", "Secret");
        this.secrets = new TopLevelSecrets(this, declaredSecrets);
        this.configs = new TopLevelConfigs(this, section("configs", "Secret"), declaredSecrets);
        this.services = section("services", "App");
    }

    /** A top-level section, whose names each become a resource of {@code kind}. */
    private Map<String, Object> section(String key, String kind) {
        Object v = file.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map)) {
            problems.error(key, "must be a mapping");
            return Map.of();
        }
        Map<String, Object> section = ComposeValues.map(v, key);
        refuseCollisions(key, section.keySet(), kind);
        return section;
    }

    void translate() {
        file.keySet().forEach(this::topLevelKey);
        if (services.isEmpty()) {
            problems.error("services", "the compose file defines no services");
        }
        services.forEach(this::service);
        volumesFrom.resolve(service -> {
            App app = apps.get(normalised(service));
            return app == null ? null : app.getSpec();
        });
        networks.translateDeclared();
        volumes.translateDeclared();
    }

    private void topLevelKey(String key) {
        switch (key) {
            case "services", "networks", "volumes", "secrets", "configs" -> {
            }
            case "version" -> problems.warn("version", "obsolete in the Compose specification; ignored");
            case "name" -> problems.ignored("name", "resources are named by service in namespace " + namespace);
            case "include" -> problems.unsupported("include", "merge the included files into one");
            case "models" -> problems.unsupported("models", "AI models are not supported");
            default -> {
                if (!key.startsWith("x-")) {
                    problems.unsupported(key, "unknown top-level key");
                }
            }
        }
    }

    private void service(String service, Object definition) {
        String name = serviceName(service, "services." + service);
        if (!(definition instanceof Map)) {
            problems.error("services." + service, "must be a mapping");
            return;
        }
        AppSpec spec = new ServiceTranslator(this).translate(service, ComposeValues.map(definition, service));
        if (name != null) {
            App app = new App();
            app.setMetadata(meta(name));
            app.setSpec(spec);
            apps.put(name, app);
        }
    }

    /** Secrets, Networks, Volumes, then Apps, each in name order: what an App names exists before it. */
    List<MooringResource<?, ?>> resources() {
        List<MooringResource<?, ?>> out = new ArrayList<>();
        out.addAll(secrets.resources());
        out.addAll(configs.resources());
        out.addAll(networks.resources());
        out.addAll(volumes.resources());
        out.addAll(apps.values());
        return out;
    }

    /**
     * Two names of one section that become the same Mooring name ({@code a_b}, {@code a-b},
     * {@code A.B}) would silently be one resource, the last one winning: each later one is an
     * error naming the first.
     */
    private void refuseCollisions(String section, Collection<String> names, String kind) {
        Map<String, String> first = new HashMap<>();
        for (String name : names) {
            String other = first.putIfAbsent(normalised(name), name);
            if (other != null) {
                problems.error(section + "." + name, "\"" + other + "\" and \"" + name + "\" both become " + kind + " "
                        + normalised(name) + " (names are lowercased, '_' and '.' become '-'); rename one of them");
            }
        }
    }

    ObjectMeta meta(String name) {
        ObjectMeta m = new ObjectMeta();
        m.setName(name);
        m.setNamespace(namespace);
        return m;
    }

    /** A compose name as a Mooring name (a DNS label): lowercase, '_' and '.' as '-'; null (and an error) when impossible. */
    String mooringName(String composeName, String at) {
        String n = normalised(composeName);
        if (n.length() > 63 || !Validation.DNS1123_LABEL.matcher(n).matches()) {
            problems.error(at, "\"" + composeName + "\" cannot be a Mooring name (a DNS label: lowercase letters, digits and '-')");
            return null;
        }
        return n;
    }

    /** A compose name as Mooring writes it, valid or not. */
    static String normalised(String composeName) {
        return composeName.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-');
    }

    /** The App name of a service of this file. */
    String serviceName(String service, String at) {
        if (!services.containsKey(service)) {
            problems.error(at, "service " + service + " is not defined in this file");
            return null;
        }
        return mooringName(service, "services." + service);
    }

    /** A path of the project, absolute; it must stay inside the project directory. */
    String insideProject(String relative, String at) {
        if (relative.startsWith("/")) {
            if (projectDir != null && Path.of(relative).normalize().startsWith(projectDir.toAbsolutePath().normalize())) {
                return Path.of(relative).normalize().toString();
            }
            problems.unsupported(at, "an absolute path (" + relative + ") outside the project; paths here are relative to the project");
            return null;
        }
        if (projectDir == null) {
            problems.error(at, "the relative path " + relative + " needs the project: send it as a tar (Content-Type: application/x-tar)");
            return null;
        }
        Path root = projectDir.toAbsolutePath().normalize();
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root)) {
            problems.unsupported(at, relative + " leaves the project directory");
            return null;
        }
        return p.toString();
    }
}
