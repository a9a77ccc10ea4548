package dev.mooring.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A status condition in Kubernetes' shape. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {
    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";
    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    public String type;
    public String status;
    public String reason;
    public String message;
    public String lastTransitionTime;

    public Condition() {
    }

    public Condition(String type, String status, String reason, String message, String lastTransitionTime) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
        this.lastTransitionTime = lastTransitionTime;
    }
}
