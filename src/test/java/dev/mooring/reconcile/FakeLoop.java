package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppSpec;
import dev.mooring.api.AppStatus;
import dev.mooring.control.Result;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The App path over in-memory fakes: the loop's pass ({@link AppPass}) and the plan ({@link AppPlan})
 * over the same desired state, revisions and engine, on a clock the test moves. No Quarkus, no engine.
 */
final class FakeLoop {
    static final String NS = "default";
    static final String IMAGE_ID = "sha256:" + "1".repeat(64);

    final MovingClock clock = new MovingClock(Instant.parse("2026-01-01T00:00:00Z"));
    final FakeEngine engine = new FakeEngine(clock);
    final FakeDesiredState store = new FakeDesiredState();
    final FakeRevisions revisions = new FakeRevisions();
    final List<String> events = new ArrayList<>();
    /** The operations the last pass performed, in order. */
    final List<String> performed = new ArrayList<>();

    FakeLoop() {
        engine.images.put("nginx:1.27", IMAGE_ID);
    }

    /** Stores the App {@code name} with this spec, as a new generation of it. */
    App apply(String name, Consumer<AppSpec> customize) {
        App app = store.find(App.class, NS, name).orElse(null);
        long generation = app == null ? 1 : app.getMetadata().getGeneration() + 1;
        AppStatus status = app == null ? null : app.getStatus();
        app = new App();
        app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).withUid("uid-" + name).withGeneration(generation).build());
        AppSpec spec = new AppSpec();
        spec.image = "nginx:1.27";
        customize.accept(spec);
        app.setSpec(spec);
        app.setStatus(status);
        store.put(app);
        return app;
    }

    App stored(String name) {
        return store.find(App.class, NS, name).orElseThrow();
    }

    /** One pass of the loop over the App as stored: observe, then {@link AppPass#run}. */
    Result reconcile(String name) {
        App app = stored(name);
        performed.clear();
        AppPass.Images images = new AppPass.Images() {
            public String resolve(String image, String pullPolicy) {
                return engine.imageId(image);
            }

            public String pullFailure(String image) {
                return null;
            }
        };
        AppPass.Recorder recorder = new AppPass.Recorder() {
            public void status(AppStatus s) {
                app.setStatus(s);
                store.put(app);
            }

            public void event(String type, String reason, String message) {
                events.add(type + " " + reason + ": " + message);
            }
        };
        AppPass.Executor executor = (plan, done) -> PlanExecutor.execute(engine, plan, (s, k, d) -> {
            throw new IllegalStateException("no Secret values in these tests");
        }, PlanExecutor.HostMounts.NONE, op -> {
            performed.add(op.describe());
            done.accept(op);
        });
        AppPass pass = new AppPass(app, engine, store, revisions, images, digests -> {
            throw new IllegalStateException("no builds in these tests");
        }, executor, recorder, clock);
        return pass.run(engine.listContainers(DesiredApp.ownerLabels(NS, name)));
    }

    /** The plan of the App as stored, as {@code GET .../apps/{name}/plan} computes it. */
    ResourcePlan plan(String name) {
        App app = stored(name);
        AppPlan plan = new AppPlan(engine, store, revisions, a -> {
            throw new IllegalStateException("no builds in these tests");
        }, clock);
        return plan.plan(app, AppPass.secretsOf(store, app), app.getStatus() == null ? new AppStatus() : app.getStatus());
    }

    /** The operations of a plan's first step, when it does not wait (what the next pass performs now), sorted. */
    static List<String> now(ResourcePlan plan) {
        if (plan.changes().isEmpty() || plan.changes().get(0).waitsFor() != null) {
            return List.of();
        }
        return plan.changes().stream().flatMap(c -> c.operations().stream()).filter(l -> l.startsWith("[1] "))
                .map(l -> l.substring(4)).sorted().toList();
    }

    List<String> performedSorted() {
        return performed.stream().sorted().toList();
    }

    /** A clock the test moves on. */
    static final class MovingClock extends Clock {
        private Instant now;

        MovingClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
