package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.AppStatus;
import dev.mooring.api.Secret;
import dev.mooring.docker.EngineView;
import dev.mooring.docker.ObservedContainer;
import dev.mooring.store.DesiredState;
import dev.mooring.store.Revisions;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The plan of one App: the loop's own steps over a read-only view, as compose's dry-run client
 * does it (its engine is an {@link EngineView}, which cannot change anything). It observes as the
 * loop does (from the engine's watched view), computes the target with the loop's {@link AppTarget#of} and
 * {@link AppWaits#of} (its revisions only looked up, its image the one the engine has, a build's
 * the one it would make), decides the first pass with the loop's {@link AppDecision#of} (so a
 * rollout that fails in it is rolled back in the plan too), and lets {@link AppPreview} run
 * {@link AppPlanner#decide} pass after pass. Nothing is pulled, built, created or recorded.
 * <p>
 * Where the loop would wait for Networks, Volumes or the Apps it depends on, the plan says so
 * ({@code waitingFor}) and shows what the loop does once the wait is over; a wait for Secrets
 * leaves the configuration unknown, so it shows nothing.
 */
final class AppPlan {
    /** The image a build would produce (its tag names the context's digest); throws when the context cannot be read. */
    interface ExpectedImage {
        String of(App app);
    }

    private final EngineView engine;
    private final DesiredState store;
    private final Revisions revisions;
    private final ExpectedImage built;
    private final Clock clock;

    AppPlan(EngineView engine, DesiredState store, Revisions revisions, ExpectedImage built, Clock clock) {
        this.engine = engine;
        this.store = store;
        this.revisions = revisions;
        this.built = built;
        this.clock = clock;
    }

    /**
     * @param secretsOf the Secrets of the App's namespace by name (the store's, and those a dry run would store)
     * @param previous  the status the loop works from (the stored one, for a dry run's App that carries none)
     */
    ResourcePlan plan(App app, Function<String, Optional<Secret>> secretsOf, AppStatus previous) {
        String ns = app.namespace();
        String name = app.name();
        List<ObservedContainer> observed = engine.listContainers(DesiredApp.ownerLabels(ns, name));
        Instant now = clock.instant();
        List<String> notes = new ArrayList<>();
        if (app.isDeleting()) {
            return outcome(app, AppPreview.preview(DesiredApp.gone(ns, name), RolloutState.of(observed, now), h -> Optional.empty()), null, notes);
        }
        AppSpec spec = app.getSpec();
        if (Boolean.TRUE.equals(spec.suspend)) {
            notes.add("spec.suspend is true: Mooring leaves this App alone");
            return ResourcePlan.of("App", ns, name, List.of(), null, notes);
        }
        Map<String, Map<String, String>> digests = new HashMap<>();
        AppWaits waits = AppWaits.of(app, store, secretsOf, digests);
        if (waits.secrets() != null) {
            notes.add("the containers' configuration is known once the Secrets it uses are there");
            return ResourcePlan.of("App", ns, name, List.of(), waits.secrets(), notes);
        }
        String image = spec.image;
        if (spec.build != null) {
            try {
                image = built.of(app);
            } catch (RuntimeException e) {
                notes.add("the build context cannot be read (" + e.getMessage() + "): the build would fail and the running containers stay");
                return ResourcePlan.of("App", ns, name, List.of(), null, notes);
            }
        }
        String imageId = engine.imageId(image);
        imageNotes(spec, image, imageId, notes);
        AppTarget t = AppTarget.of(app, previous, digests, image, null, imageId, RevisionView.lookingUp(revisions), secretsOf);
        if (t.rollingBack()) {
            notes.add("revision " + t.revision() + " failed; the App stays on revision " + t.rollbackTo().number() + " until the spec changes");
        }
        // the loop's own decide step: a rollout that fails in the next pass is rolled back in it
        RolloutState state = t.state(observed, now, true);
        AppDecision d = AppDecision.of(app, t, state, RevisionView.lookingUp(revisions), secretsOf);
        if (d.failure() != null && d.failure().rollbackTo() != null) {
            notes.add(d.failure().event().message());
        }
        String uid = app.getMetadata().getUid();
        AppPreview.Outcome o = AppPreview.preview(d.target().target(), d.start(state),
                hash -> uid == null ? Optional.empty() : revisions.template(uid, hash));
        return outcome(app, o, waits.beforeChanges(), notes);
    }

    /** What the plan cannot know of the image: a build or a pull first, or a pull that may bring another image. */
    private void imageNotes(AppSpec spec, String image, String imageId, List<String> notes) {
        String policy = spec.build != null ? "Never" : spec.imagePullPolicy == null ? "IfNotPresent" : spec.imagePullPolicy;
        if (imageId == null && spec.build != null) {
            notes.add("the loop builds " + image + " from " + spec.build.context + " first");
        } else if (imageId == null) {
            notes.add("Never".equals(policy) ? "image " + spec.image + " is not on engine " + engine.name()
                    + " and imagePullPolicy is Never: the App would fail with ImageUnavailable"
                    : "image " + spec.image + " is not on engine " + engine.name() + ": the loop pulls it first");
        } else if ("Always".equals(policy)) {
            notes.add("imagePullPolicy is Always: a pull may bring another image for " + spec.image + ", which would roll out too");
        }
    }

    private static ResourcePlan outcome(App app, AppPreview.Outcome o, String waitingFor, List<String> notes) {
        List<String> all = new ArrayList<>(notes);
        all.addAll(o.notes());
        return ResourcePlan.of("App", app.namespace(), app.name(), o.changes(), waitingFor, all);
    }
}
