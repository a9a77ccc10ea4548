package dev.mooring.docker;

import java.util.Map;

/** A volume on an engine; {@code driverOpts} as the engine reports them (empty when unknown). */
public record ObservedVolume(String name, String driver, Map<String, String> labels, String mountpoint, Map<String, String> driverOpts) {
    public ObservedVolume {
        driverOpts = driverOpts == null ? Map.of() : Map.copyOf(driverOpts);
    }

    public ObservedVolume(String name, String driver, Map<String, String> labels, String mountpoint) {
        this(name, driver, labels, mountpoint, Map.of());
    }
}
