package dev.mooring.store;

import jakarta.persistence.OptimisticLockException;
import org.hibernate.StaleStateException;

import java.sql.SQLIntegrityConstraintViolationException;

/**
 * A write that lost a race with another write of the same resource: the row changed between its
 * read and its write (an optimistic-lock failure), or another request created the same name at
 * the same moment. Trying the write again may succeed; the REST API answers 409 once it gives up.
 * The store throws this in place of Hibernate's and JPA's exceptions ({@link TranslatesConflicts}),
 * so callers decide by type rather than by class name.
 */
public class WriteConflictException extends RuntimeException {
    static final String CHANGED = "the resource was changed by another request at the same time; read it again and retry";
    static final String CREATED = "a resource of that kind and name was created by another request at the same time";

    public WriteConflictException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The conflict somewhere in {@code t}'s cause chain (transactions wrap what they throw), or null. */
    public static WriteConflictException in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof WriteConflictException w) {
                return w;
            }
        }
        return null;
    }

    /**
     * {@code e} as a conflict when a lost race is its cause, else {@code e} itself. A race found at
     * commit arrives as the transaction's checked RollbackException, with the race as its cause.
     */
    static Exception translated(Exception e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof WriteConflictException w) {
                return w;
            }
            if (c instanceof OptimisticLockException || c instanceof StaleStateException) {
                return new WriteConflictException(CHANGED, e);
            }
            if (isIdentityViolation(c)) {
                return new WriteConflictException(CREATED, e);
            }
        }
        return e;
    }

    /** The unique key of (kind, namespace, name): two creates of one name raced. */
    private static boolean isIdentityViolation(Throwable c) {
        boolean constraint = c instanceof org.hibernate.exception.ConstraintViolationException
                || c instanceof SQLIntegrityConstraintViolationException;
        return constraint && String.valueOf(c.getMessage()).toLowerCase().contains("resources_identity");
    }
}
