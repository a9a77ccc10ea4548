package dev.mooring.docker;

import java.util.Map;

public record ObservedVolume(String name, String driver, Map<String, String> labels, String mountpoint) {
}
