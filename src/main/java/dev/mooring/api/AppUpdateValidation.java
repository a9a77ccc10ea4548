package dev.mooring.api;

import java.util.Set;

/** The checks of how an App rolls out: {@code spec.update}, minReadySeconds and the revision history. */
final class AppUpdateValidation {
    static final Set<String> UPDATE_ORDERS = Set.of("stop-first", "start-first");
    static final Set<String> FAILURE_ACTIONS = Set.of("rollback", "pause", "continue");

    private AppUpdateValidation() {
    }

    static void validate(AppSpec s, FieldChecks c) {
        update(s, c);
        if (s.minReadySeconds != null && s.minReadySeconds < 0) {
            c.error("spec.minReadySeconds", "must be 0 or more");
        }
        if (s.revisionHistoryLimit != null && s.revisionHistoryLimit < 1) {
            c.error("spec.revisionHistoryLimit", "must be 1 or more");
        }
    }

    private static void update(AppSpec s, FieldChecks c) {
        AppSpec.UpdateStrategy u = s.update;
        if (u == null) {
            return;
        }
        if (u.parallelism != null && u.parallelism < 0) {
            c.error("spec.update.parallelism", "must be 0 (all at once) or more");
        }
        c.duration("spec.update.delay", u.delay);
        c.duration("spec.update.monitor", u.monitor);
        c.duration("spec.update.progressDeadline", u.progressDeadline);
        c.oneOf("spec.update.order", u.order, UPDATE_ORDERS);
        c.oneOf("spec.update.failureAction", u.failureAction, FAILURE_ACTIONS);
        if (u.maxFailureRatio != null && (u.maxFailureRatio < 0 || u.maxFailureRatio > 1)) {
            c.error("spec.update.maxFailureRatio", "must be between 0 and 1");
        }
        if ("start-first".equals(u.order) && s.ports != null && s.ports.stream().anyMatch(p -> p != null && p.hostPort != null)) {
            c.error("spec.update.order", "start-first runs the new container beside the old one, which cannot bind the same fixed "
                    + "hostPort on one engine; use stop-first, or leave hostPort empty for an ephemeral port");
        }
        if ("start-first".equals(u.order) && s.networks != null
                && s.networks.stream().anyMatch(n -> n != null && (n.ipv4Address != null || n.ipv6Address != null))) {
            c.error("spec.update.order", "start-first runs the new container beside the old one, which cannot hold the same fixed "
                    + "address on the network; use stop-first, or leave the address out");
        }
    }
}
