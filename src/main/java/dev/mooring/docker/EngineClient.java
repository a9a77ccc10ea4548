package dev.mooring.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotModifiedException;
import dev.mooring.api.Labels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One engine's two docker-java clients and the rules every call to them keeps, in one place so
 * that no concern of {@link DockerEngine} can make a call that skips them: each call is counted by
 * operation ({@code mooring.docker.api.calls}), runs under its deadline ({@link EngineCalls}) and
 * fails as an {@link EngineException} in plain words ({@link EngineMessages}). Everything Mooring
 * creates carries this instance's label, and objects of another instance found by name are not
 * taken for Mooring's own.
 */
final class EngineClient {
    private static final Pattern DOCKER_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"(.*)\"");

    final String name;
    final String host;
    final String instance;
    /** For calls that answer: its responses time out at the call deadline. */
    final DockerClient client;
    /** For streams (events, logs, builds, pushes): no response timeout. */
    final DockerClient streams;
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final EngineCalls calls;

    EngineClient(String name, String host, String instance, DockerClient client, DockerClient streams, MeterRegistry meters,
                 Duration callTimeout, Duration pullTimeout) {
        this.name = name;
        this.host = host;
        this.instance = instance;
        this.client = client;
        this.streams = streams;
        this.meters = meters;
        this.calls = new EngineCalls(name, callTimeout, pullTimeout, DockerEngines.CALL_THREADS, meters);
    }

    /** Runs one counted call under its deadline, its docker-java failures translated. */
    <T> T call(String operation, Supplier<T> body) {
        count(operation);
        return calls.run(operation, () -> translated(operation, body));
    }

    void call(String operation, Runnable body) {
        call(operation, () -> {
            body.run();
            return null;
        });
    }

    /** Counts a call that has no deadline (a stream, which lasts as long as its reader wants). */
    void count(String operation) {
        counters.computeIfAbsent(operation, op -> Counter.builder("mooring.docker.api.calls")
                .description("Docker API calls Mooring made, by operation")
                .tag("operation", op).tag("engine", name).register(meters)).increment();
    }

    /** The call's answer, or null when what it asked about does not exist. */
    static <T> T orNullWhenAbsent(Supplier<T> call) {
        try {
            return call.get();
        } catch (EngineException e) {
            if (e.notFound()) {
                return null;
            }
            throw e;
        }
    }

    /** Runs a removal (or disconnect), for which an object already gone is the wanted outcome. */
    static void ignoringAbsent(Runnable call) {
        try {
            call.run();
        } catch (EngineException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    /** The labels plus this instance's label: what Mooring sets on, and filters by, everything it owns. */
    Map<String, String> mine(Map<String, String> labels) {
        Map<String, String> m = new LinkedHashMap<>(labels);
        m.put(Labels.INSTANCE, instance);
        return m;
    }

    /** {@link #mine} as the {@code key=value} label filter of a network or volume list. */
    List<String> mineAsFilter(Map<String, String> labels) {
        return mine(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    /** Labels of an object found by name: one another Mooring instance owns is reported as not managed. */
    Map<String, String> foreignUnmanaged(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        if (instance.equals(labels.get(Labels.INSTANCE))) {
            return labels;
        }
        Map<String, String> m = new HashMap<>(labels);
        m.remove(Labels.MANAGED);
        return m;
    }

    /** Calls still running past their deadline (their callers have moved on). */
    int overdue() {
        return calls.overdue();
    }

    /** The body's docker-java failures as {@link EngineException}s with the engine's message. */
    private <T> T translated(String operation, Supplier<T> body) {
        try {
            return body.get();
        } catch (NotModifiedException e) {
            throw new EngineException(operation + ": not modified", 304, e);
        } catch (DockerException e) {
            EngineMessages.Plain plain = EngineMessages.plain(operation, name, dockerMessage(e));
            throw new EngineException(plain.message(), e.getHttpStatus(), plain.reason(), e);
        } catch (RuntimeException e) {
            if (e instanceof EngineException) {
                throw e;
            }
            throw new EngineException(operation + " on engine " + name + " (" + host + "): " + rootMessage(e), 0, e);
        }
    }

    static String dockerMessage(DockerException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        Matcher matcher = DOCKER_MESSAGE.matcher(m);
        // Docker's message arrives JSON-escaped inside the exception text: unescape its quotes for people.
        return (matcher.find() ? matcher.group(1) : m.trim()).replace("\\\"", "\"");
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    void close() {
        calls.close();
        try {
            client.close();
            streams.close();
        } catch (Exception ignored) {
            // closing on shutdown: nothing to do about a failure
        }
    }
}
