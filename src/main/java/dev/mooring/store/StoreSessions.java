package dev.mooring.store;

import io.quarkus.arc.InjectableInstance;
import io.quarkus.hibernate.orm.PersistenceUnit;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;

/**
 * Hands the store the persistence unit of the configured database. Quarkus fixes a
 * datasource's kind at build time, so the jar carries two (H2 and PostgreSQL) over the same
 * entities, and {@code mooring.store.kind} activates one at start-up. (This is also why the
 * store uses Hibernate ORM without Panache: Panache refuses an entity in two persistence units,
 * quarkusio/quarkus#43341.)
 */
@ApplicationScoped
@Startup
public class StoreSessions {
    public static final String H2 = "h2";
    public static final String POSTGRESQL = "postgresql";

    @ConfigProperty(name = "mooring.store.kind", defaultValue = H2)
    String kind;
    @Inject
    @PersistenceUnit("h2")
    InjectableInstance<Session> h2;
    @Inject
    @PersistenceUnit("pg")
    InjectableInstance<Session> pg;

    @PostConstruct
    void check() {
        if (!H2.equals(kind) && !POSTGRESQL.equals(kind)) {
            throw new IllegalArgumentException("mooring.store.kind is \"" + kind + "\"; use h2 (embedded, the default) or postgresql");
        }
    }

    public String kind() {
        return kind;
    }

    @Produces
    @ApplicationScoped
    EntityManager entityManager() {
        return POSTGRESQL.equals(kind) ? pg.get() : h2.get();
    }
}
