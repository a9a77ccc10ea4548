package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.Secret;
import dev.mooring.store.RevisionStore.Revision;

import java.util.Optional;
import java.util.function.Function;

/**
 * The decide step of an App's pass, shared by the loop and the plan: the planner's decision for
 * the target and, when the rollout fails in this very pass, the rollout machine's turn (with
 * {@code failureAction: rollback}, the target becomes the last revision that completed and the
 * planner decides again for it). Without I/O beyond the revisions view it is given.
 *
 * @param target   the target the pass works towards (the rollback's, after a failure)
 * @param decision the planner's decision for it
 * @param failure  the rollout failed in this pass (not before, for this generation); null otherwise
 */
record AppDecision(AppTarget target, AppPlanner.Decision decision, RolloutMachine.Failure failure) {

    static AppDecision of(App app, AppTarget t, RolloutState state, RevisionView revisions,
                          Function<String, Optional<Secret>> secretsOf) {
        AppPlanner.Decision d = AppPlanner.decide(t.target(), state);
        if (!d.rolloutFailed() || t.failedHere()) {
            return new AppDecision(t, d, null);
        }
        String action = t.desired().update().failureAction();
        Optional<Revision> good = "rollback".equals(action) ? revisions.lastGood(app, t.revision()) : Optional.empty();
        RolloutMachine.Failure f = RolloutMachine.failed(t.rollout(), t.revision(), app.getMetadata().getGeneration(), t.imageId(),
                d.rolloutFailures(), action, good.map(Revision::number).orElse(null));
        if (f.rollbackTo() == null) {
            return new AppDecision(t, d, f);
        }
        AppTarget back = t.rollingBackTo(app, good.get(), secretsOf);
        return new AppDecision(back, AppPlanner.decide(back.target(), back.underWay(state)), f);
    }

    /** The state a rollback just decided starts from: the same containers, with the rollout of the revision returned to under way. */
    RolloutState start(RolloutState state) {
        return failure != null && failure.rollbackTo() != null ? target.underWay(state) : state;
    }
}
