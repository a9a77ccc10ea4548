package dev.mooring.write;

import dev.mooring.security.AuditLog;
import dev.mooring.store.ResourceStore.Outcome;

/** Who a write is for, which decides where its audit lines go and what they say. */
public sealed interface Actor {
    /**
     * The REST caller of the current request: each change goes to the request's audit trail under
     * {@code verb} (create, update, apply, import, rollback, delete), which the audit filter writes
     * with the caller and the answer's status. {@code note} replaces the outcome in the detail
     * (like "to revision 3"); null keeps it.
     */
    record Caller(String verb, String note) implements Actor {
        /** The detail of one change: the note, or the outcome, marked when nothing was stored. */
        String detail(Outcome outcome, boolean dryRun) {
            String what = note != null ? note : outcome == Outcome.deleted ? "deletion started" : outcome.name();
            return what + (dryRun ? " (dry run, nothing stored)" : "");
        }
    }

    /**
     * A source writing on its own, with no request behind it: {@code user} is the source
     * ({@value AuditLog#GIT_USER}, {@value AuditLog#CRD_USER}) and {@code why} what made it write
     * (a commit, a custom resource's generation). A dry run of a source is its own look ahead
     * and leaves no line.
     */
    record Source(String user, String why) implements Actor {
    }

    static Actor caller(String verb) {
        return new Caller(verb, null);
    }

    static Actor caller(String verb, String note) {
        return new Caller(verb, note);
    }

    static Actor git(String why) {
        return new Source(AuditLog.GIT_USER, why);
    }

    static Actor crd(String why) {
        return new Source(AuditLog.CRD_USER, why);
    }
}
