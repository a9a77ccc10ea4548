package dev.mooring.reconcile;

import dev.mooring.control.Controller;
import dev.mooring.docker.OwnedObjectChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Engine events reach the loop here: what changed on an engine is looked at again. */
@ApplicationScoped
public class EngineTriggers {
    @Inject
    Controller controller;

    void onOwnedObject(@Observes OwnedObjectChanged changed) {
        controller.enqueue(changed.owner());
    }
}
