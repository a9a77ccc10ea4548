package dev.mooring.docker;

import java.time.Duration;

/**
 * An engine call that did not answer within its deadline and was cancelled (issue 10: a container
 * create that hung runc held a worker for 12 minutes). The reconcile fails and is retried with
 * backoff; the App's status says {@code EngineTimeout}.
 */
public class EngineTimeoutException extends EngineException {
    private final String operation;
    private final Duration deadline;

    public EngineTimeoutException(String operation, String engine, Duration deadline, String detail) {
        super(operation + " on engine " + engine + " did not answer within " + EngineCalls.human(deadline)
                + (detail == null ? "" : " (" + detail + ")") + "; the call was cancelled", 0, null);
        this.operation = operation;
        this.deadline = deadline;
    }

    /** The Docker operation that timed out ({@code container.create}). */
    public String operation() {
        return operation;
    }

    public Duration deadline() {
        return deadline;
    }
}
