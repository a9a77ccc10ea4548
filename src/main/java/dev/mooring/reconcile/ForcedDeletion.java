package dev.mooring.reconcile;

import dev.mooring.api.App;
import dev.mooring.api.AppStatus;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.Network;
import dev.mooring.api.Volume;
import dev.mooring.api.ResourceKey;
import dev.mooring.store.BuildLogStore;
import dev.mooring.store.ResourceStore;
import dev.mooring.store.RevisionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The way out of a deletion the engine holds up (issue 10: an App whose built image the engine
 * would not remove never finished deleting): the resource leaves the store at once, without its
 * reconciler cleaning up, and the caller learns what may be left on the engine. What is left is
 * taken from the resource's last status, not asked of the engine, which may be the thing that hangs.
 * Containers Mooring still finds later with the resource's labels are removed as orphans; built
 * images and volumes stay until someone removes them.
 */
@ApplicationScoped
public class ForcedDeletion {
    @Inject
    ResourceStore store;
    @Inject
    RevisionStore revisions;
    @Inject
    BuildLogStore buildLogs;

    /** What a forced deletion did: the resource as it was, the engine it ran on, and what may be left there. */
    public record Outcome(MooringResource<?, ?> resource, String previousResourceVersion, String engine, List<Map<String, String>> leftBehind) {
        /** {@code container shop-web-1 (0123456789ab), image mooring-build/shop-web:…}, or {@code nothing Mooring knows of}. */
        public String describe() {
            if (leftBehind.isEmpty()) {
                return "nothing Mooring knows of";
            }
            List<String> parts = new ArrayList<>();
            for (Map<String, String> item : leftBehind) {
                parts.add(item.get("type") + " " + item.get("name") + (item.containsKey("id") ? " (" + item.get("id") + ")" : ""));
            }
            return String.join(", ", parts);
        }
    }

    /** Starts the deletion if it has not started, drops Mooring's finalizer and answers what may be left behind. */
    @Transactional
    public Outcome delete(Kind kind, String namespace, String name) {
        ResourceStore.Written w = store.delete(kind, namespace, name);
        MooringResource<?, ?> r = w.resource();
        Outcome outcome = new Outcome(r, w.previousResourceVersion(), r.engineName(), leftBehind(r));
        String uid = r.getMetadata().getUid();
        if (r instanceof App) {
            revisions.deleteAll(uid);
            buildLogs.delete(namespace, name);
        }
        store.removeFinalizer(new ResourceKey(kind, namespace, name), uid, MooringResource.FINALIZER);
        return outcome;
    }

    /** What the resource's last status says exists on the engine for it. */
    static List<Map<String, String>> leftBehind(MooringResource<?, ?> r) {
        List<Map<String, String>> out = new ArrayList<>();
        if (r instanceof App app && app.getStatus() != null) {
            AppStatus s = app.getStatus();
            if (s.containers != null) {
                for (AppStatus.ContainerStatus c : s.containers) {
                    out.add(item("container", c.name, c.id));
                }
            }
            if (app.getSpec() != null && app.getSpec().build != null && s.build != null && s.build.image != null) {
                out.add(item("image", s.build.image, null));
            }
        } else if (r instanceof Volume v && v.getStatus() != null && v.getStatus().dockerName != null) {
            out.add(item("volume", v.getStatus().dockerName, null));
        } else if (r instanceof Network n && n.getStatus() != null && n.getStatus().dockerName != null) {
            out.add(item("network", n.getStatus().dockerName, null));
        }
        return out;
    }

    private static Map<String, String> item(String type, String name, String id) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("name", name);
        if (id != null) {
            m.put("id", id);
        }
        return m;
    }
}
