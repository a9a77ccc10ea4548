package dev.mooring.docker;

import dev.mooring.api.Kind;
import dev.mooring.api.Labels;
import dev.mooring.api.ResourceKey;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The watched view's bookkeeping, without an engine: events, relists and their diff, reading one's own writes. */
class ContainerViewTest {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final ContainerView view = new ContainerView(nanos::get);
    static final Map<String, String> WEB = owner("web");

    static Map<String, String> owner(String app) {
        return Map.of(Labels.MANAGED, "true", Labels.KIND, "App", Labels.NAMESPACE, "ns", Labels.NAME, app);
    }

    static ObservedContainer c(String id, String app, String state, String status) {
        return new ObservedContainer(id, "ns-" + app + "-1", owner(app), state, "none", Set.of("bridge"), 100, "sha256:1", status, List.of());
    }

    static final ResourceKey WEB_KEY = new ResourceKey(Kind.App, "ns", "web");
    static final ResourceKey DB_KEY = new ResourceKey(Kind.App, "ns", "db");

    @Test
    void anEventAppliedShowsInTheNextRead() {
        view.replace(view.ticket(), List.of(c("a", "web", "running", "Up 3 seconds")));
        assertThat(view.apply(view.ticket(), "a", Optional.of(c("a", "web", "exited", "Exited (137) 1 second ago")))).isTrue();
        assertThat(view.list(WEB)).extracting(ObservedContainer::state).containsExactly("exited");
        assertThat(view.apply(view.ticket(), "a", Optional.empty())).as("destroyed").isTrue();
        assertThat(view.list(WEB)).isEmpty();
    }

    @Test
    void aRelistFindsWhatTheStreamLostAndNamesTheOwnersThatChanged() {
        view.replace(view.ticket(), List.of(c("a", "web", "running", "Up 3 seconds"), c("b", "db", "running", "Up 3 seconds")));
        // the stream was cut: "a" stopped, "b" was removed, "c" was made by hand, nobody told the view
        Set<ResourceKey> changed = view.replace(view.ticket(), List.of(c("a", "web", "exited", "Exited (0) 2 seconds ago"),
                c("c", "other", "created", "Created")));
        assertThat(changed).containsExactlyInAnyOrder(WEB_KEY, DB_KEY, new ResourceKey(Kind.App, "ns", "other"));
        assertThat(view.list(Map.of(Labels.MANAGED, "true"))).extracting(ObservedContainer::id).containsExactlyInAnyOrder("a", "c");
        assertThat(view.replace(view.ticket(), List.of(c("a", "web", "exited", "Exited (0) 9 seconds ago"), c("c", "other", "created", "Created"))))
                .as("nothing changed but the age of a status text").isEmpty();
    }

    @Test
    void aLookTakenBeforeAWriteNeverHidesTheWrite() {
        view.replace(view.ticket(), List.of(c("a", "web", "exited", "Exited (0) 1 second ago")));
        long eventLook = view.ticket();          // an event's look began before the start...
        long relist = view.ticket();             // ...and so did a resync's list
        view.apply(view.ticket(), "a", Optional.of(c("a", "web", "running", "Up Less than a second"))); // the start, then its look
        assertThat(view.apply(eventLook, "a", Optional.of(c("a", "web", "exited", "Exited (0) 1 second ago")))).isFalse();
        view.replace(relist, List.of(c("a", "web", "exited", "Exited (0) 1 second ago")));
        assertThat(view.list(WEB)).extracting(ObservedContainer::state).containsExactly("running");
    }

    @Test
    void aRemovalIsNotUndoneByAListThatBeganBeforeIt() {
        view.replace(view.ticket(), List.of(c("a", "web", "running", "Up 3 seconds")));
        long relist = view.ticket();
        view.apply(view.ticket(), "a", Optional.empty()); // Mooring removed it
        view.replace(relist, List.of(c("a", "web", "running", "Up 3 seconds")));
        assertThat(view.list(WEB)).isEmpty();
        view.replace(view.ticket(), List.of());
        assertThat(view.list(WEB)).isEmpty();
    }

    @Test
    void aContainerCreatedDuringAListStaysAfterIt() {
        long relist = view.ticket();
        view.apply(view.ticket(), "new", Optional.of(c("new", "web", "created", "Created")));
        view.replace(relist, List.of());
        assertThat(view.list(WEB)).extracting(ObservedContainer::id).containsExactly("new");
        assertThat(view.listed()).isTrue();
    }

    @Test
    void readsFilterByLabelsAndResolveNames() {
        view.replace(view.ticket(), List.of(c("a", "web", "running", "Up 3 seconds"), c("b", "db", "running", "Up 3 seconds")));
        assertThat(view.list(WEB)).extracting(ObservedContainer::id).containsExactly("a");
        assertThat(view.idOf("ns-db-1")).isEqualTo("b");
        assertThat(view.idOf("b")).isEqualTo("b");
        assertThat(view.idOf("ns-none-1")).isNull();
    }

    @Test
    void aRunningContainerAgesBetweenLooks() {
        view.replace(view.ticket(), List.of(c("a", "web", "running", "Up 3 seconds (healthy)"), c("b", "db", "exited", "Exited (1) 3 seconds ago")));
        nanos.addAndGet(60_000_000_000L);
        ObservedContainer a = view.list(WEB).get(0);
        assertThat(a.upSeconds()).isEqualTo(63);
        assertThat(a.status()).isEqualTo("Up 63 seconds (healthy)");
        assertThat(view.list(owner("db")).get(0).exitCode()).isEqualTo(1);
    }
}
