package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mooring.source.compose.ComposeValues.list;
import static dev.mooring.source.compose.ComposeValues.map;
import static dev.mooring.source.compose.ComposeValues.str;

/**
 * A service's {@code volumes} (short and long form) and {@code tmpfs} as App mounts: a path
 * source is a bind mount (relative ones inside the project), a name a declared Volume, none an
 * anonymous volume (kept as a named Volume, since Compose keeps it across recreations).
 */
final class MountTranslator implements ServiceKeys {
    private final ComposeFile file;
    private final Problems problems;

    MountTranslator(ComposeFile file) {
        this.file = file;
        this.problems = file.problems;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of(
                "volumes", (service, s, v, at) -> volumes(s, service, list(v, at), at),
                "tmpfs", (service, s, v, at) -> tmpfs(s, v instanceof List<?> l ? l : List.of(v), at));
    }

    private void volumes(AppSpec s, String service, List<?> items, String at) {
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            String iat = at + "[" + i + "]";
            AppSpec.VolumeMount m = item instanceof Map<?, ?> raw ? longVolume(map(raw, iat), service, i, iat) : shortVolume(str(item), service, i, iat);
            if (m != null) {
                if (s.volumes == null) {
                    s.volumes = new ArrayList<>();
                }
                s.volumes.add(m);
            }
        }
    }

    /** {@code [source:]target[:options]}: a path source is a bind mount, a name a volume, none an anonymous volume. */
    private AppSpec.VolumeMount shortVolume(String text, String service, int index, String at) {
        String[] parts = text.split(":", -1);
        AppSpec.VolumeMount m = new AppSpec.VolumeMount();
        String source = null;
        String options = null;
        switch (parts.length) {
            case 1 -> m.mountPath = parts[0];
            case 2 -> {
                if (parts[1].startsWith("/")) {
                    source = parts[0];
                    m.mountPath = parts[1];
                } else {
                    m.mountPath = parts[0];
                    options = parts[1];
                }
            }
            case 3 -> {
                source = parts[0];
                m.mountPath = parts[1];
                options = parts[2];
            }
            default -> {
                problems.error(at, "\"" + text + "\" is not a volume like name:/path, ./dir:/path[:ro] or /path");
                return null;
            }
        }
        if (options != null) {
            for (String opt : options.split(",")) {
                switch (opt) {
                    case "ro" -> m.readOnly = true;
                    case "rw", "" -> {
                    }
                    case "z", "Z" -> problems.ignored(at, "SELinux relabelling (" + opt + ") is not done");
                    case "nocopy" -> problems.ignored(at, "nocopy: a new volume starts empty only on engines that do not copy image content");
                    case "cached", "delegated", "consistent" -> problems.ignored(at, opt + " is a Docker Desktop hint");
                    default -> problems.unsupported(at, "volume option " + opt);
                }
            }
        }
        mountSource(m, source, text, service, index, at);
        return m;
    }

    private AppSpec.VolumeMount longVolume(Map<String, Object> v, String service, int index, String at) {
        AppSpec.VolumeMount m = new AppSpec.VolumeMount();
        String type = v.get("type") == null ? "volume" : str(v.get("type"));
        m.mountPath = v.get("target") == null ? null : str(v.get("target"));
        if (m.mountPath == null) {
            problems.error(at + ".target", "is required");
            return null;
        }
        if (Boolean.TRUE.equals(v.get("read_only"))) {
            m.readOnly = true;
        }
        longVolumeSettings(m, v, at);
        String source = v.get("source") == null ? null : str(v.get("source"));
        switch (type) {
            case "volume" -> mountSource(m, source == null || source.isEmpty() ? null : source, "{source: " + source + ", target: " + m.mountPath + "}", service, index, at);
            case "bind" -> {
                if (source == null) {
                    problems.error(at + ".source", "is required for a bind mount");
                    return null;
                }
                m.hostPath = hostPath(source, "{type: bind, source: " + source + ", target: " + m.mountPath + "}", service, at + ".source");
            }
            case "tmpfs" -> {
                if (m.tmpfs == null) {
                    m.tmpfs = new AppSpec.Tmpfs();
                }
            }
            default -> {
                problems.unsupported(at + ".type", "mounts of type " + type);
                return null;
            }
        }
        return m;
    }

    /** The long form's settings besides type, source, target and read_only: warnings, errors, or a tmpfs size. */
    private void longVolumeSettings(AppSpec.VolumeMount m, Map<String, Object> v, String at) {
        for (String k : v.keySet()) {
            String kat = at + "." + k;
            switch (k) {
                case "type", "source", "target", "read_only" -> {
                }
                case "consistency" -> problems.ignored(kat, "a Docker Desktop hint");
                case "bind" -> map(v.get(k), kat).keySet().forEach(b -> {
                    if (b.equals("create_host_path") || b.equals("selinux") || b.equals("propagation")) {
                        problems.ignored(kat + "." + b, "the bind mount uses Docker's defaults");
                    } else {
                        problems.unsupported(kat + "." + b, "unknown bind setting");
                    }
                });
                case "volume" -> map(v.get(k), kat).keySet().forEach(b -> {
                    if (b.equals("nocopy")) {
                        problems.ignored(kat + ".nocopy", "the volume is mounted with Docker's defaults");
                    } else {
                        problems.unsupported(kat + "." + b, "volume " + b + " is not supported");
                    }
                });
                case "tmpfs" -> map(v.get(k), kat).forEach((b, val) -> {
                    if (b.equals("size")) {
                        if (m.tmpfs == null) {
                            m.tmpfs = new AppSpec.Tmpfs();
                        }
                        m.tmpfs.size = ComposeSyntax.size(val);
                    } else if (b.equals("mode")) {
                        problems.unsupported(kat + ".mode", "tmpfs modes are not supported (the default is 1777)");
                    } else {
                        problems.unsupported(kat + "." + b, "unknown tmpfs setting");
                    }
                });
                default -> problems.unsupported(kat, "unknown volume setting");
            }
        }
    }

    private void mountSource(AppSpec.VolumeMount m, String source, String written, String service, int index, String at) {
        if (source == null) {
            m.volume = file.volumes.anonymousVolume(service, index, at);
        } else if (source.startsWith("/") || source.startsWith(".") || source.startsWith("~")) {
            m.hostPath = hostPath(source, written, service, at);
        } else {
            m.volume = file.volumes.volume(source, at);
        }
    }

    private String hostPath(String source, String written, String service, String at) {
        if (source.startsWith("~")) {
            problems.unsupported(at, "~ (a home directory on your machine, not on the engine's host); use an absolute path");
            return null;
        }
        return file.bindSource(source, written, service, at);
    }

    private void tmpfs(AppSpec s, List<?> items, String at) {
        for (Object item : items) {
            String text = str(item);
            AppSpec.VolumeMount m = new AppSpec.VolumeMount();
            m.tmpfs = new AppSpec.Tmpfs();
            int colon = text.indexOf(':');
            m.mountPath = colon < 0 ? text : text.substring(0, colon);
            if (colon >= 0) {
                for (String opt : text.substring(colon + 1).split(",")) {
                    if (opt.startsWith("size=")) {
                        m.tmpfs.size = ComposeSyntax.size(opt.substring(5));
                    } else {
                        problems.unsupported(at, "tmpfs option " + opt);
                    }
                }
            }
            if (s.volumes == null) {
                s.volumes = new ArrayList<>();
            }
            s.volumes.add(m);
        }
    }
}
