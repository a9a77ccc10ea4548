package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * What the last syncs did. {@code lastSyncedCommit} is what the store holds; a commit that
 * could not be applied is {@code lastAttemptedCommit} with {@code lastError}, and changed nothing.
 * Resources are named {@code Kind/name} (all live in the repository's namespace).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitRepositoryStatus extends ResourceStatus {
    /** Condition: the resolved commit is what the store holds. */
    public static final String SYNCED = "Synced";
    /** Condition, present while a sync waits for POST .../confirm. */
    public static final String PRUNE_CONFIRMATION_REQUIRED = "PruneConfirmationRequired";
    /** Why a fetched commit waits ({@link NextSync#waitingFor}, condition reason): {@code spec.suspend} is true. */
    public static final String SUSPENDED = "Suspended";

    public String url;
    public String ref;
    public String lastSyncedCommit;
    /** The synced commit before {@link #lastSyncedCommit}; its checkout is kept too. */
    public String previousSyncedCommit;
    public String lastAttemptedCommit;
    /** When the last sync (successful or not) started, ISO-8601. */
    public String lastSyncTime;
    /** Why {@link #lastAttemptedCommit} was not applied; null after a successful sync. */
    public SyncError lastError;
    /** The directory holding the checkout of {@link #lastSyncedCommit}: where build contexts and bind paths resolve. */
    public String checkout;
    public List<String> created;
    public List<String> configured;
    public List<String> unchanged;
    public List<String> pruned;
    /** Resources this repository applied that have left it but stay, because {@code prune} is off. */
    public List<String> notPruned;
    /** Warnings of the compose translation, named by file and key. */
    public List<String> warnings;
    /** What the next sync will do (store level), computed with a dry run: set while it waits or failed. */
    public List<PendingChange> pendingChanges;
    /** Set while a sync waits for a person to confirm its prune. */
    public PruneConfirmation pruneConfirmation;
    /** The engine-level plan of a commit that was fetched and checked but not applied; null once it is synced. */
    public NextSync nextSync;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SyncError {
        public String commit;
        public String message;
        public List<FileError> errors = new ArrayList<>();
    }

    /** One error: the file (relative to the repository root), the resource and the field it is about. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class FileError {
        public String file;
        public String object;
        public String field;
        public String message;

        public FileError() {
        }

        public FileError(String file, String object, String field, String message) {
            this.file = file;
            this.object = object;
            this.field = field;
            this.message = message;
        }
    }

    /** One resource the next sync touches: {@code create}, {@code configure} or {@code prune}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PendingChange {
        public String kind;
        public String name;
        public String action;

        public PendingChange() {
        }

        public PendingChange(String kind, String name, String action) {
            this.kind = kind;
            this.name = name;
            this.action = action;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PruneConfirmation {
        /** The commit this confirmation is for; POST .../confirm?commit= must name it. */
        public String commit;
        /** Resources the sync would delete. */
        public List<String> prune;
        public int pruneCount;
        /** Resources this repository owns now. */
        public int ownedCount;
        public double ratio;
    }

    /**
     * What the sync of a fetched, valid commit will do on the engines, before it runs: one plan
     * (the JSON of {@code dev.mooring.reconcile.ResourcePlan}, as {@code GET .../plan} answers)
     * per resource the commit creates, changes or prunes. Bounded: at most
     * {@code MAX_PLANS} plans of at most {@code MAX_CHANGES} changes each; what is left out is
     * counted in {@link #omittedPlans} and in a note of the cut plan.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class NextSync {
        public static final int MAX_PLANS = 50;
        public static final int MAX_CHANGES = 20;

        /** The commit that waits. */
        public String commit;
        /** Why it waits: {@code Suspended} or {@code PruneConfirmationRequired}. */
        public String waitingFor;
        /** When the plans were computed against the engines, ISO-8601. */
        public String computedAt;
        public List<JsonNode> plans;
        /** Resources the commit changes beyond {@link #MAX_PLANS}, without a plan here. */
        public Integer omittedPlans;
        /** Why no plan could be computed, or null. */
        public String error;
    }
}
