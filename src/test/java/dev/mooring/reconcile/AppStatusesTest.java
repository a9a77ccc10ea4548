package dev.mooring.reconcile;

import dev.mooring.api.AppStatus;
import dev.mooring.api.Condition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.mooring.reconcile.AppPlannerTest.app;
import static dev.mooring.reconcile.RolloutPlannerTest.T0;
import static dev.mooring.reconcile.RolloutPlannerTest.exited;
import static org.assertj.core.api.Assertions.assertThat;

/** An App's conditions from what the engine shows. */
class AppStatusesTest {
    private static String condition(AppStatus s, String type) {
        return s.conditions.stream().filter(c -> c.type.equals(type)).map(c -> c.status + " " + c.reason + ": " + c.message)
                .findFirst().orElseThrow();
    }

    /** A one-shot job that exited 0 and is not started again is done: not ready, and not progressing either. */
    @Test
    void aOneShotJobThatExitedZeroHasCompleted() {
        var job = app("job", s -> s.restartPolicy = "no");
        DesiredApp desired = DesiredApp.of(job);
        AppStatus s = AppStatuses.of(job, desired, List.of(exited(desired, "default-job-1", 1, 0, T0)), false, T0);
        assertThat(condition(s, Condition.READY)).isEqualTo("False Completed: every replica exited 0; restartPolicy no starts none again");
        assertThat(condition(s, Condition.PROGRESSING)).isEqualTo("False Completed: every replica exited 0; restartPolicy no starts none again");

        AppStatus failed = AppStatuses.of(job, desired, List.of(exited(desired, "default-job-1", 1, 1, T0)), false, T0);
        assertThat(condition(failed, Condition.READY)).startsWith("False ReplicasNotReady");
    }
}
