package dev.mooring.control;

import dev.mooring.store.ResourceChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

/** A committed change in the store is a reason to look at its resource again, at once. */
@ApplicationScoped
public class StoreTrigger {
    @Inject
    Controller controller;

    void onCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) ResourceChanged change) {
        controller.enqueue(change.key());
    }
}
