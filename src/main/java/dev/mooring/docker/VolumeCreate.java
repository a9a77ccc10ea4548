package dev.mooring.docker;

import java.util.Map;

public record VolumeCreate(String name, String driver, Map<String, String> driverOpts, Map<String, String> labels) {
}
