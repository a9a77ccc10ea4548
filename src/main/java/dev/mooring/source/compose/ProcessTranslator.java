package dev.mooring.source.compose;

import java.util.Map;

import static dev.mooring.source.compose.ComposeValues.str;

/** A service's process: its image, command, user, directory, labels, how it stops and when its image is pulled. */
final class ProcessTranslator implements ServiceKeys {
    private final Problems problems;

    ProcessTranslator(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of(
                "image", (service, s, v, at) -> s.image = str(v),
                "command", (service, s, v, at) -> s.command = ComposeSyntax.command(v),
                "entrypoint", (service, s, v, at) -> s.entrypoint = ComposeSyntax.command(v),
                "user", (service, s, v, at) -> s.user = str(v),
                "working_dir", (service, s, v, at) -> s.workingDir = str(v),
                "labels", (service, s, v, at) -> s.labels = ComposeValues.keyValues(v, at),
                "stop_grace_period", (service, s, v, at) -> s.stopGracePeriod = ComposeSyntax.duration(v),
                "stop_signal", (service, s, v, at) -> s.stopSignal = str(v),
                "pull_policy", (service, s, v, at) -> s.imagePullPolicy = pullPolicy(str(v), at));
    }

    private String pullPolicy(String policy, String at) {
        return switch (policy) {
            case "always" -> "Always";
            case "never" -> "Never";
            case "missing", "if_not_present" -> "IfNotPresent";
            case "build" -> {
                problems.ignored(at, "an App with build is always built from its context");
                yield null;
            }
            default -> throw new IllegalArgumentException("\"" + policy + "\" is not always, never, missing or build");
        };
    }
}
