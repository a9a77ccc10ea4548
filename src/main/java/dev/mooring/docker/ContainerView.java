package dev.mooring.docker;

import dev.mooring.api.Labels;
import dev.mooring.api.ResourceKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The bookkeeping of one engine's watched containers (client-go's informer store), without any
 * I/O so that it is tested without an engine; {@link WatchedContainers} feeds it.
 * <p>
 * <b>No answer older than what it replaces.</b> Every look at the engine (a full list or a list of
 * one container) takes a ticket from {@link #ticket()} <i>before</i> it calls the engine, and its
 * answer is applied to a container only when no look with a later ticket has been applied to that
 * container already. Docker answers a list from its state at the moment it handles the request, so
 * a later ticket never carries an older state. A removal is kept as a tombstone with its ticket, so
 * a list that began before the removal cannot bring the container back. This is what lets a
 * reconcile read its own writes: the engine's facade takes a ticket after its write returned and
 * applies the look before the write method returns (see {@link DockerEngine}).
 * <p>
 * A container that runs is kept with the moment it was looked at; its status text is aged by the
 * time since (docker's {@code Up 3 seconds} read a minute later is {@code Up 63 seconds}), so
 * {@code minReadySeconds} and the crash back-off reset see time pass between looks.
 */
final class ContainerView {
    /** One container as last seen, or a tombstone ({@code container} null) for one seen gone. */
    private record Entry(ObservedContainer container, long ticket, long seenNanos) {
    }

    private final LongSupplier nanoTime;
    private final Map<String, Entry> entries = new HashMap<>();
    private long tickets;
    private boolean listed;

    ContainerView(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The ticket of a look at the engine about to be made: take it before the call. */
    synchronized long ticket() {
        return ++tickets;
    }

    /** True once a full list has been applied. */
    synchronized boolean listed() {
        return listed;
    }

    /**
     * Applies what a look at one container found ({@code found} empty: it is gone). Answers whether
     * the view changed in a way a reconcile cares about (not the aging of a status text).
     */
    synchronized boolean apply(long ticket, String id, Optional<ObservedContainer> found) {
        Entry old = entries.get(id);
        if (old != null && old.ticket() > ticket) {
            return false; // a later look was applied already
        }
        entries.put(id, new Entry(found.orElse(null), ticket, nanoTime.getAsLong()));
        return differs(old == null ? null : old.container(), found.orElse(null));
    }

    /**
     * Applies a full list: every container listed, every one missing from it gone — except those a
     * later look has seen since the list began. Answers the owners whose containers changed (an
     * event the stream lost shows here).
     */
    synchronized Set<ResourceKey> replace(long ticket, List<ObservedContainer> all) {
        Set<ResourceKey> changed = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>();
        for (ObservedContainer c : all) {
            seen.add(c.id());
            Entry old = entries.get(c.id());
            if (old == null || old.ticket() < ticket) {
                if (old == null || differs(old.container(), c)) {
                    owner(c).ifPresent(changed::add);
                }
                entries.put(c.id(), new Entry(c, ticket, nanoTime.getAsLong()));
            }
        }
        entries.entrySet().removeIf(e -> {
            Entry old = e.getValue();
            if (seen.contains(e.getKey()) || old.ticket() >= ticket) {
                return false;
            }
            if (old.container() != null) {
                owner(old.container()).ifPresent(changed::add);
            }
            return true; // gone, and a tombstone older than the list is no longer needed
        });
        listed = true;
        return changed;
    }

    /** The id of a container known by id or by name, or null when the view has none by that reference. */
    synchronized String idOf(String ref) {
        Entry e = entries.get(ref);
        if (e != null) {
            return ref;
        }
        for (Map.Entry<String, Entry> x : entries.entrySet()) {
            ObservedContainer c = x.getValue().container();
            if (c != null && (ref.equals(c.name()) || ref.equals("/" + c.name()))) {
                return x.getKey();
            }
        }
        return null;
    }

    /** The containers carrying every given label, their status texts aged to now. */
    synchronized List<ObservedContainer> list(Map<String, String> labels) {
        long now = nanoTime.getAsLong();
        List<ObservedContainer> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            ObservedContainer c = e.container();
            if (c != null && c.labels().entrySet().containsAll(labels.entrySet())) {
                out.add(c.olderBy((now - e.seenNanos()) / 1_000_000_000L));
            }
        }
        // newest first, as the engine lists them
        out.sort(java.util.Comparator.comparingLong(ObservedContainer::createdEpochSeconds).reversed().thenComparing(ObservedContainer::name));
        return out;
    }

    static Optional<ResourceKey> owner(ObservedContainer c) {
        return ResourceKey.parse(c.label(Labels.KIND), c.label(Labels.NAMESPACE), c.label(Labels.NAME));
    }

    /** A change a reconcile acts on: existence, name, state, health, labels, image, networks, ports. */
    private static boolean differs(ObservedContainer a, ObservedContainer b) {
        if (a == null || b == null) {
            return a != b;
        }
        return !(a.name().equals(b.name()) && Objects.equals(a.state(), b.state()) && Objects.equals(a.health(), b.health())
                && a.labels().equals(b.labels()) && Objects.equals(a.imageId(), b.imageId())
                && a.networks().equals(b.networks()) && Objects.equals(a.ports(), b.ports()));
    }
}
