package dev.mooring.docker;

import java.util.Map;

public record NetworkCreate(String name, String driver, boolean internal, boolean attachable,
                            String subnet, String gateway, Map<String, String> labels) {
}
