package dev.mooring.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human units of specs: durations like {@code 1m30s} and sizes like {@code 256Mi}. */
public final class Quantities {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?");
    private static final Map<String, Long> SIZE_UNITS = Map.of(
            "Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30, "Ti", 1L << 40,
            "k", 1_000L, "K", 1_000L, "M", 1_000_000L, "G", 1_000_000_000L, "T", 1_000_000_000_000L);

    private Quantities() {
    }

    /**
     * A Go-style duration ({@code 300ms}, {@code 10s}, {@code 1m30s}, {@code 2h}).
     * @throws IllegalArgumentException with a message fit for a user when it does not parse
     */
    public static Duration duration(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a duration is required, like 10s or 1m30s");
        }
        Matcher m = DURATION_PART.matcher(text.trim());
        long nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            BigDecimal n = new BigDecimal(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += n.multiply(BigDecimal.valueOf(unit)).longValue();
            end = m.end();
        }
        if (end == 0 || end != text.trim().length()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration; use a number with a unit (ms, s, m, h), like 10s or 1m30s");
        }
        return Duration.ofNanos(nanos);
    }

    /**
     * A size in bytes: plain bytes, decimal ({@code k M G T}) or binary ({@code Ki Mi Gi Ti}) units.
     * @throws IllegalArgumentException with a message fit for a user when it does not parse
     */
    public static long bytes(String text) {
        Matcher m = text == null ? null : SIZE.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a size; use a number with Ki, Mi, Gi (or k, M, G), like 256Mi");
        }
        BigDecimal n = new BigDecimal(m.group(1));
        long unit = m.group(2) == null ? 1 : SIZE_UNITS.get(m.group(2));
        return n.multiply(BigDecimal.valueOf(unit)).longValue();
    }

    /** CPUs as a positive decimal ({@code 0.5}, {@code 2}), returned as Docker's nano-CPUs. */
    public static long nanoCpus(String text) {
        try {
            BigDecimal n = new BigDecimal(text.trim());
            if (n.signum() <= 0) {
                throw new NumberFormatException();
            }
            return n.multiply(BigDecimal.valueOf(1_000_000_000L)).longValueExact();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a CPU count; use a positive decimal like 0.5 or 2");
        }
    }
}
