package dev.mooring.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.mooring.api.ResourceCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** API tokens as stored: the hash of the secret, never the secret. */
@ApplicationScoped
public class TokenStore {
    public static final String ORIGIN_API = "api";
    public static final String ORIGIN_CONFIG = "config";
    public static final String ORIGIN_GENERATED = "generated";

    @Inject
    EntityManager em;

    /** A stored token. {@code roles} maps a namespace (or {@code *}) to a role name. */
    public record Token(String id, String name, String tokenHash, Map<String, String> roles, String origin,
                        Instant createdAt, String createdBy, Instant expiresAt, Instant revokedAt) {
    }

    @Transactional
    public List<Token> all() {
        return em.createQuery("from TokenRecord order by createdAt, id", TokenRecord.class).getResultStream().map(TokenStore::of).toList();
    }

    @Transactional
    public Optional<Token> find(String id) {
        return Optional.ofNullable(em.find(TokenRecord.class, id)).map(TokenStore::of);
    }

    @Transactional
    public long count() {
        return em.createQuery("select count(t) from TokenRecord t", Long.class).getSingleResult();
    }

    @Transactional
    public Token insert(Token t) {
        TokenRecord r = new TokenRecord();
        r.id = t.id();
        r.name = t.name();
        r.tokenHash = t.tokenHash();
        r.roles = ResourceCodec.toJson(new TreeMap<>(t.roles()));
        r.origin = t.origin();
        r.createdAt = t.createdAt();
        r.createdBy = t.createdBy();
        r.expiresAt = t.expiresAt();
        r.revokedAt = t.revokedAt();
        em.persist(r);
        em.flush();
        return of(r);
    }

    /** Sets revokedAt (once); empty when there is no such token. */
    @Transactional
    public Optional<Token> revoke(String id, Instant at) {
        TokenRecord r = em.find(TokenRecord.class, id);
        if (r == null) {
            return Optional.empty();
        }
        if (r.revokedAt == null) {
            r.revokedAt = at;
        }
        return Optional.of(of(r));
    }

    /** Points a token at a new secret and makes it valid again (the configured admin token after a change). */
    @Transactional
    public void replaceSecret(String id, String tokenHash) {
        TokenRecord r = em.find(TokenRecord.class, id);
        r.tokenHash = tokenHash;
        r.revokedAt = null;
    }

    private static Token of(TokenRecord r) {
        Map<String, String> roles;
        try {
            roles = new LinkedHashMap<>(ResourceCodec.JSON.readValue(r.roles, new TypeReference<TreeMap<String, String>>() { }));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored roles of token " + r.id + " do not parse", e);
        }
        return new Token(r.id, r.name, r.tokenHash, roles, r.origin, r.createdAt, r.createdBy, r.expiresAt, r.revokedAt);
    }
}
