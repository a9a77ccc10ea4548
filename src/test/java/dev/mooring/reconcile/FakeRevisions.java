package dev.mooring.reconcile;

import dev.mooring.store.RevisionStore;
import dev.mooring.store.RevisionStore.Revision;
import dev.mooring.store.Revisions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** An App's revisions in memory, numbered and phased as the revision store does (without pruning). */
final class FakeRevisions implements Revisions {
    final List<Revision> revisions = new ArrayList<>();
    private final List<String> templates = new ArrayList<>();

    @Override
    public Revision ensure(String appUid, String namespace, String name, String configHash, String image, String imageId,
                           String specJson, String templateJson, String cause, int historyLimit) {
        Optional<Revision> same = revisions.stream()
                .filter(r -> r.configHash().equals(configHash) && Objects.equals(r.imageId(), imageId)).findFirst();
        if (same.isPresent()) {
            return same.get();
        }
        Revision r = new Revision(revisions.size() + 1, configHash, image, imageId, specJson, cause, RevisionStore.PROGRESSING, Instant.EPOCH);
        revisions.add(r);
        templates.add(templateJson);
        return r;
    }

    @Override
    public Optional<Integer> number(String appUid, String configHash, String imageId) {
        return revisions.stream().filter(r -> r.configHash().equals(configHash) && Objects.equals(r.imageId(), imageId))
                .map(Revision::number).findFirst();
    }

    @Override
    public Optional<Revision> lastGood(String appUid, int except) {
        return revisions.stream().filter(r -> RevisionStore.COMPLETE.equals(r.phase()) && r.number() != except)
                .max(Comparator.comparingInt(Revision::number));
    }

    @Override
    public Optional<String> template(String appUid, String configHash) {
        for (int i = revisions.size() - 1; i >= 0; i--) {
            if (revisions.get(i).configHash().equals(configHash) && templates.get(i) != null) {
                return Optional.of(templates.get(i));
            }
        }
        return Optional.empty();
    }

    @Override
    public void setPhase(String appUid, int number, String phase) {
        Revision r = revisions.get(number - 1);
        revisions.set(number - 1, new Revision(r.number(), r.configHash(), r.image(), r.imageId(), r.spec(), r.cause(), phase, r.created()));
    }

    /** {@code 1 Complete, 2 Failed}: each revision's number and phase. */
    String phases() {
        return String.join(", ", revisions.stream().map(r -> r.number() + " " + r.phase()).toList());
    }
}
