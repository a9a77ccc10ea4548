package dev.mooring.source.compose;

import dev.mooring.api.AppSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mooring.source.compose.ComposeValues.bool;
import static dev.mooring.source.compose.ComposeValues.list;
import static dev.mooring.source.compose.ComposeValues.map;
import static dev.mooring.source.compose.ComposeValues.str;
import static dev.mooring.source.compose.ComposeValues.strings;

/**
 * What a service may do on its host (privileges, capabilities, devices, shared namespaces):
 * translated as written; whether it is allowed is the admission policy's decision on import.
 */
final class SecurityTranslator implements ServiceKeys {
    private final Problems problems;

    SecurityTranslator(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Map<String, Key> keys() {
        return Map.of(
                "privileged", (service, s, v, at) -> s.privileged = bool(v),
                "cap_add", (service, s, v, at) -> s.capAdd = strings(v),
                "cap_drop", (service, s, v, at) -> s.capDrop = strings(v),
                "devices", (service, s, v, at) -> s.devices = devices(list(v, at), at),
                "read_only", (service, s, v, at) -> s.readOnlyRootFilesystem = bool(v),
                "security_opt", (service, s, v, at) -> securityOpt(s, strings(v), at),
                "pid", (service, s, v, at) -> s.pidMode = str(v),
                "ipc", (service, s, v, at) -> s.ipcMode = str(v));
    }

    /** {@code host[:container[:permissions]]} or {@code {source, target, permissions}}. */
    private List<AppSpec.Device> devices(List<?> items, String at) {
        List<AppSpec.Device> out = new ArrayList<>();
        for (Object item : items) {
            AppSpec.Device d = new AppSpec.Device();
            if (item instanceof Map<?, ?> raw) {
                Map<String, Object> m = map(raw, at);
                d.hostPath = str(m.get("source"));
                d.containerPath = m.get("target") == null ? null : str(m.get("target"));
                d.permissions = m.get("permissions") == null ? null : str(m.get("permissions"));
            } else {
                String[] parts = str(item).split(":");
                d.hostPath = parts[0];
                d.containerPath = parts.length > 1 ? parts[1] : null;
                d.permissions = parts.length > 2 ? parts[2] : null;
            }
            out.add(d);
        }
        return out;
    }

    private void securityOpt(AppSpec s, List<String> opts, String at) {
        for (int i = 0; i < opts.size(); i++) {
            String o = opts.get(i);
            if (o.equals("no-new-privileges") || o.equals("no-new-privileges:true") || o.equals("no-new-privileges=true")) {
                s.noNewPrivileges = true;
            } else if (!o.equals("no-new-privileges:false") && !o.equals("no-new-privileges=false")) {
                problems.unsupported(at + "[" + i + "]", "security option " + o + " (only no-new-privileges is supported)");
            }
        }
    }
}
