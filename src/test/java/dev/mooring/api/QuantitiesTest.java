package dev.mooring.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The human units of specs: Go-style durations, sizes with decimal or binary units, CPUs. */
class QuantitiesTest {

    @Test
    void durations() {
        assertThat(Quantities.duration("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Quantities.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Quantities.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Quantities.duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Quantities.duration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Quantities.duration("1h2m3s4ms")).isEqualTo(Duration.ofHours(1).plusMinutes(2).plusSeconds(3).plusMillis(4));
        assertThat(Quantities.duration("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Quantities.duration("250µs")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Quantities.duration("7ns")).isEqualTo(Duration.ofNanos(7));
        assertThat(Quantities.duration("0s")).isEqualTo(Duration.ZERO);
        assertThat(Quantities.duration(" 5s ")).as("surrounding blanks").isEqualTo(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "abc", "1x", "", " ", "-1s", "1s2", "s", "1 s", "1d", "1.s", "5S"})
    void badDurations(String text) {
        assertThatThrownBy(() -> Quantities.duration(text)).as(text)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duration");
    }

    @Test
    void aMissingDurationIsRefused() {
        assertThatThrownBy(() -> Quantities.duration(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sizes() {
        assertThat(Quantities.bytes("256Mi")).isEqualTo(268_435_456L);
        assertThat(Quantities.bytes("1G")).isEqualTo(1_000_000_000L);
        assertThat(Quantities.bytes("1024")).isEqualTo(1024L);
        assertThat(Quantities.bytes("1Ki")).isEqualTo(1024L);
        assertThat(Quantities.bytes("1k")).isEqualTo(1000L);
        assertThat(Quantities.bytes("1K")).isEqualTo(1000L);
        assertThat(Quantities.bytes("2Gi")).isEqualTo(2L << 30);
        assertThat(Quantities.bytes("1Ti")).isEqualTo(1L << 40);
        assertThat(Quantities.bytes("3T")).isEqualTo(3_000_000_000_000L);
        assertThat(Quantities.bytes("1.5Ki")).isEqualTo(1536L);
        assertThat(Quantities.bytes("512M")).isEqualTo(512_000_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "12 parsecs", "256m", "256MB", "1.5 G", "-1Mi", "", "Mi", "1e3"})
    void badSizes(String text) {
        assertThatThrownBy(() -> Quantities.bytes(text)).as(text)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a size");
    }

    @Test
    void aMissingSizeIsRefused() {
        assertThatThrownBy(() -> Quantities.bytes(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cpus() {
        assertThat(Quantities.nanoCpus("0.5")).isEqualTo(500_000_000L);
        assertThat(Quantities.nanoCpus("2")).isEqualTo(2_000_000_000L);
        assertThat(Quantities.nanoCpus("0.000000001")).isEqualTo(1L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "lots", "0", "", "0.0000000001", "1/2"})
    void badCpus(String text) {
        assertThatThrownBy(() -> Quantities.nanoCpus(text)).as(text)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a CPU count");
    }
}
