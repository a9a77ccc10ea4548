package dev.mooring.source.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A compose project's files as one compose model, before any key is translated: the main file
 * merged with its override file ({@code compose.override.yaml}, as {@code docker compose up}
 * reads it), each file's {@code extends} resolved (same file, or {@code file:} another file of
 * the project), its top-level {@code include}s loaded (their paths made relative to the main
 * file's directory), the services outside the selected {@code profiles} left out, and the merge
 * tags applied ({@link ComposeMerge}).
 *
 * <p>Every file read must lie inside the project, as written and with symlinks followed; an
 * {@code extends} cycle, an include cycle and a resource an include defines again are errors
 * naming the files and services. What is wrong lands in {@link Problems} in compose terms.
 */
final class ComposeLoader {
    /** The most files one project may read (main, override, extended and included ones). */
    static final int MAX_FILES = 64;
    /** The most {@code extends} steps of one project. */
    static final int MAX_EXTENDS = 1000;
    static final List<String> OVERRIDE_FILES = List.of("compose.override.yaml", "compose.override.yml",
            "docker-compose.override.yaml", "docker-compose.override.yml");
    static final List<String> SECTIONS = List.of("services", "networks", "volumes", "secrets", "configs");
    private static final Pattern PROFILE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    private final Path boundary;
    private final Problems problems;
    private final Map<Path, Map<String, Object>> parsed = new HashMap<>();
    private int extendsSteps;
    /** Values the {@code extends} of this project have copied, as the aliases of one YAML stream are counted. */
    private long extendsValues;

    /** @param boundary the project's directory (absolute, normalized), or null when only the file was sent */
    ComposeLoader(Path boundary, Problems problems) {
        this.boundary = boundary;
        this.problems = problems;
    }

    /**
     * The main file (its bytes, at {@code dir}, named {@code name} in messages) as one model,
     * with the services of {@code profiles} ({@code *}: every one; empty: those without profiles).
     */
    Map<String, Object> load(Map<String, Object> main, Path dir, String name, Map<String, String> vars, Set<String> profiles) {
        Map<String, Object> model = interpolate(main, vars);
        model = resolve(model, dir, name, vars, new ArrayList<>(List.of(name)));
        if (dir != null) {
            for (String o : OVERRIDE_FILES) {
                Path f = dir.resolve(o);
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    Map<String, Object> over = file(f, o, vars);
                    if (over != null) {
                        model = ComposeMerge.merge(model, resolve(over, dir, o, vars, new ArrayList<>(List.of(o))));
                        problems.warn(o, "merged onto " + name + ", as docker compose up does");
                    }
                    break;
                }
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) ComposeMerge.untagged(model);
        profiles(out, profiles);
        return out;
    }

    /** One file's extends and includes, its relative paths still relative to {@code dir}. */
    private Map<String, Object> resolve(Map<String, Object> model, Path dir, String name, Map<String, String> vars, List<String> includeChain) {
        Map<String, Object> out = new LinkedHashMap<>(model);
        if (out.get("services") instanceof Map<?, ?> services) {
            Map<String, Object> resolved = new LinkedHashMap<>();
            for (Object s : services.keySet()) {
                String service = String.valueOf(s);
                Map<String, Object> r = extended(service, ComposeValues.map(services, "services"), dir, name, vars, new ArrayList<>());
                if (r == null && services.get(s) instanceof Map<?, ?> broken) { // the error is named; the rest is still translated
                    r = new LinkedHashMap<>(ComposeValues.map(broken, "services"));
                    r.remove("extends");
                }
                resolved.put(service, r == null ? services.get(s) : r);
            }
            out.put("services", resolved);
        }
        Object include = out.remove("include");
        if (include != null) {
            include(out, include, dir, name, vars, includeChain);
        }
        return out;
    }

    /** A service with its {@code extends} resolved (recursively); null when it cannot be. */
    private Map<String, Object> extended(String service, Map<String, Object> services, Path dir, String file, Map<String, String> vars,
                                         List<String> chain) {
        String at = "services." + service;
        if (!(services.get(service) instanceof Map<?, ?> raw)) {
            return null;
        }
        Map<String, Object> svc = new LinkedHashMap<>(ComposeValues.map(raw, at));
        Object ext = svc.remove("extends");
        if (ext == null) {
            return svc;
        }
        String step = service + " (" + file + ")";
        if (chain.contains(step)) {
            chain.add(step);
            problems.error(at + ".extends", "extends forms a cycle: " + String.join(" → ", chain) + "; a service cannot extend itself");
            return null;
        }
        if (++extendsSteps > MAX_EXTENDS) {
            problems.error(at + ".extends", "more than " + MAX_EXTENDS + " extends steps in this project");
            return null;
        }
        chain.add(step);
        String base;
        String other = null;
        if (ext instanceof Map<?, ?> m) {
            Object s = m.get("service");
            if (s == null || s instanceof Map || s instanceof List) {
                problems.error(at + ".extends.service", "is required: the name of the service to extend");
                return null;
            }
            base = String.valueOf(s);
            other = m.get("file") == null ? null : String.valueOf(m.get("file"));
            for (Object k : m.keySet()) {
                if (!k.equals("service") && !k.equals("file")) {
                    problems.error(at + ".extends." + k, "unknown extends setting (service and file are)");
                }
            }
        } else if (ext instanceof List) {
            problems.error(at + ".extends", "must be a service name or {service, file}");
            return null;
        } else {
            base = String.valueOf(ext);
        }
        Map<String, Object> baseService;
        if (other == null) {
            if (!services.containsKey(base)) {
                problems.error(at + ".extends", "extends service " + base + ", which " + file + " does not define");
                return null;
            }
            baseService = extended(base, services, dir, file, vars, chain);
        } else {
            Path f = inside(dir, other, at + ".extends.file", "the file " + other + " that service " + service + " extends");
            if (f == null) {
                return null;
            }
            String label = label(f);
            Map<String, Object> model = file(f, label, vars);
            if (model == null) {
                return null;
            }
            if (!(model.get("services") instanceof Map<?, ?> otherServices) || !otherServices.containsKey(base)) {
                problems.error(at + ".extends", "extends service " + base + ", which " + label + " does not define");
                return null;
            }
            baseService = extended(base, ComposeValues.map(otherServices, "services"), f.getParent(), label, vars, chain);
            if (baseService != null) {
                baseService = rebaseService(baseService, f.getParent(), dir);
            }
        }
        if (baseService == null) {
            return null;
        }
        extendsValues += weigh(baseService);
        if (extendsValues > dev.mooring.api.YamlReader.MAX_ALIAS_VALUES) {
            problems.error(at + ".extends", "extends copies more than " + dev.mooring.api.YamlReader.MAX_ALIAS_VALUES
                    + " values in this project; write the services out or extend smaller ones");
            return null;
        }
        return ComposeMerge.merge(baseService, svc);
    }

    /** The top-level {@code include}: each entry's files loaded, their resources added to {@code model}, a name defined twice refused. */
    private void include(Map<String, Object> model, Object include, Path dir, String name, Map<String, String> vars, List<String> chain) {
        if (!(include instanceof List<?> entries)) {
            problems.error("include", "must be a list of files or {path, project_directory, env_file}");
            return;
        }
        Map<String, String> definedIn = new HashMap<>();
        for (String section : SECTIONS) {
            if (model.get(section) instanceof Map<?, ?> m) {
                m.keySet().forEach(k -> definedIn.put(section + "." + k, name));
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            String at = "include[" + i + "]";
            Object entry = entries.get(i);
            List<String> paths;
            Object projectDirectory = null;
            Object envFile = null;
            try {
                if (entry instanceof Map<?, ?> m) {
                    Map<String, Object> e = ComposeValues.map(m, at);
                    for (String k : e.keySet()) {
                        switch (k) {
                            case "path", "project_directory", "env_file" -> {
                            }
                            default -> problems.error(at + "." + k, "unknown include setting (path, project_directory and env_file are)");
                        }
                    }
                    if (e.get("path") == null) {
                        problems.error(at + ".path", "is required");
                        continue;
                    }
                    paths = ComposeValues.strings(e.get("path"));
                    projectDirectory = e.get("project_directory");
                    envFile = e.get("env_file");
                } else {
                    paths = List.of(ComposeValues.str(entry));
                }
            } catch (IllegalArgumentException e) {
                problems.error(at, e.getMessage());
                continue;
            }
            if (paths.isEmpty()) {
                problems.error(at + ".path", "names no file");
                continue;
            }
            Path first = inside(dir, paths.get(0), at + ".path", "the included file " + paths.get(0));
            if (first == null) {
                continue;
            }
            Path projectDir = projectDirectory == null ? first.getParent()
                    : inside(dir, String.valueOf(projectDirectory), at + ".project_directory", "the project_directory " + projectDirectory);
            if (projectDir == null) {
                continue;
            }
            Map<String, String> includeVars = includeVars(envFile, dir, projectDir, at, vars);
            if (includeVars == null) {
                continue;
            }
            Map<String, Object> included = null;
            for (int p = 0; p < paths.size(); p++) {
                String pat = paths.size() == 1 ? at + ".path" : at + ".path[" + p + "]";
                Path f = p == 0 ? first : inside(dir, paths.get(p), pat, "the included file " + paths.get(p));
                if (f == null) {
                    included = null;
                    break;
                }
                String label = label(f);
                if (chain.contains(label)) {
                    problems.error(pat, "include forms a cycle: " + String.join(" → ", chain) + " → " + label);
                    included = null;
                    break;
                }
                Map<String, Object> m = file(f, label, includeVars);
                if (m == null) {
                    included = null;
                    break;
                }
                List<String> deeper = new ArrayList<>(chain);
                deeper.add(label);
                Map<String, Object> r = resolve(m, projectDir, label, includeVars, deeper);
                included = included == null ? r : ComposeMerge.merge(included, r);
            }
            if (included == null) {
                continue;
            }
            String label = paths.size() == 1 ? label(first) : String.join(" + ", paths);
            included = rebaseModel(included, projectDir, dir);
            for (String section : SECTIONS) {
                if (!(included.get(section) instanceof Map<?, ?> add)) {
                    continue;
                }
                Map<String, Object> target = model.get(section) instanceof Map<?, ?> t ? new LinkedHashMap<>(ComposeValues.map(t, section))
                        : new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : add.entrySet()) {
                    String key = section + "." + e.getKey();
                    String earlier = definedIn.putIfAbsent(key, label);
                    if (earlier != null) {
                        problems.error(at, key + " is defined both in " + earlier + " and in " + label
                                + " (included); Compose refuses this too: rename one, or use extends to build on the other");
                    } else {
                        target.put(String.valueOf(e.getKey()), e.getValue());
                    }
                }
                model.put(section, target);
            }
        }
    }

    /** The variables an included file is interpolated with: its env files, else its project directory's .env. */
    private Map<String, String> includeVars(Object envFile, Path dir, Path projectDir, String at, Map<String, String> vars) {
        List<Path> files = new ArrayList<>();
        if (envFile != null) {
            for (String e : ComposeValues.strings(envFile)) {
                Path f = inside(dir, e, at + ".env_file", "the env_file " + e);
                if (f == null) {
                    return null;
                }
                files.add(f);
            }
        } else if (Files.isRegularFile(projectDir.resolve(".env"))) {
            files.add(projectDir.resolve(".env"));
        } else {
            return vars;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Path f : files) {
            try {
                out.putAll(ComposeSyntax.envFile(Files.readString(f)));
            } catch (IOException e) {
                problems.error(at + ".env_file", label(f) + " cannot be read: " + e.getMessage());
                return null;
            }
        }
        return out;
    }

    /** Leaves out the services no selected profile enables; refuses a dependency on one left out. */
    private void profiles(Map<String, Object> model, Set<String> selected) {
        if (!(model.get("services") instanceof Map<?, ?> raw)) {
            return;
        }
        for (String p : selected) {
            if (!p.equals("*") && !PROFILE.matcher(p).matches()) {
                problems.error("profiles", "\"" + p + "\" is not a profile name (letters, digits, '_', '.', '-')");
            }
        }
        boolean all = selected.contains("*");
        Map<String, Object> services = new LinkedHashMap<>(ComposeValues.map(raw, "services"));
        Map<String, List<String>> skipped = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : new ArrayList<>(services.entrySet())) {
            if (!(e.getValue() instanceof Map<?, ?> svc) || svc.get("profiles") == null) {
                continue;
            }
            List<String> its;
            try {
                its = ComposeValues.strings(svc.get("profiles"));
            } catch (IllegalArgumentException ex) {
                problems.error("services." + e.getKey() + ".profiles", ex.getMessage());
                continue;
            }
            Map<String, Object> s = new LinkedHashMap<>(ComposeValues.map(svc, e.getKey()));
            s.remove("profiles");
            if (its.isEmpty() || all || its.stream().anyMatch(selected::contains)) {
                services.put(e.getKey(), s);
            } else {
                services.remove(e.getKey());
                skipped.put(e.getKey(), its);
                problems.warn("services." + e.getKey(), "left out: its profiles " + its + " are not selected (add ?profiles="
                        + its.get(0) + " to the import to run it, as docker compose --profile " + its.get(0) + " would)");
            }
        }
        for (Map.Entry<String, Object> e : services.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> svc && svc.get("depends_on") != null) {
                Object deps = svc.get("depends_on");
                Map<String, Object> keyed = deps instanceof Map || deps instanceof List ? new LinkedHashMap<>(ComposeMerge.keyed("depends_on", deps)) : Map.of();
                boolean changed = false;
                for (Map.Entry<String, Object> d : new ArrayList<>(keyed.entrySet())) {
                    List<String> its = skipped.get(d.getKey());
                    if (its == null) {
                        continue;
                    }
                    if (d.getValue() instanceof Map<?, ?> settings && Boolean.FALSE.equals(settings.get("required"))) {
                        keyed.remove(d.getKey());
                        changed = true;
                        problems.warn("services." + e.getKey() + ".depends_on." + d.getKey(), "left out with service " + d.getKey() + " (required: false)");
                    } else {
                        keyed.remove(d.getKey()); // named here; not again as a service the file lacks
                        changed = true;
                        problems.error("services." + e.getKey() + ".depends_on." + d.getKey(), "service " + e.getKey() + " depends on "
                                + d.getKey() + ", which is only in profiles " + its + " and not selected; select one (?profiles=" + its.get(0)
                                + "), give " + d.getKey() + " a profile of " + e.getKey() + ", or write required: false"
                                + " (docker compose up refuses this too)");
                    }
                }
                if (changed) {
                    Map<String, Object> s = new LinkedHashMap<>(ComposeValues.map(svc, e.getKey()));
                    s.put("depends_on", keyed);
                    e.setValue(s);
                }
            }
        }
        if (services.isEmpty() && !skipped.isEmpty()) {
            problems.error("services", "every service is in a profile and none of " + new TreeSet<>(skipped.values().stream().flatMap(List::stream).toList())
                    + " is selected" + (selected.isEmpty() ? "" : " (selected: " + String.join(",", selected) + ")") + "; add ?profiles=... to the import");
        }
        model.put("services", services);
    }

    /** A file of the project, read (as a compose file: merge tags kept) and interpolated; null (with an error) when it cannot be. */
    private Map<String, Object> file(Path f, String label, Map<String, String> vars) {
        Map<String, Object> cached = parsed.get(f);
        if (cached == null) {
            if (parsed.size() >= MAX_FILES) {
                problems.error(label, "the project reads more than " + MAX_FILES + " compose files");
                return null;
            }
            try {
                if (!Files.isRegularFile(f)) {
                    problems.error(label, "is not a file of the project");
                    return null;
                }
                if (Files.size(f) > dev.mooring.api.YamlReader.MAX_CHARS) {
                    problems.error(label, "is larger than " + dev.mooring.api.YamlReader.MAX_CHARS + " bytes");
                    return null;
                }
                cached = ComposeSyntax.document(Files.readAllBytes(f));
            } catch (IOException e) {
                problems.error(label, "cannot be read: " + e.getMessage());
                return null;
            } catch (dev.mooring.api.ApiException e) {
                if (e.errors.isEmpty()) {
                    problems.error(label, e.getMessage());
                } else {
                    e.errors.forEach(fe -> problems.error(label + ": " + fe.field(), fe.message()));
                }
                return null;
            }
            parsed.put(f, cached);
        }
        return interpolate(cached, vars);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> interpolate(Map<String, Object> model, Map<String, String> vars) {
        return (Map<String, Object>) new Interpolation(vars, problems).apply(model, "");
    }

    /**
     * A path of the project named at {@code at} ({@code what}: how to name it in an error),
     * absolute; null with an error when there is no project or it leaves it (as written or with
     * symlinks followed).
     */
    private Path inside(Path dir, String relative, String at, String what) {
        if (boundary == null || dir == null) {
            problems.error(at, what + " is a file of the project: send the project as a tar (Content-Type: application/x-tar)");
            return null;
        }
        if (relative.startsWith("~")) {
            problems.error(at, what + ": ~ is a home directory on your machine; name a file of the project");
            return null;
        }
        Path p = dir.resolve(relative).toAbsolutePath().normalize();
        if (!p.startsWith(boundary)) {
            problems.error(at, what + " is " + p + ", outside the project " + boundary + "; only files of the project are read");
            return null;
        }
        Path real = ComposeFile.realPath(p);
        if (!real.startsWith(ComposeFile.realPath(boundary))) {
            problems.error(at, what + " resolves to " + real + " (symlinks followed), outside the project; only files of the project are read");
            return null;
        }
        return p;
    }

    private static long weigh(Object node) {
        if (node instanceof Map<?, ?> m) {
            long n = 1;
            for (Object v : m.values()) {
                n += weigh(v);
            }
            return n;
        }
        if (node instanceof List<?> l) {
            long n = 1;
            for (Object v : l) {
                n += weigh(v);
            }
            return n;
        }
        return node instanceof dev.mooring.api.YamlReader.MergeTag t ? weigh(t.value()) : 1;
    }

    private String label(Path f) {
        return boundary == null ? f.toString() : boundary.relativize(f).toString();
    }

    /** A model whose relative paths were relative to {@code from}, with them relative to {@code to}. */
    private static Map<String, Object> rebaseModel(Map<String, Object> model, Path from, Path to) {
        if (from.equals(to)) {
            return model;
        }
        Map<String, Object> out = new LinkedHashMap<>(model);
        if (out.get("services") instanceof Map<?, ?> services) {
            Map<String, Object> s = new LinkedHashMap<>();
            services.forEach((k, v) -> s.put(String.valueOf(k), v instanceof Map<?, ?> svc ? rebaseService(ComposeValues.map(svc, "services"), from, to) : v));
            out.put("services", s);
        }
        for (String section : List.of("secrets", "configs")) {
            if (out.get(section) instanceof Map<?, ?> defs) {
                Map<String, Object> s = new LinkedHashMap<>();
                defs.forEach((k, v) -> {
                    if (v instanceof Map<?, ?> d && d.get("file") instanceof String file) {
                        Map<String, Object> copy = new LinkedHashMap<>(ComposeValues.map(d, section));
                        copy.put("file", rebase(file, from, to));
                        s.put(String.valueOf(k), copy);
                    } else {
                        s.put(String.valueOf(k), v);
                    }
                });
                out.put(section, s);
            }
        }
        return out;
    }

    /** A service's relative paths (build context, bind mount sources, env files) from {@code from} to {@code to}. */
    static Map<String, Object> rebaseService(Map<String, Object> svc, Path from, Path to) {
        if (from.equals(to)) {
            return svc;
        }
        Map<String, Object> out = new LinkedHashMap<>(svc);
        Object build = out.get("build");
        if (build instanceof String b) {
            out.put("build", rebase(b, from, to));
        } else if (build instanceof Map<?, ?> b) {
            Map<String, Object> copy = new LinkedHashMap<>(ComposeValues.map(b, "build"));
            copy.put("context", rebase(copy.get("context") == null ? "." : String.valueOf(copy.get("context")), from, to));
            out.put("build", copy);
        }
        if (out.get("volumes") instanceof List<?> volumes) {
            List<Object> copy = new ArrayList<>();
            for (Object v : volumes) {
                if (v instanceof String s) {
                    int colon = s.indexOf(':');
                    copy.add(colon > 0 && s.startsWith(".") ? rebase(s.substring(0, colon), from, to) + s.substring(colon) : s);
                } else if (v instanceof Map<?, ?> m && "bind".equals(m.get("type")) && m.get("source") instanceof String src && !src.startsWith("/")) {
                    Map<String, Object> c = new LinkedHashMap<>(ComposeValues.map(m, "volumes"));
                    c.put("source", rebase(src, from, to));
                    copy.add(c);
                } else {
                    copy.add(v);
                }
            }
            out.put("volumes", copy);
        }
        Object env = out.get("env_file");
        if (env instanceof String e) {
            out.put("env_file", rebase(e, from, to));
        } else if (env instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            for (Object e : l) {
                if (e instanceof Map<?, ?> m && m.get("path") instanceof String p) {
                    Map<String, Object> c = new LinkedHashMap<>(ComposeValues.map(m, "env_file"));
                    c.put("path", rebase(p, from, to));
                    copy.add(c);
                } else {
                    copy.add(e instanceof String s ? rebase(s, from, to) : e);
                }
            }
            out.put("env_file", copy);
        }
        return out;
    }

    /** A relative path from {@code from} as one from {@code to}, starting with "." (so a bind source stays a path); an absolute one as it is. */
    static String rebase(String path, Path from, Path to) {
        if (path.startsWith("/") || path.startsWith("~") || path.contains("://") || path.startsWith("git@")) {
            return path;
        }
        String rel = to.relativize(from.resolve(path).normalize()).toString();
        return rel.isEmpty() ? "." : rel.startsWith("..") ? rel : "./" + rel;
    }

    /** Profiles from the query ({@code a,b}, {@code *}), trimmed; empty: only the services without profiles. */
    static Set<String> profiles(String query) {
        Set<String> out = new LinkedHashSet<>();
        if (query != null) {
            for (String p : query.split(",")) {
                if (!p.isBlank()) {
                    out.add(p.strip());
                }
            }
        }
        return out;
    }
}
