package dev.mooring.source.rest;

import dev.mooring.control.Controller;
import dev.mooring.control.Leadership;
import dev.mooring.docker.DockerEngine;
import dev.mooring.docker.DockerEngines;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Liveness: the loop's workers run. Readiness: every engine answers (the store has its own check). */
public class Health {
    @Liveness
    @ApplicationScoped
    public static class Workers implements HealthCheck {
        @Inject
        Controller controller;
        @Inject
        Leadership leadership;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("control-loop").status(controller.workersAlive())
                    .withData("running", controller.isRunning()).withData("queueDepth", controller.queueDepth())
                    .withData("leader", leadership.isLeader()).withData("leaderElection", leadership.mode()).build();
        }
    }

    @Readiness
    @ApplicationScoped
    public static class Engines implements HealthCheck {
        @Inject
        DockerEngines engines;

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("docker-engines").up();
            for (DockerEngine e : engines.all()) {
                try {
                    e.ping();
                    b.withData(e.name(), "up (" + e.host() + ")");
                } catch (RuntimeException ex) {
                    b.down().withData(e.name(), "down: " + ex.getMessage());
                }
            }
            return b.build();
        }
    }
}
