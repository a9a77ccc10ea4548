package dev.mooring.reconcile;

import dev.mooring.api.AppSpec;
import dev.mooring.api.Secret;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What an App asks of Secrets: which ones it names (as files in {@code spec.secrets}, or through
 * {@code env[].valueFrom.secretKeyRef}), and whether they are there with the keys it names. It
 * reads the values' digests, never a value.
 */
final class SecretUse {
    private SecretUse() {
    }

    /** The names of the Secrets an App uses, as files or environment variables. */
    static Set<String> names(AppSpec s) {
        Set<String> names = new TreeSet<>();
        if (s == null) {
            return names;
        }
        if (s.secrets != null) {
            s.secrets.stream().filter(Objects::nonNull).map(f -> f.secret).filter(Objects::nonNull).forEach(names::add);
        }
        if (s.env != null) {
            s.env.stream().filter(e -> e != null && e.valueFrom != null && e.valueFrom.secretKeyRef != null)
                    .map(e -> e.valueFrom.secretKeyRef.name).filter(Objects::nonNull).forEach(names::add);
        }
        if (s.build != null && s.build.push != null && s.build.push.secret != null) {
            names.add(s.build.push.secret);
        }
        return names;
    }

    /**
     * What the App still waits for among the Secrets it uses (missing, or without the key it
     * names), or null; puts the digests of those it found into {@code digests} (Secret name to
     * key to digest). Only digests: no value is read here. The Secrets of the App's namespace are
     * found by {@code find} (the loop: the store; a plan: also a dry run's Secrets).
     */
    static String waitingFor(Function<String, Optional<Secret>> find, AppSpec spec, Map<String, Map<String, String>> digests) {
        Set<String> waiting = new LinkedHashSet<>();
        for (String name : names(spec)) {
            Optional<Secret> found = find.apply(name);
            if (found.isEmpty() || found.get().isDeleting()) {
                waiting.add("Secret " + name + (found.isEmpty() ? " (not found)" : " (being deleted)"));
            } else {
                Map<String, String> d = found.get().getStatus() == null || found.get().getStatus().digests == null
                        ? Map.of() : found.get().getStatus().digests;
                digests.put(name, d);
            }
        }
        if (spec.secrets != null) {
            for (int i = 0; i < spec.secrets.size(); i++) {
                AppSpec.SecretFile f = spec.secrets.get(i);
                Map<String, String> d = digests.get(f.secret);
                if (d == null) {
                    continue;
                }
                if (f.key == null && d.size() != 1) {
                    waiting.add("Secret " + f.secret + " (has " + d.size() + " keys" + (d.isEmpty() ? "" : ": " + String.join(", ", d.keySet()))
                            + "; spec.secrets[" + i + "].key must name one)");
                } else if (f.key != null && !d.containsKey(f.key)) {
                    waiting.add("Secret " + f.secret + " (has no key " + f.key + ")");
                }
            }
        }
        if (spec.env != null) {
            for (AppSpec.EnvVar e : spec.env) {
                if (e.valueFrom != null && e.valueFrom.secretKeyRef != null) {
                    Map<String, String> d = digests.get(e.valueFrom.secretKeyRef.name);
                    if (d != null && !d.containsKey(e.valueFrom.secretKeyRef.key)) {
                        waiting.add("Secret " + e.valueFrom.secretKeyRef.name + " (has no key " + e.valueFrom.secretKeyRef.key + ")");
                    }
                }
            }
        }
        if (spec.build != null && spec.build.push != null && spec.build.push.secret != null) {
            AppSpec.Push p = spec.build.push;
            Map<String, String> d = digests.get(p.secret);
            if (d != null) {
                for (String k : List.of(p.usernameKey(), p.passwordKey())) {
                    if (!d.containsKey(k)) {
                        waiting.add("Secret " + p.secret + " (has no key " + k + " for spec.build.push)");
                    }
                }
            }
        }
        return waiting.isEmpty() ? null : String.join(", ", waiting);
    }
}
