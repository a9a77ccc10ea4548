package dev.mooring.store;

import jakarta.persistence.OptimisticLockException;
import org.hibernate.StaleObjectStateException;
import org.junit.jupiter.api.Test;

import java.sql.SQLIntegrityConstraintViolationException;

import static org.assertj.core.api.Assertions.assertThat;

/** The store's translation of Hibernate's and JPA's lost races into its own type. */
class WriteConflictExceptionTest {
    @Test
    void anOptimisticLockFailureAnywhereInTheChainIsAConflict() {
        RuntimeException wrapped = new RuntimeException("commit failed", new OptimisticLockException(new StaleObjectStateException("ResourceRecord", 1L)));
        Exception out = WriteConflictException.translated(wrapped);
        assertThat(out).isInstanceOf(WriteConflictException.class).hasMessage(WriteConflictException.CHANGED).hasCause(wrapped);
        assertThat(WriteConflictException.in(new IllegalStateException(out))).isSameAs(out);
    }

    @Test
    void aRaceFoundAtCommitIsAConflictToo() {
        Exception commit = new jakarta.transaction.RollbackException("ARJUNA016053: Could not commit transaction.");
        commit.initCause(new OptimisticLockException("Unexpected row count"));
        assertThat(WriteConflictException.translated(commit)).isInstanceOf(WriteConflictException.class).hasCause(commit);
    }

    @Test
    void twoCreatesOfOneNameAreAConflictAndOtherConstraintsAreNot() {
        RuntimeException identity = new RuntimeException(new SQLIntegrityConstraintViolationException("Unique index or primary key violation: \"PUBLIC.RESOURCES_IDENTITY\""));
        assertThat(WriteConflictException.translated(identity)).isInstanceOf(WriteConflictException.class).hasMessage(WriteConflictException.CREATED);
        RuntimeException other = new RuntimeException(new SQLIntegrityConstraintViolationException("NULL not allowed for column \"NAME\""));
        assertThat(WriteConflictException.translated(other)).isSameAs(other);
    }

    @Test
    void anythingElsePassesAsItIs() {
        RuntimeException e = new IllegalArgumentException("no");
        assertThat(WriteConflictException.translated(e)).isSameAs(e);
        assertThat(WriteConflictException.in(e)).isNull();
    }
}
