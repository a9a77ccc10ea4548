package dev.mooring.security;

import dev.mooring.api.Kind;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps names out of the {@code uri} tag of the HTTP metrics. /q/metrics is open to any token,
 * and a request that the {@link ApiGate} refused (401, 403) never reached the REST layer that
 * puts the path template in the tag: its tag was the raw path, another namespace's App names
 * and whatever an anonymous caller chose (issue 10, finding 6). Every {@code uri} is rewritten
 * here into the template of the REST API's own paths ({@code /api/v1alpha1/namespaces/{ns}/apps/{name}}):
 * the words of the API stay, namespaces, names and anything unknown become placeholders. So the
 * metrics carry no resource names at all; per-resource state is read through the API, where
 * roles apply. The other meters are tagged by kind, outcome, operation and engine only.
 */
@Singleton
public class MetricPaths {
    /** The API's own words: plurals of the kinds and the paths beside them. */
    static final Set<String> TOP = words(Set.of("namespaces", "apply", "audit", "tokens", "secrets"));
    /** Sub-resources and actions of a resource (and of a plural: secrets/rotate). */
    static final Set<String> SUB = Set.of("events", "logs", "buildlog", "plan", "revisions", "rollback", "webhook", "confirm", "sync", "rotate");
    /** The fixed paths outside the API. */
    static final Set<String> FIXED = Set.of("/", "/q/health", "/q/health/live", "/q/health/ready", "/q/health/started",
            "/q/metrics", "/q/openapi", "/q/openapi.json", "/q/openapi.yaml");

    private static Set<String> words(Set<String> more) {
        return java.util.stream.Stream.concat(Arrays.stream(Kind.values()).map(k -> k.plural), more.stream()).collect(Collectors.toSet());
    }

    /** Rewrites the {@code uri} tag of every meter that has one. */
    @Produces
    @Singleton
    MeterFilter pathTemplates() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String uri = id.getTag("uri");
                if (uri == null) {
                    return id;
                }
                String template = template(uri);
                return template.equals(uri) ? id : id.replaceTags(Tags.of(id.getTagsAsIterable()).and("uri", template));
            }
        };
    }

    /** The template of a path: API words kept, everything else a placeholder. Micrometer's own values (NOT_FOUND, ...) stay. */
    static String template(String uri) {
        if (!uri.startsWith("/") || FIXED.contains(uri)) {
            return uri;
        }
        if (!uri.equals(AccessRules.API) && !uri.startsWith(AccessRules.API + "/")) {
            return uri.startsWith("/q/") ? "/q/{path}" : "/{path}";
        }
        List<String> s = new ArrayList<>(Arrays.asList(uri.substring(AccessRules.API.length()).split("/", -1)));
        s.removeIf(String::isEmpty);
        StringBuilder out = new StringBuilder(AccessRules.API);
        if (s.isEmpty()) {
            return out.toString();
        }
        if (!TOP.contains(s.get(0))) {
            return out.append("/{path}").toString();
        }
        out.append('/').append(s.get(0));
        List<String> rest = s.subList(1, s.size());
        if (s.get(0).equals("namespaces")) {
            String[] places = {"{ns}", null, "{name}", null};
            for (int i = 0; i < rest.size(); i++) {
                String seg = rest.get(i);
                if (i >= places.length) {
                    return out.append("/{rest}").toString();
                }
                String shown = places[i] != null ? places[i]
                        : i == 1 ? (TOP.contains(seg) || seg.equals("compose") ? seg : "{plural}")
                        : SUB.contains(seg) ? seg : "{sub}";
                out.append('/').append(shown);
            }
            return out.toString();
        }
        if (rest.isEmpty()) {
            return out.toString();
        }
        String next = s.get(0).equals("tokens") ? "{id}" : SUB.contains(rest.get(0)) ? rest.get(0) : "{name}";
        out.append('/').append(next);
        return rest.size() > 1 ? out.append("/{rest}").toString() : out.toString();
    }
}
