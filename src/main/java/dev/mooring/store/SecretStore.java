package dev.mooring.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.mooring.api.ResourceCodec;
import dev.mooring.api.Secret;
import dev.mooring.api.SecretStatus;
import dev.mooring.api.Kind;
import dev.mooring.api.ResourceKey;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where Secret values live: encrypted, one row per key ({@link SecretValueRecord}), apart from the
 * Secret's resources row, which keeps only the values' digests as its spec document. So nothing
 * that reads resources (lists, GET, status writes, the loop) ever holds a value; only
 * {@link #value} decrypts, for the executor, one value at a time.
 */
@ApplicationScoped
@TranslatesConflicts
public class SecretStore {
    private static final Logger LOG = Logger.getLogger(SecretStore.class);
    private static final TypeReference<TreeMap<String, String>> DIGESTS = new TypeReference<>() {
    };

    @Inject
    EntityManager em;
    @Inject
    SecretKeyring keyring;

    /** What a rotation did: the key everything is now under, and what was under which key before. */
    public record Rotation(String keyId, int secrets, int values, Map<String, Integer> valuesByPreviousKey,
                           List<ResourceKey> rotated) {
    }

    /** A stored ciphertext with the identity its associated data names (for rotation checks and tests). */
    public record StoredValue(ResourceKey secret, String uid, String dataKey, SecretCipher.Sealed sealed) {
    }

    // ---- the resources row's side ----------------------------------------------------

    /** The spec document of a Secret's resources row: digests by key, sorted. It changes exactly when a value does. */
    static String digestDocument(Secret s) {
        SortedMap<String, String> digests = new TreeMap<>();
        s.values().forEach((k, v) -> digests.put(k, SecretCipher.digest(v)));
        return ResourceCodec.toJson(digests);
    }

    /** Shows a decoded Secret its digests (status.digests), from its row's spec document. */
    static void showDigests(Secret s, String specDocument) {
        if (s.getStatus() == null) {
            s.setStatus(new SecretStatus());
        }
        s.getStatus().digests = digests(specDocument);
    }

    static Map<String, String> digests(String specDocument) {
        try {
            return ResourceCodec.JSON.readValue(specDocument, DIGESTS);
        } catch (Exception e) {
            throw new IllegalStateException("the stored digests of a Secret do not parse", e);
        }
    }

    /** Replaces the row's stored values with the Secret's, each sealed under the current key. In the caller's transaction. */
    void write(ResourceRecord row, Secret s) {
        em.createQuery("delete from SecretValueRecord where resourceId = ?1").setParameter(1, row.id).executeUpdate();
        SecretCipher cipher = keyring.cipher();
        for (var e : s.values().entrySet()) {
            SecretValueRecord v = new SecretValueRecord();
            v.resourceId = row.id;
            v.dataKey = e.getKey();
            seal(v, cipher, row.uid, e.getValue());
            em.persist(v);
        }
    }

    // ---- reads -------------------------------------------------------------------------

    /**
     * One value, decrypted, provided it still has the digest the caller planned with (so a
     * container's config hash never claims a value it does not hold).
     */
    @Transactional
    public byte[] value(String namespace, String name, String key, String expectedDigest) {
        String what = "Secret " + namespace + "/" + name;
        ResourceRecord row = em.createQuery("from ResourceRecord where kind = 'Secret' and namespace = ?1 and name = ?2", ResourceRecord.class)
                .setParameter(1, namespace).setParameter(2, name).getResultStream().findFirst()
                .orElseThrow(() -> new SecretUnavailableException(what + " not found"));
        SecretValueRecord v = em.createQuery("from SecretValueRecord where resourceId = ?1 and dataKey = ?2", SecretValueRecord.class)
                .setParameter(1, row.id).setParameter(2, key).getResultStream().findFirst()
                .orElseThrow(() -> new SecretUnavailableException(what + " has no key " + key));
        byte[] plain;
        try {
            plain = keyring.cipher().open(sealed(v), SecretCipher.associatedData(row.uid, key));
        } catch (SecretCipher.DecryptionException e) {
            throw new SecretUnavailableException(what + " key " + key + " cannot be decrypted: " + e.getMessage());
        }
        if (!MessageDigest.isEqual(SecretCipher.digest(plain).getBytes(), expectedDigest.getBytes())) {
            throw new SecretUnavailableException(what + " key " + key + " changed while Mooring was acting on it; it will look again");
        }
        return plain;
    }

    /** Every stored ciphertext, sealed as it is. */
    @Transactional
    public List<StoredValue> storedValues() {
        Map<Long, ResourceRecord> rows = secretRows();
        List<StoredValue> out = new ArrayList<>();
        for (SecretValueRecord v : em.createQuery("from SecretValueRecord order by resourceId, dataKey", SecretValueRecord.class).getResultList()) {
            ResourceRecord r = rows.get(v.resourceId);
            out.add(new StoredValue(new ResourceKey(Kind.valueOf(r.kind), r.namespace, r.name), r.uid, v.dataKey, sealed(v)));
        }
        return out;
    }

    // ---- rotation ----------------------------------------------------------------------

    /**
     * Re-encrypts every stored value under the current key, each with a fresh nonce, in one
     * transaction: when any value does not open (its key is not configured), nothing changes and
     * the exception names every such Secret and key ID.
     */
    @Transactional
    public Rotation rotate() {
        SecretCipher cipher = keyring.cipher();
        Map<Long, ResourceRecord> rows = secretRows();
        List<SecretValueRecord> values = em.createQuery("from SecretValueRecord order by resourceId, dataKey", SecretValueRecord.class)
                .getResultList();
        List<String> unopenable = new ArrayList<>();
        for (SecretValueRecord v : values) {
            if (!cipher.canOpen(v.keyId)) {
                ResourceRecord r = rows.get(v.resourceId);
                unopenable.add("Secret " + r.namespace + "/" + r.name + " key " + v.dataKey + " (key " + v.keyId + ")");
            }
        }
        if (!unopenable.isEmpty()) {
            throw new SecretUnavailableException("cannot rotate: " + unopenable.size() + " values are encrypted under keys that are "
                    + "not configured; add them to mooring.secrets.previous-keys: " + String.join(", ", unopenable));
        }
        Map<String, Integer> byKey = new TreeMap<>();
        Map<Long, ResourceKey> rotated = new LinkedHashMap<>();
        for (SecretValueRecord v : values) {
            ResourceRecord r = rows.get(v.resourceId);
            byte[] aad = SecretCipher.associatedData(r.uid, v.dataKey);
            byte[] plain;
            try {
                plain = cipher.open(sealed(v), aad);
            } catch (SecretCipher.DecryptionException e) {
                throw new SecretUnavailableException("cannot rotate: Secret " + r.namespace + "/" + r.name + " key " + v.dataKey
                        + " does not decrypt: " + e.getMessage());
            }
            byKey.merge(v.keyId, 1, Integer::sum);
            seal(v, cipher, r.uid, plain);
            java.util.Arrays.fill(plain, (byte) 0);
            rotated.put(v.resourceId, new ResourceKey(Kind.valueOf(r.kind), r.namespace, r.name));
        }
        em.flush();
        return new Rotation(cipher.currentKeyId(), rotated.size(), values.size(), byKey, List.copyOf(rotated.values()));
    }

    /** At start: says which stored values no configured key opens (their Apps will wait until it is configured). */
    void checkKeys(@Observes StartupEvent ev) {
        SecretCipher cipher = keyring.cipher();
        Map<String, Long> counts = new HashMap<>();
        for (Object[] a : em.createQuery("select keyId, count(*) from SecretValueRecord group by keyId", Object[].class).getResultList()) {
            counts.put((String) a[0], (Long) a[1]);
        }
        counts.forEach((keyId, n) -> {
            if (!cipher.canOpen(keyId)) {
                LOG.warnf("secrets: %d stored values are encrypted under key %s, which is not configured; they cannot be used until "
                        + "it is given in mooring.secrets.previous-keys (or as the current key)", n, keyId);
            } else if (!keyId.equals(cipher.currentKeyId())) {
                LOG.infof("secrets: %d stored values are still encrypted under the previous key %s; POST /api/v1alpha1/secrets/rotate "
                        + "re-encrypts them under %s", n, keyId, cipher.currentKeyId());
            }
        });
    }

    // ---- internals ---------------------------------------------------------------------

    private Map<Long, ResourceRecord> secretRows() {
        Map<Long, ResourceRecord> rows = new HashMap<>();
        em.createQuery("from ResourceRecord where kind = 'Secret'", ResourceRecord.class).getResultList().forEach(r -> rows.put(r.id, r));
        return rows;
    }

    private static void seal(SecretValueRecord v, SecretCipher cipher, String uid, byte[] plain) {
        SecretCipher.Sealed sealed = cipher.seal(plain, SecretCipher.associatedData(uid, v.dataKey));
        v.keyId = sealed.keyId();
        v.nonce = Base64.getEncoder().encodeToString(sealed.nonce());
        v.ciphertext = Base64.getEncoder().encodeToString(sealed.ciphertext());
    }

    private static SecretCipher.Sealed sealed(SecretValueRecord v) {
        return new SecretCipher.Sealed(v.keyId, Base64.getDecoder().decode(v.nonce), Base64.getDecoder().decode(v.ciphertext));
    }
}
