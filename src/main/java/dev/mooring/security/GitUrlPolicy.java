package dev.mooring.security;

import dev.mooring.api.ApiException;
import dev.mooring.api.ApiException.FieldError;
import dev.mooring.api.GitRepository;
import dev.mooring.api.MooringResource;
import dev.mooring.security.AdmissionPolicy.Level;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Where a GitRepository may fetch from (issue 10, finding 2). A GitRepository's URL is a request
 * that Mooring itself makes, with Mooring's file system and network position, so:
 * <ul>
 * <li>never anything inside Mooring's own data directory (other namespaces' checkouts, the
 * database, the secret key), at any level, privileged included; paths are compared as real
 * paths, symlinks followed;</li>
 * <li>local paths and {@code file://} only in a privileged namespace, or under
 * {@code mooring.git.allowed-local-paths};</li>
 * <li>no network URL whose host is, or resolves to, a loopback, link-local, any-local address
 * or an address of this host's own interfaces, unless {@code mooring.git.allowed-hosts} lists
 * the host (or host:port) as written in the URL.</li>
 * </ul>
 * It is checked when a GitRepository is written (a 422 naming spec.url, from {@link Admission},
 * in audit mode too: this is not a Pod Security setting but a fence around Mooring itself), and
 * again right before each fetch and each HTTP connection of a fetch, redirects included, because
 * a DNS answer can change after the write (DNS rebinding).
 */
@ApplicationScoped
public class GitUrlPolicy {
    /** Resolves a host name to its addresses; {@link InetAddress#getAllByName} but in tests. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    @ConfigProperty(name = "mooring.data-dir", defaultValue = "./data")
    String dataDirSetting;
    @ConfigProperty(name = "mooring.git.allowed-local-paths")
    Optional<List<String>> allowedLocalPathsSetting;
    @ConfigProperty(name = "mooring.git.allowed-hosts")
    Optional<List<String>> allowedHostsSetting;

    private Path dataDir;
    private List<Path> allowedLocalPaths;
    private List<String> allowedHosts;
    private Resolver resolver = InetAddress::getAllByName;

    @PostConstruct
    void load() {
        init(Path.of(dataDirSetting), allowedLocalPathsSetting.orElse(List.of()), allowedHostsSetting.orElse(List.of()), InetAddress::getAllByName);
    }

    /** A policy outside CDI (tests). */
    static GitUrlPolicy of(Path dataDir, List<String> allowedLocalPaths, List<String> allowedHosts, Resolver resolver) {
        GitUrlPolicy p = new GitUrlPolicy();
        p.init(dataDir, allowedLocalPaths, allowedHosts, resolver);
        return p;
    }

    private void init(Path data, List<String> localPaths, List<String> hosts, Resolver r) {
        dataDir = data.toAbsolutePath().normalize();
        List<Path> paths = new ArrayList<>();
        for (String p : localPaths) {
            if (!p.trim().isEmpty()) {
                if (!p.trim().startsWith("/")) {
                    throw new IllegalArgumentException("mooring.git.allowed-local-paths: \"" + p + "\" is not an absolute path");
                }
                paths.add(Path.of(p.trim()));
            }
        }
        allowedLocalPaths = List.copyOf(paths);
        allowedHosts = hosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
        resolver = r;
    }

    /**
     * Refuses (422, naming spec.url) every GitRepository of the write whose URL this policy does
     * not let its namespace fetch; called by {@link Admission#admit} for every source.
     */
    void admit(List<? extends MooringResource<?, ?>> resources, Function<String, Level> levels) {
        List<FieldError> refused = new ArrayList<>();
        for (MooringResource<?, ?> r : resources) {
            if (r instanceof GitRepository git && git.getSpec() != null && git.getSpec().url != null) {
                String why = refusal(git.getSpec().url, levels.apply(git.namespace()));
                if (why != null) {
                    refused.add(new FieldError("spec.url", why, resources.size() > 1 ? "GitRepository " + git.namespace() + "/" + git.name() : null));
                }
            }
        }
        if (!refused.isEmpty()) {
            throw ApiException.invalid(refused);
        }
    }

    /** Why a namespace of this level may not fetch the URL, or null when it may. */
    public String refusal(String url, Level level) {
        URIish uri;
        try {
            uri = new URIish(url.trim());
        } catch (URISyntaxException e) {
            return "\"" + url + "\" is not a Git URL Mooring can read";
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if ("file".equals(scheme) || (scheme == null && uri.getHost() == null)) {
            return localRefusal(url, uri.getPath(), level);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "\"" + url + "\" names no host";
        }
        return hostRefusal(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : defaultPort(scheme));
    }

    /**
     * Why Mooring may not connect to this host and port (a URL's, or a redirect's), or null. A host
     * that does not resolve is not refused here: its fetch fails like any other that gets no answer.
     */
    public String hostRefusal(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        String written = h.contains(":") ? "[" + h + "]" : h;
        if (allowedHosts.contains(h) || allowedHosts.contains(written) || allowedHosts.contains(written + ":" + port)) {
            return null;
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(h);
        } catch (UnknownHostException e) {
            return null;
        }
        Set<String> own = ownAddresses();
        for (InetAddress a : addresses) {
            String what = a.isLoopbackAddress() ? "a loopback address"
                    : a.isLinkLocalAddress() ? "a link-local address"
                    : a.isAnyLocalAddress() || (a instanceof Inet4Address && a.getAddress()[0] == 0) ? "an any-local address"
                    : own.contains(HexFormat.of().formatHex(a.getAddress())) ? "an address of this host" : null;
            if (what != null) {
                String is = a.getHostAddress().equalsIgnoreCase(h) ? "is " + what : "resolves to " + a.getHostAddress() + ", " + what;
                return "host " + written + " " + is + ": Mooring does not fetch from its own host's services or link-local ones"
                        + " (an operator can allow it: mooring.git.allowed-hosts=" + written + ":" + port + ")";
            }
        }
        return null;
    }

    private String localRefusal(String url, String path, Level level) {
        if (path == null || !path.startsWith("/")) {
            return "\"" + url + "\" is not an absolute path";
        }
        Path p = Path.of(path).normalize();
        Path data = real(dataDir);
        for (Path candidate : repositoryPaths(p)) {
            if (real(candidate).startsWith(data)) {
                return "\"" + url + "\" is inside Mooring's data directory (mooring.data-dir: its database, key and every namespace's checkouts),"
                        + " which no GitRepository may read";
            }
        }
        if (level == Level.privileged) {
            return null;
        }
        Path realPath = real(p);
        for (Path allowed : allowedLocalPaths) {
            if (realPath.startsWith(real(allowed))) {
                return null;
            }
        }
        return "local repositories (" + url + ") may be read only in a privileged namespace, or under mooring.git.allowed-local-paths"
                + (allowedLocalPaths.isEmpty() ? " (none are allowed)" : " " + allowedLocalPaths) + "; this namespace is " + level;
    }

    /**
     * What Git reads for a local URL: the path, {@code path/.git} and {@code path.git} (how JGit
     * finds a repository), where a {@code .git} file ({@code gitdir: ...}) points, and the object
     * directories that {@code objects/info/alternates} borrows from.
     */
    private static List<Path> repositoryPaths(Path p) {
        List<Path> out = new ArrayList<>();
        List<Path> dirs = new ArrayList<>(List.of(p, p.resolve(".git"), p.resolveSibling(p.getFileName() == null ? ".git" : p.getFileName() + ".git")));
        out.addAll(dirs);
        for (Path d : dirs) {
            if (Files.isRegularFile(d)) {
                String text = read(d);
                if (text != null && text.startsWith("gitdir:")) {
                    Path target = d.getParent().resolve(text.substring(7).trim()).normalize();
                    out.add(target);
                    out.addAll(alternates(target));
                }
            } else {
                out.addAll(alternates(d));
            }
        }
        return out;
    }

    private static List<Path> alternates(Path gitDir) {
        Path objects = gitDir.resolve("objects");
        String text = read(objects.resolve("info").resolve("alternates"));
        if (text == null) {
            return List.of();
        }
        return text.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> objects.resolve(l).normalize()).toList();
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) && Files.size(file) < 65536 ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The real path (symlinks followed) of the longest existing part of {@code p}, the rest appended. */
    static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
        } catch (IOException e) {
            return abs;
        }
    }

    private static Set<String> ownAddresses() {
        Set<String> out = new HashSet<>();
        try {
            for (NetworkInterface i : NetworkInterface.networkInterfaces().toList()) {
                i.inetAddresses().forEach(a -> out.add(HexFormat.of().formatHex(a.getAddress())));
            }
        } catch (SocketException e) {
            // no interfaces listed: loopback and link-local are still refused by their ranges
        }
        return out;
    }

    private static int defaultPort(String scheme) {
        if (scheme == null) {
            return 22; // user@host:path is ssh
        }
        return switch (scheme) {
            case "http" -> 80;
            case "https" -> 443;
            case "git" -> 9418;
            default -> 22;
        };
    }
}
