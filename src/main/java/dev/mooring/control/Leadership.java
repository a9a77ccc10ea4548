package dev.mooring.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Whether this instance is the one that acts: only the leader reconciles (touches engines) and
 * mirrors custom resources; the others serve the read API and wait to take over. A
 * {@link LeaderElector} moves the state; {@link LeadershipChanged} tells the rest of Mooring.
 */
@ApplicationScoped
public class Leadership {
    private static final Logger LOG = Logger.getLogger(Leadership.class);

    @Inject
    Event<LeadershipChanged> changes;

    private volatile boolean leader;
    private volatile String mode = "none";

    /** Fired (synchronously, on the elector's thread) when this instance becomes or stops being the leader. */
    public record LeadershipChanged(boolean leader) {
    }

    public boolean isLeader() {
        return leader;
    }

    /** How the leader is chosen: none, database or kubernetes. */
    public String mode() {
        return mode;
    }

    void mode(String mode) {
        this.mode = mode;
    }

    public void acquired() {
        if (!leader) {
            leader = true;
            LOG.infof("leader election (%s): this instance is the leader; reconciling", mode);
            changes.fire(new LeadershipChanged(true));
        }
    }

    public void lost() {
        if (leader) {
            leader = false;
            LOG.warnf("leader election (%s): this instance is no longer the leader; reconciling stops", mode);
            changes.fire(new LeadershipChanged(false));
        }
    }
}
