package dev.mooring.security;

import dev.mooring.store.TokenStore;
import dev.mooring.store.TokenStore.Token;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Bearer tokens: made here (256 random bits, shown once), kept in the store as a SHA-256 only,
 * and checked on every request against an in-memory copy of the token table, so that the
 * check never waits for the database on the HTTP event loop. The copy is refreshed after every
 * change made here and every few seconds (for changes another Mooring on the same database made).
 * <p>
 * A token is looked up by its hash. Comparing hashes leaks nothing useful through timing (an
 * attacker cannot choose a hash's preimage), and the final comparison is constant-time anyway.
 * <p>
 * The first admin token: {@code mooring.admin-token} (env {@code MOORING_ADMIN_TOKEN}) when set,
 * kept as the token named {@code admin} with origin {@code config}; otherwise, when the token
 * table is empty (the very first start), one is generated and printed to the log, once.
 */
@ApplicationScoped
public class Tokens {
    private static final Logger LOG = Logger.getLogger(Tokens.class);
    public static final String PREFIX = "mr_";
    static final String BOOTSTRAP_NAME = "admin";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    TokenStore store;
    @ConfigProperty(name = "mooring.admin-token")
    Optional<String> configuredAdminToken;

    /** Every stored token by its hash; replaced as a whole, never changed in place. */
    private volatile Map<String, Token> byHash = Map.of();

    /** The result of checking a bearer token: a caller, or why not. */
    public record Check(Caller caller, String problem) {
    }

    // Runs before the control loop starts (MooringStartup), so the first request finds the tokens.
    void onStart(@Observes @Priority(10) StartupEvent ev) {
        bootstrap();
    }

    /** A new random token, like {@code mr_Xk3...} (43 base64url characters: 256 bits). */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks a bearer token (null when the request had none) at the given time. */
    public Check check(String bearer, Instant now) {
        if (bearer == null || bearer.isBlank()) {
            return new Check(null, "this request needs a token: send the header Authorization: Bearer <token>");
        }
        String h = hash(bearer.trim());
        Token t = byHash.get(h);
        if (t == null || !MessageDigest.isEqual(t.tokenHash().getBytes(StandardCharsets.US_ASCII), h.getBytes(StandardCharsets.US_ASCII))) {
            return new Check(null, "the bearer token is not valid");
        }
        if (t.revokedAt() != null) {
            return new Check(null, "token " + t.name() + " (" + t.id() + ") was revoked at " + t.revokedAt());
        }
        if (t.expiresAt() != null && !now.isBefore(t.expiresAt())) {
            return new Check(null, "token " + t.name() + " (" + t.id() + ") expired at " + t.expiresAt());
        }
        return new Check(caller(t), null);
    }

    public static Caller caller(Token t) {
        Map<String, Role> roles = new LinkedHashMap<>();
        t.roles().forEach((ns, role) -> Role.byName(role).ifPresent(r -> roles.put(ns, r)));
        return new Caller(t.id(), t.name(), Map.copyOf(roles));
    }

    /** Stores a new token and answers it with its secret, which is not kept anywhere. */
    public Created create(String name, Map<String, Role> roles, Instant expiresAt, String createdBy) {
        String secret = newSecret();
        Instant expires = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
        Token t = store.insert(new Token(newId(), name, hash(secret), names(roles), TokenStore.ORIGIN_API, now(), createdBy, expires, null));
        refresh();
        return new Created(t, secret);
    }

    public record Created(Token token, String secret) {
    }

    public Optional<Token> revoke(String id) {
        Optional<Token> t = store.revoke(id, now());
        refresh();
        return t;
    }

    public List<Token> list() {
        return store.all();
    }

    public Optional<Token> find(String id) {
        return store.find(id);
    }

    /** Whether an active (not revoked) token has this name. */
    public boolean activeNameTaken(String name) {
        return byHash.values().stream().anyMatch(t -> t.name().equals(name) && t.revokedAt() == null
                && (t.expiresAt() == null || t.expiresAt().isAfter(Instant.now())));
    }

    @Scheduled(every = "${mooring.auth.token-refresh:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            byHash = store.all().stream().collect(Collectors.toUnmodifiableMap(Token::tokenHash, Function.identity()));
            if (refreshFailing) {
                refreshFailing = false;
                LOG.info("token table read again; the copy is current");
            }
        } catch (RuntimeException e) {
            // the database is away (issue 10): requests go on being checked against the last copy
            if (!refreshFailing) {
                refreshFailing = true;
                LOG.warnf("cannot read the token table (%s); checking tokens against the copy read before", e.toString());
            }
        }
    }

    /** Whether the last refresh failed: the failure is logged once, not on every tick. */
    private volatile boolean refreshFailing;

    void bootstrap() {
        Optional<Token> fromConfig = store.all().stream().filter(t -> TokenStore.ORIGIN_CONFIG.equals(t.origin())).findFirst();
        String configured = configuredAdminToken.map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
        if (configured != null) {
            String h = hash(configured);
            if (fromConfig.isEmpty()) {
                store.insert(new Token(newId(), BOOTSTRAP_NAME, h, Map.of(Caller.ALL_NAMESPACES, Role.admin.name()),
                        TokenStore.ORIGIN_CONFIG, now(), "mooring.admin-token", null, null));
                LOG.info("Admin token: the one given in mooring.admin-token (MOORING_ADMIN_TOKEN), as token \"admin\"");
            } else if (!fromConfig.get().tokenHash().equals(h) || fromConfig.get().revokedAt() != null) {
                store.replaceSecret(fromConfig.get().id(), h);
                LOG.info("Admin token: mooring.admin-token (MOORING_ADMIN_TOKEN) is valid again as token \"admin\"; the previous value no longer is");
            }
        } else if (fromConfig.isPresent() && fromConfig.get().revokedAt() == null) {
            store.revoke(fromConfig.get().id(), now());
            LOG.info("Admin token: mooring.admin-token is no longer set, so the token it made (\"admin\") is revoked");
        } else if (store.count() == 0) {
            String secret = newSecret();
            store.insert(new Token(newId(), BOOTSTRAP_NAME, hash(secret), Map.of(Caller.ALL_NAMESPACES, Role.admin.name()),
                    TokenStore.ORIGIN_GENERATED, now(), "first start", null, null));
            // Printed this once: later starts find the table not empty. Lost it? Start with MOORING_ADMIN_TOKEN set.
            LOG.infof("%n%n    First start: generated the admin token. It is shown only now; keep it:%n%n        %s%n%n"
                    + "    Use it as  curl -H \"Authorization: Bearer <token>\" ...  and create other tokens with it (README, Authentication).%n", secret);
        }
        refresh();
    }

    private static Map<String, String> names(Map<String, Role> roles) {
        Map<String, String> m = new LinkedHashMap<>();
        roles.forEach((ns, r) -> m.put(ns, r.name()));
        return m;
    }

    private static String newId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
