package dev.mooring;

import dev.mooring.control.Controller;
import dev.mooring.control.LeaderElection;
import dev.mooring.docker.EngineEventWatcher;
import dev.mooring.store.EventStore;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/**
 * Starts the control loop and the engines' event streams once the store has migrated, then the
 * leader election: the loop acts only while this instance leads.
 */
@ApplicationScoped
public class MooringStartup {
    @Inject
    Controller controller;
    @Inject
    EngineEventWatcher watcher;
    @Inject
    LeaderElection election;
    @Inject
    EventStore events;
    @ConfigProperty(name = "mooring.events.retention", defaultValue = "24h")
    Duration eventRetention;

    void onStart(@Observes StartupEvent ev) {
        controller.start();
        if (controller.isRunning()) {
            watcher.start();
            election.start();
        }
    }

    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expireEvents() {
        events.expire(eventRetention);
    }
}
