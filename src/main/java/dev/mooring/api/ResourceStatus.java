package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Status fields every kind shares: which generation the loop acted on, and conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourceStatus {
    public Long observedGeneration;
    public List<Condition> conditions = new ArrayList<>();

    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> c.type.equals(type)).findFirst();
    }

    public boolean isTrue(String type) {
        return condition(type).map(c -> Condition.TRUE.equals(c.status)).orElse(false);
    }

    /**
     * Sets a condition the Kubernetes way: {@code lastTransitionTime} moves only when the
     * status value changes, so a condition re-asserted on every pass keeps its original time.
     */
    public void setCondition(String type, boolean value, String reason, String message, Instant now) {
        setCondition(type, value ? Condition.TRUE : Condition.FALSE, reason, message, now);
    }

    /** {@link #setCondition(String, boolean, String, String, Instant)} with any status, {@code Unknown} included. */
    public void setCondition(String type, String status, String reason, String message, Instant now) {
        Condition existing = condition(type).orElse(null);
        if (existing == null) {
            conditions.add(new Condition(type, status, reason, message, now.toString()));
            return;
        }
        if (!Objects.equals(existing.status, status)) {
            existing.lastTransitionTime = now.toString();
        }
        existing.status = status;
        existing.reason = reason;
        existing.message = message;
    }
}
