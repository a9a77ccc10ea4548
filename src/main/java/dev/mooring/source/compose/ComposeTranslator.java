package dev.mooring.source.compose;

import dev.mooring.api.ApiException;
import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Network;
import dev.mooring.api.NetworkSpec;
import dev.mooring.api.Secret;
import dev.mooring.api.Validation;
import dev.mooring.api.Volume;
import dev.mooring.api.VolumeSpec;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a docker-compose file (Compose specification) into Mooring resources of one namespace.
 * Pure: no store, no engine. {@code projectDir} is where relative paths ({@code build:} contexts,
 * bind mounts, env files, file secrets) resolve; null when only the file was given.
 *
 * <p>Contract shared by the REST import and the Git source. Services become Apps, top-level
 * networks, volumes and file secrets become Networks, Volumes and Secrets of the same names; a
 * service without {@code networks} joins the project's {@code default} Network, with its service
 * name as alias, as in Compose. {@code ${VAR:-default}} is interpolated from the project's
 * {@code .env}. Each key is translated, a warning (ignoring it keeps behaviour) or an error (a 422
 * naming every such key); see {@link ServiceTranslator} for the service keys.
 */
public final class ComposeTranslator {
    /** The most bytes of one file secret read from the project. */
    static final long MAX_SECRET_FILE = 512 * 1024;

    /** A key Mooring does not support but can ignore without changing behaviour, named by its path. */
    public record Warning(String path, String message) {
    }

    /**
     * The resources of one compose file, what was ignored, and the project's files that hold
     * secret values (every top-level {@code secrets.<name>.file}), which an import must not keep.
     */
    public record Translation(List<MooringResource<?, ?>> resources, List<Warning> warnings, List<Path> secretFiles) {
        public Translation(List<MooringResource<?, ?>> resources, List<Warning> warnings) {
            this(resources, warnings, List.of());
        }
    }

    private ComposeTranslator() {
    }

    /**
     * @throws dev.mooring.api.ApiException a 422 naming each key whose omission would change
     *     behaviour, or a 400 for a file that is not a compose file
     */
    public static Translation translate(String namespace, byte[] composeYaml, Path projectDir) {
        Object doc;
        try {
            if (composeYaml.length > ComposeLimits.MAX_DOCUMENT_CHARS * 4L) {
                throw ApiException.badRequest("the compose file is larger than " + ComposeLimits.MAX_DOCUMENT_CHARS / 1024 + " KiB");
            }
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(ComposeLimits.MAX_ALIASES);
            options.setAllowDuplicateKeys(false);
            options.setCodePointLimit(ComposeLimits.MAX_DOCUMENT_CHARS);
            options.setNestingDepthLimit(dev.mooring.api.Limits.MAX_NESTING_DEPTH);
            doc = new Yaml(new SafeConstructor(options)).load(new String(composeYaml, StandardCharsets.UTF_8));
        } catch (YAMLException e) {
            throw ApiException.badRequest("the compose file is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(doc instanceof Map<?, ?> top)) {
            throw ApiException.badRequest("the compose file must be a YAML mapping with a services section");
        }
        ComposeLimits.check(top);
        Problems problems = new Problems();
        Map<String, String> vars = dotEnv(projectDir, problems);
        @SuppressWarnings("unchecked")
        Map<String, Object> file = (Map<String, Object>) new Interpolation(vars, problems).apply(top, "");
        Run run = new Run(namespace, projectDir, problems, file);
        run.translate();
        if (!problems.errors.isEmpty()) {
            throw ApiException.invalid(problems.errors);
        }
        return new Translation(run.resources(), List.copyOf(problems.warnings), run.secretFiles());
    }

    private static Map<String, String> dotEnv(Path projectDir, Problems problems) {
        if (projectDir == null || !Files.isRegularFile(projectDir.resolve(".env"))) {
            return Map.of();
        }
        try {
            return ComposeSyntax.envFile(Files.readString(projectDir.resolve(".env")));
        } catch (IOException e) {
            problems.error(".env", "cannot be read: " + e.getMessage());
            return Map.of();
        }
    }

    /** One translation: the file, where it is, and what it has produced so far. */
    static final class Run {
        final String namespace;
        final Path projectDir;
        final Problems problems;
        private final Map<String, Object> file;
        private final Map<String, Object> declaredNetworks;
        private final Map<String, Object> declaredVolumes;
        private final Map<String, Object> declaredSecrets;
        private final Map<String, Object> services;
        private final Map<String, App> apps = new TreeMap<>();
        private final Map<String, Network> networks = new TreeMap<>();
        private final Map<String, Volume> volumes = new TreeMap<>();
        private final Map<String, Secret> secrets = new TreeMap<>();
        private boolean defaultNetwork;

        Run(String namespace, Path projectDir, Problems problems, Map<String, Object> file) {
            this.namespace = namespace;
            this.projectDir = projectDir;
            this.problems = problems;
            this.file = file;
            this.declaredNetworks = section("networks");
            this.declaredVolumes = section("volumes");
            this.declaredSecrets = section("secrets");
            this.services = section("services");
        }

        private Map<String, Object> section(String key) {
            Object v = file.get(key);
            if (v == null) {
                return Map.of();
            }
            if (!(v instanceof Map)) {
                problems.error(key, "must be a mapping");
                return Map.of();
            }
            return ComposeValues.map(v, key);
        }

        void translate() {
            for (String key : file.keySet()) {
                switch (key) {
                    case "services", "networks", "volumes", "secrets" -> {
                    }
                    case "version" -> problems.warn("version", "obsolete in the Compose specification; ignored");
                    case "name" -> problems.ignored("name", "resources are named by service in namespace " + namespace);
                    case "configs" -> problems.unsupported("configs", "use a Mooring Secret (spec.secrets) or a bind mount");
                    case "include" -> problems.unsupported("include", "merge the included files into one");
                    case "models" -> problems.unsupported("models", "AI models are not supported");
                    default -> {
                        if (!key.startsWith("x-")) {
                            problems.unsupported(key, "unknown top-level key");
                        }
                    }
                }
            }
            if (services.isEmpty()) {
                problems.error("services", "the compose file defines no services");
            }
            for (Map.Entry<String, Object> e : services.entrySet()) {
                String name = serviceName(e.getKey(), "services." + e.getKey());
                if (!(e.getValue() instanceof Map)) {
                    problems.error("services." + e.getKey(), "must be a mapping");
                    continue;
                }
                AppSpec spec = new ServiceTranslator(this).translate(e.getKey(), ComposeValues.map(e.getValue(), e.getKey()));
                if (name != null) {
                    App app = new App();
                    app.setMetadata(meta(name));
                    app.setSpec(spec);
                    apps.put(name, app);
                }
            }
            declaredNetworks.keySet().forEach(n -> network(n, "networks." + n));
            declaredVolumes.keySet().forEach(v -> volume(v, "volumes." + v));
        }

        List<MooringResource<?, ?>> resources() {
            List<MooringResource<?, ?>> out = new ArrayList<>();
            out.addAll(secrets.values());
            out.addAll(networks.values());
            out.addAll(volumes.values());
            out.addAll(apps.values());
            return out;
        }

        private ObjectMeta meta(String name) {
            ObjectMeta m = new ObjectMeta();
            m.setName(name);
            m.setNamespace(namespace);
            return m;
        }

        /** A compose name as a Mooring name (a DNS label): lowercase, '_' and '.' as '-'; null (and an error) when impossible. */
        String mooringName(String composeName, String at) {
            String n = composeName.toLowerCase().replace('_', '-').replace('.', '-');
            if (n.length() > 63 || !Validation.DNS1123_LABEL.matcher(n).matches()) {
                problems.error(at, "\"" + composeName + "\" cannot be a Mooring name (a DNS label: lowercase letters, digits and '-')");
                return null;
            }
            return n;
        }

        /** The files of the project that file secrets name, used by a service or not. */
        List<Path> secretFiles() {
            if (projectDir == null) {
                return List.of();
            }
            Path root = projectDir.toAbsolutePath().normalize();
            List<Path> out = new ArrayList<>();
            for (Object def : declaredSecrets.values()) {
                if (def instanceof Map<?, ?> m && m.get("file") instanceof String file) {
                    Path p = file.startsWith("/") ? Path.of(file).normalize() : root.resolve(file).normalize();
                    if (p.startsWith(root) && !p.equals(root)) {
                        out.add(p);
                    }
                }
            }
            return List.copyOf(out);
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

        void useDefaultNetwork() {
            if (!defaultNetwork) {
                defaultNetwork = true;
                network("default", "services");
            }
        }

        /** The Network resource of a network named in the file; it must be declared (except default). */
        String network(String composeName, String at) {
            if (!composeName.equals("default") && !declaredNetworks.containsKey(composeName)) {
                problems.error(at, "network " + composeName + " is not declared in the top-level networks");
                return null;
            }
            String name = mooringName(composeName, at);
            if (name == null || networks.containsKey(name)) {
                return name;
            }
            Network n = new Network();
            n.setMetadata(meta(name));
            NetworkSpec spec = new NetworkSpec();
            n.setSpec(spec);
            networks.put(name, n);
            Object settings = declaredNetworks.get(composeName);
            if (settings == null) {
                return name;
            }
            String nat = "networks." + composeName;
            ComposeValues.map(settings, nat).forEach((k, v) -> {
                String kat = nat + "." + k;
                try {
                    switch (k) {
                        case "driver" -> spec.driver = ComposeValues.str(v);
                        case "internal" -> spec.internal = ComposeValues.bool(v);
                        case "attachable" -> spec.attachable = ComposeValues.bool(v);
                        case "labels" -> spec.labels = new TreeMap<>(nonNull(ComposeValues.keyValuesNullable(v, kat)));
                        case "ipam" -> ipam(spec, ComposeValues.map(v, kat), kat);
                        case "name" -> problems.ignored(kat, "the Docker network is named by Mooring");
                        case "external" -> {
                            if (Boolean.TRUE.equals(ComposeValues.bool(v))) {
                                problems.unsupported(kat, "Mooring joins only networks it manages; declare the network here instead");
                            }
                        }
                        default -> problems.unsupported(kat, "network setting " + k);
                    }
                } catch (IllegalArgumentException | ClassCastException e) {
                    problems.error(kat, e.getMessage());
                }
            });
            return name;
        }

        private void ipam(NetworkSpec spec, Map<String, Object> ipam, String at) {
            ipam.forEach((k, v) -> {
                if (k.equals("driver") && "default".equals(v)) {
                    return;
                }
                if (!k.equals("config")) {
                    problems.unsupported(at + "." + k, "IPAM " + k);
                    return;
                }
                List<?> configs = ComposeValues.list(v, at + ".config");
                if (configs.size() > 1) {
                    problems.unsupported(at + ".config", "more than one subnet");
                }
                if (!configs.isEmpty()) {
                    ComposeValues.map(configs.get(0), at + ".config[0]").forEach((ck, cv) -> {
                        switch (ck) {
                            case "subnet" -> spec.subnet = ComposeValues.str(cv);
                            case "gateway" -> spec.gateway = ComposeValues.str(cv);
                            default -> problems.unsupported(at + ".config[0]." + ck, "IPAM " + ck);
                        }
                    });
                }
            });
        }

        /** The Volume resource of a named volume; it must be declared in the top-level volumes. */
        String volume(String composeName, String at) {
            if (!declaredVolumes.containsKey(composeName)) {
                problems.error(at, "volume " + composeName + " is not declared in the top-level volumes");
                return null;
            }
            String name = mooringName(composeName, at);
            if (name == null || volumes.containsKey(name)) {
                return name;
            }
            Volume vol = new Volume();
            vol.setMetadata(meta(name));
            VolumeSpec spec = new VolumeSpec();
            vol.setSpec(spec);
            volumes.put(name, vol);
            Object settings = declaredVolumes.get(composeName);
            if (settings == null) {
                return name;
            }
            String vat = "volumes." + composeName;
            ComposeValues.map(settings, vat).forEach((k, v) -> {
                String kat = vat + "." + k;
                try {
                    switch (k) {
                        case "driver" -> spec.driver = ComposeValues.str(v);
                        case "driver_opts" -> spec.driverOpts = new TreeMap<>(nonNull(ComposeValues.keyValuesNullable(v, kat)));
                        case "labels" -> spec.labels = new TreeMap<>(nonNull(ComposeValues.keyValuesNullable(v, kat)));
                        case "name" -> problems.ignored(kat, "the Docker volume is named by Mooring");
                        case "external" -> {
                            if (Boolean.TRUE.equals(ComposeValues.bool(v))) {
                                problems.unsupported(kat, "Mooring mounts only volumes it manages; declare the volume here instead");
                            }
                        }
                        default -> problems.unsupported(kat, "volume setting " + k);
                    }
                } catch (IllegalArgumentException | ClassCastException e) {
                    problems.error(kat, e.getMessage());
                }
            });
            return name;
        }

        /** An anonymous volume: Compose keeps it across recreations, so it becomes a named Volume. */
        String anonymousVolume(String service, int index, String at) {
            String name = mooringName(service + "-anon-" + (index + 1), at);
            if (name != null && !volumes.containsKey(name)) {
                Volume vol = new Volume();
                vol.setMetadata(meta(name));
                vol.setSpec(new VolumeSpec());
                volumes.put(name, vol);
                problems.warn(at, "an anonymous volume; kept as Volume " + name + " so its data outlives a recreated container, as in Compose");
            }
            return name;
        }

        /** The Secret a service names; a file secret is read from the project into a Secret of the same name. */
        String secret(String composeName, String at) {
            if (!declaredSecrets.containsKey(composeName)) {
                problems.error(at, "secret " + composeName + " is not declared in the top-level secrets");
                return null;
            }
            String name = mooringName(composeName, at);
            if (name == null || secrets.containsKey(name)) {
                return name;
            }
            String sat = "secrets." + composeName;
            Map<String, Object> def;
            try {
                def = ComposeValues.map(declaredSecrets.get(composeName), sat);
            } catch (IllegalArgumentException e) {
                problems.error(sat, "must be a mapping with file, environment or external");
                return null;
            }
            for (Map.Entry<String, Object> e : def.entrySet()) {
                String kat = sat + "." + e.getKey();
                switch (e.getKey()) {
                    case "file" -> {
                        String path = insideProject(ComposeValues.str(e.getValue()), kat);
                        if (path == null) {
                            continue;
                        }
                        try {
                            Path p = Path.of(path);
                            if (!Files.isRegularFile(p) || Files.size(p) > MAX_SECRET_FILE) {
                                problems.error(kat, Files.isRegularFile(p) ? "is larger than " + MAX_SECRET_FILE / 1024 + " KiB"
                                        : e.getValue() + " is not a file in the project");
                                continue;
                            }
                            Secret s = new Secret();
                            s.setMetadata(meta(name));
                            s.data = new LinkedHashMap<>();
                            s.data.put("value", Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
                            secrets.put(name, s);
                        } catch (IOException ex) {
                            problems.error(kat, "cannot be read: " + ex.getMessage());
                        }
                    }
                    case "environment" -> problems.unsupported(kat, "Mooring cannot read your shell's environment; "
                            + "use a file secret, or create Secret " + name + " through the API and mark this one external");
                    case "external" -> problems.warn(kat, "Secret " + name + " must exist in namespace " + namespace + " (create it through the API)");
                    case "name" -> problems.ignored(kat, "the Secret is named " + name);
                    default -> problems.unsupported(kat, "secret setting " + e.getKey());
                }
            }
            return name;
        }

        private static Map<String, String> nonNull(Map<String, String> m) {
            Map<String, String> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, v == null ? "" : v));
            return out;
        }
    }
}
