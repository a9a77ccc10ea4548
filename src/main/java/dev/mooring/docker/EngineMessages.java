package dev.mooring.docker;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the engine's error texts into plain sentences before they reach an App's status and
 * events, which every viewer of its namespace reads. The engine names what stands in the way in
 * its own terms: a port conflict carries an endpoint ID, a name conflict the ID of the container
 * holding the name, which may belong to another namespace (issue 10, finding 6). The sentence says
 * what is in the way and on which engine, with the reason a user can look for, and never an ID;
 * being the same on every retry, the events of a conflict add up to one event with a count.
 */
final class EngineMessages {
    /** What the engine said, fit for people: a short reason ({@code PortConflict}, or null: none known) and the sentence. */
    record Plain(String reason, String message) {
    }

    static final String PORT_CONFLICT = "PortConflict";
    static final String NAME_CONFLICT = "NameConflict";

    /** {@code Bind for 127.0.0.1:8080 failed: port is already allocated} (another container has it). */
    private static final Pattern BIND = Pattern.compile("Bind for (\\S+?) failed: port is already allocated");
    /** {@code listen tcp4 127.0.0.1:8080: bind: address already in use} (another program has it). */
    private static final Pattern LISTEN = Pattern.compile("listen (?:tcp|udp|sctp)[46]? (\\S+?): bind: address already in use");
    /** {@code The container name "/shop-web-1" is already in use by container "<id>". You have to remove ...}. */
    private static final Pattern NAME = Pattern.compile("The container name \"/?([^\"]+)\" is already in use by container \"[0-9a-f]+\"");
    /** A full object ID: not said unless it is an image digest. */
    private static final Pattern ID = Pattern.compile("(?<!sha256:)\\b[0-9a-f]{64}\\b");

    private EngineMessages() {
    }

    /** The plain form of {@code message}, which the engine {@code engine} answered to {@code operation}. */
    static Plain plain(String operation, String engine, String message) {
        Matcher m = BIND.matcher(message);
        if (m.find() || (m = LISTEN.matcher(message)).find()) {
            return new Plain(PORT_CONFLICT, operation + ": host port " + m.group(1) + " is already in use on engine " + engine);
        }
        m = NAME.matcher(message);
        if (m.find()) {
            return new Plain(NAME_CONFLICT, operation + ": the container name " + m.group(1)
                    + " is already in use on engine " + engine + " by a container Mooring does not manage for this App");
        }
        return new Plain(null, operation + " on engine " + engine + ": " + ID.matcher(message).replaceAll("<id>"));
    }
}
