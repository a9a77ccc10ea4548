package dev.mooring.source.git;

import dev.mooring.api.GitRepository;
import dev.mooring.api.GitRepositoryStatus.FileError;
import dev.mooring.api.Secret;
import dev.mooring.store.ResourceStore;
import dev.mooring.store.SecretStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Secrets a GitRepository names (fetch credentials, the webhook's key), read from their encrypted values. */
@ApplicationScoped
class GitSecrets {
    @Inject
    ResourceStore store;
    @Inject
    SecretStore secrets;

    /** The credentials of spec.secretRef, read from the Secret's encrypted values. */
    GitCredentials credentials(GitRepository repo) throws SyncFailure {
        if (repo.getSpec().secretRef == null) {
            return GitCredentials.NONE;
        }
        String name = repo.getSpec().secretRef.name;
        Map<String, byte[]> v = secretValues(repo.namespace(), name, "spec.secretRef.name", List.of("username", "password", "token", "identity", "known_hosts"));
        String password = v.containsKey("password") ? text(v.get("password")) : v.containsKey("token") ? text(v.get("token")) : null;
        String username = v.containsKey("username") ? text(v.get("username")) : null;
        if (username == null && password == null && !v.containsKey("identity")) {
            throw new SyncFailure("CredentialsInvalid", "Secret " + repo.namespace() + "/" + name
                    + " has none of the keys username, password, token, identity", List.of(new FileError(null, null, "spec.secretRef.name", "the Secret has no credentials")));
        }
        return new GitCredentials(username, password, v.get("identity"), v.get("known_hosts"));
    }

    /** The named keys of a Secret that it has; a missing Secret is a sync failure naming the field. */
    Map<String, byte[]> secretValues(String ns, String name, String field, List<String> keys) throws SyncFailure {
        Secret secret = store.find(Secret.class, ns, name).orElseThrow(() -> new SyncFailure("CredentialsNotFound",
                "Secret " + ns + "/" + name + " (" + field + ") not found", List.of(new FileError(null, null, field, "Secret " + name + " not found"))));
        Map<String, String> digests = secret.getStatus() == null || secret.getStatus().digests == null ? Map.of() : secret.getStatus().digests;
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String k : keys) {
            if (digests.containsKey(k)) {
                out.put(k, secrets.value(ns, name, k, digests.get(k)));
            }
        }
        return out;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8).trim();
    }
}
