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
    /** Where the project ends, when it is more than {@link #projectDir} (a Git checkout); null: the project directory. */
    final Path boundary;
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
        this(namespace, projectDir, null, problems, file);
    }

    ComposeFile(String namespace, Path projectDir, Path boundary, Problems problems, Map<String, Object> file) {
        this.namespace = namespace;
        this.projectDir = projectDir;
        this.boundary = boundary;
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
        if (services.isEmpty() && problems.errors.stream().noneMatch(e -> e.field().equals("services"))) {
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

    /**
     * The host path of a bind mount of {@code service} ({@code written}: the volume entry as the
     * file has it): a relative source is a file of the project, which baseline admission lets the
     * service mount as long as its real path (symlinks followed, as the engine will follow them)
     * stays inside the project; an absolute one is taken as it is, for admission to judge. Null,
     * with an error in compose terms, when the source leaves the project.
     */
    String bindSource(String source, String written, String service, String at) {
        if (source.startsWith("/")) {
            return source;
        }
        if (projectDir == null) {
            problems.error(at, "the bind mount " + written + " of service " + service + " names a file of the project (" + source
                    + "); send the project as a tar (Content-Type: application/x-tar) so its files come along");
            return null;
        }
        Path root = boundary().toAbsolutePath().normalize();
        Path p = projectDir.toAbsolutePath().normalize().resolve(source).normalize();
        String todo = "; mount only files inside the project (copy the file into it), or use a named volume";
        if (!p.startsWith(root)) {
            problems.error(at, "the bind mount " + written + " of service " + service + ": " + source + " is " + p
                    + ", outside the project " + root + todo);
            return null;
        }
        Path real = realPath(p);
        Path realRoot = realPath(root);
        if (!real.startsWith(realRoot)) {
            problems.error(at, "the bind mount " + written + " of service " + service + ": " + source + " resolves to " + real
                    + " (symlinks followed), outside the project" + todo);
            return null;
        }
        return p.toString();
    }

    /** The directory no path of the project may leave: the checkout's root for a compose file in a Git subdirectory, else the project. */
    Path boundary() {
        return boundary != null ? boundary : projectDir;
    }

    /**
     * The real path of an absolute path (every symlink followed); for one that does not exist
     * (yet), the real path of its longest existing ancestor with the rest appended.
     */
    static Path realPath(Path path) {
        Path p = path.toAbsolutePath().normalize();
        Path rest = null;
        for (int links = 0; p != null; ) {
            if (java.nio.file.Files.exists(p)) {
                try {
                    Path real = p.toRealPath();
                    return rest == null ? real : real.resolve(rest).normalize();
                } catch (java.io.IOException e) {
                    // gone meanwhile: look above
                }
            } else if (java.nio.file.Files.isSymbolicLink(p) && links++ < 40) {
                try { // a dangling link: where it leads, which does not exist yet
                    Path target = p.getParent() == null ? java.nio.file.Files.readSymbolicLink(p) : p.getParent().resolve(java.nio.file.Files.readSymbolicLink(p));
                    p = target.toAbsolutePath().normalize();
                    continue;
                } catch (java.io.IOException e) {
                    return p;
                }
            }
            Path name = p.getFileName();
            if (name == null) {
                break;
            }
            rest = rest == null ? name : name.resolve(rest);
            p = p.getParent();
        }
        return path.toAbsolutePath().normalize();
    }

    /** A path of the project, absolute; it must stay inside the project directory. */
    String insideProject(String relative, String at) {
        if (relative.startsWith("/")) {
            if (projectDir != null && Path.of(relative).normalize().startsWith(boundary().toAbsolutePath().normalize())) {
                return Path.of(relative).normalize().toString();
            }
            problems.unsupported(at, "an absolute path (" + relative + ") outside the project; paths here are relative to the project");
            return null;
        }
        if (projectDir == null) {
            problems.error(at, "the relative path " + relative + " needs the project: send it as a tar (Content-Type: application/x-tar)");
            return null;
        }
        Path root = boundary().toAbsolutePath().normalize();
        Path p = projectDir.toAbsolutePath().normalize().resolve(relative).normalize();
        if (!p.startsWith(root)) {
            problems.unsupported(at, relative + " leaves the project directory");
            return null;
        }
        return p.toString();
    }
}
