package dev.mooring.source.git;

import dev.mooring.api.Condition;
import dev.mooring.api.GitRepository;
import dev.mooring.api.GitRepositoryStatus;
import dev.mooring.api.GitRepositoryStatus.PendingChange;
import dev.mooring.api.GitRepositoryStatus.PruneConfirmation;
import dev.mooring.api.ResourceKey;
import dev.mooring.store.ResourceStore.Outcome;
import dev.mooring.store.ResourceStore.Written;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a checked commit leaves in its GitRepository's status: applied (the lists of what
 * changed, Synced), or waiting for a prune's confirmation. Status fields and conditions only;
 * the sync fires the events with the messages these answer.
 */
final class SyncStatus {
    private SyncStatus() {
    }

    /** The changes a dry run found, in the words of {@code status.pendingChanges}; unchanged resources are none. */
    static List<PendingChange> pendingChanges(List<Written> preview) {
        List<PendingChange> out = new ArrayList<>();
        for (Written w : preview) {
            String action = switch (w.outcome()) {
                case created -> "create";
                case configured -> "configure";
                case deleted -> "prune";
                case unchanged -> null;
            };
            if (action != null) {
                out.add(new PendingChange(w.resource().getKind(), w.resource().name(), action));
            }
        }
        return out;
    }

    /** "create 1, configure 0 and prune 2 resources". */
    static String counts(List<PendingChange> pending) {
        long create = pending.stream().filter(p -> p.action.equals("create")).count();
        long configure = pending.stream().filter(p -> p.action.equals("configure")).count();
        long prune = pending.stream().filter(p -> p.action.equals("prune")).count();
        return "create " + create + ", configure " + configure + " and prune " + prune + " resources";
    }

    /**
     * A commit that would prune more than the repository's share waits for a person: nothing
     * is changed, {@code status.pruneConfirmation} says what and how to confirm. Answers the message.
     */
    static String awaitConfirmation(GitRepositoryStatus s, GitRepository repo, String commit, List<ResourceKey> prune,
                                    int ownedCount, double ratio, Instant now) {
        PruneConfirmation c = new PruneConfirmation();
        c.commit = commit;
        c.prune = prune.stream().map(k -> k.kind() + "/" + k.name()).toList();
        c.pruneCount = prune.size();
        c.ownedCount = ownedCount;
        c.ratio = ratio;
        s.pruneConfirmation = c;
        s.lastError = null;
        String msg = "commit " + GitSync.shortId(commit) + " would delete " + c.pruneCount + " of the " + c.ownedCount
                + " resources this repository owns (" + String.join(", ", c.prune) + "), more than its share " + ratio
                + "; nothing was changed. Confirm with POST /api/v1alpha1/namespaces/" + repo.namespace() + "/gitrepositories/" + repo.name()
                + "/confirm?commit=" + commit;
        s.setCondition(GitRepositoryStatus.PRUNE_CONFIRMATION_REQUIRED, true, "PruneExceedsRatio", msg, now);
        s.setCondition(GitRepositoryStatus.SYNCED, false, "PruneConfirmationRequired", msg, now);
        s.setCondition(Condition.READY, false, "PruneConfirmationRequired", msg, now);
        return msg;
    }

    /**
     * The commit is applied: what it created, configured, left unchanged and pruned, what left
     * Git but stays ({@code notPruned}, prune off), and nothing waits any more. Answers the summary.
     */
    static String synced(GitRepositoryStatus s, String commit, List<Written> written, List<String> notPruned, Instant now) {
        Map<Outcome, List<String>> by = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            by.put(o, new ArrayList<>());
        }
        written.forEach(w -> by.get(w.outcome()).add(CommitManifests.id(w.resource())));
        s.created = by.get(Outcome.created);
        s.configured = by.get(Outcome.configured);
        s.unchanged = by.get(Outcome.unchanged);
        s.pruned = by.get(Outcome.deleted);
        s.notPruned = notPruned;
        if (!commit.equals(s.lastSyncedCommit)) {
            s.previousSyncedCommit = s.lastSyncedCommit;
        }
        s.lastSyncedCommit = commit;
        s.lastError = null;
        s.pendingChanges = null;
        s.pruneConfirmation = null;
        s.nextSync = null;
        GitRepositoryReconciler.clearCondition(s, GitRepositoryStatus.PRUNE_CONFIRMATION_REQUIRED);
        String summary = "commit " + GitSync.shortId(commit) + ": " + s.created.size() + " created, " + s.configured.size() + " configured, "
                + s.unchanged.size() + " unchanged, " + s.pruned.size() + " pruned"
                + (notPruned == null ? "" : ", " + notPruned.size() + " left Git but kept (prune is off)");
        s.setCondition(GitRepositoryStatus.SYNCED, true, "Synced", summary, now);
        s.setCondition(Condition.READY, true, "Synced", summary, now);
        return summary;
    }
}
