package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.mooring.reconcile.AppPlannerTest.app;
import static org.assertj.core.api.Assertions.assertThat;

/** When an App's dependency is met, from the dependency's spec and status alone. */
class AppWaitsTest {
    private static App dependency(String restartPolicy, String state, Integer exitCode) {
        App dep = app("job", s -> s.restartPolicy = restartPolicy);
        AppStatus.ContainerStatus c = new AppStatus.ContainerStatus();
        c.state = state;
        c.exitCode = exitCode;
        dep.setStatus(new AppStatus());
        dep.getStatus().containers = List.of(c);
        return dep;
    }

    /** A one-shot job that already ran and will not run again has started, as Compose sees it; a crashed service has not. */
    @Test
    void aJobThatRanAndStaysExitedHasStarted() {
        assertThat(AppWaits.met(dependency(null, "running", null), "started")).isTrue();
        assertThat(AppWaits.met(dependency("no", "exited", 0), "started")).isTrue();
        assertThat(AppWaits.met(dependency("no", "exited", 1), "started")).isTrue();
        assertThat(AppWaits.met(dependency("on-failure", "exited", 0), "started")).isTrue();
        assertThat(AppWaits.met(dependency("on-failure", "exited", 1), "started")).as("restarted by Mooring").isFalse();
        assertThat(AppWaits.met(dependency(null, "exited", 0), "started")).as("unless-stopped: restarted").isFalse();
        assertThat(AppWaits.met(dependency("no", "created", null), "started")).isFalse();
    }

    @Test
    void completedMeansEveryReplicaExitedZero() {
        assertThat(AppWaits.met(dependency("no", "exited", 0), "completed")).isTrue();
        assertThat(AppWaits.met(dependency("no", "exited", 2), "completed")).isFalse();
        assertThat(AppWaits.met(dependency("no", "running", null), "completed")).isFalse();
    }
}
