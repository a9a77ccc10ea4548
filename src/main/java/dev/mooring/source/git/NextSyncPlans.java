package dev.mooring.source.git;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.api.GitRepositoryStatus.NextSync;
import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceCodec;
import dev.mooring.reconcile.PlanPreview;
import dev.mooring.reconcile.ResourcePlan;
import dev.mooring.store.ResourceStore.Outcome;
import dev.mooring.store.ResourceStore.Written;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code status.nextSync}: the plan of a commit that waits (suspended, or for a prune
 * confirmation) from the store's dry run of its sync, as {@link PlanPreview} computes it against
 * the engines, reading only. Kept small enough for a status: see {@link NextSync}.
 */
@ApplicationScoped
public class NextSyncPlans {
    private static final Logger LOG = Logger.getLogger(NextSyncPlans.class);

    @Inject
    PlanPreview plans;

    /**
     * The engine-level plan of a waiting commit: one {@link ResourcePlan} per resource its sync
     * creates, configures or prunes (a prune planned as the deletion it is), bounded in size.
     */
    NextSync of(String commit, String waitingFor, List<Written> preview, Instant now) {
        NextSync n = new NextSync();
        n.commit = commit;
        n.waitingFor = waitingFor;
        n.computedAt = now.toString();
        List<MooringResource<?, ?>> changed = new ArrayList<>();
        for (Written w : preview) {
            if (w.outcome() == Outcome.unchanged) {
                continue;
            }
            MooringResource<?, ?> r = w.resource();
            if (w.outcome() == Outcome.deleted && !r.isDeleting()) {
                r.getMetadata().setDeletionTimestamp(now.toString()); // a dry run's copy: planned as being deleted
            }
            changed.add(r);
        }
        int kept = Math.min(changed.size(), NextSync.MAX_PLANS);
        n.omittedPlans = changed.size() > kept ? changed.size() - kept : null;
        try {
            n.plans = plans.preview(changed.subList(0, kept)).stream().map(NextSyncPlans::bounded)
                    .<JsonNode>map(p -> ResourceCodec.JSON.valueToTree(p)).toList();
        } catch (RuntimeException e) {
            LOG.debugf(e, "plan of %s failed", commit);
            n.plans = List.of();
            n.error = "the plan could not be computed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        return n;
    }

    /** A plan with at most {@link NextSync#MAX_CHANGES} changes; a note counts the rest. */
    static ResourcePlan bounded(ResourcePlan p) {
        if (p.changes().size() <= NextSync.MAX_CHANGES) {
            return p;
        }
        List<String> notes = new ArrayList<>(p.notes());
        notes.add((p.changes().size() - NextSync.MAX_CHANGES) + " more changes are left out: status.nextSync keeps "
                + NextSync.MAX_CHANGES + " per resource");
        return new ResourcePlan(p.kind(), p.namespace(), p.name(), p.classification(), p.changes().subList(0, NextSync.MAX_CHANGES),
                p.waitingFor(), notes, p.error());
    }
}
