package dev.mooring.write;

import dev.mooring.api.ApiException;
import dev.mooring.api.App;
import dev.mooring.api.Kind;
import dev.mooring.api.MooringResource;
import dev.mooring.api.ResourceKey;
import dev.mooring.api.ResourceParser;
import dev.mooring.security.Admission;
import dev.mooring.security.AuditLog;
import dev.mooring.security.AuditTrail;
import dev.mooring.store.ResourceSources;
import dev.mooring.store.ResourceStore;
import dev.mooring.store.ResourceStore.Outcome;
import dev.mooring.store.ResourceStore.Written;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the write path decides, without Quarkus or a database: the order of its checks, which
 * refusal names which step, what is audited where, and which writes are tried again.
 */
class WritePathTest {
    static final String NS = "shop";

    final List<String> calls = new ArrayList<>();
    final List<App> stored = new ArrayList<>();
    final List<String> sourceLines = new ArrayList<>();
    ApiException admissionRefusal;
    AuditTrail trail;
    WritePath path;

    @BeforeEach
    void setUp() {
        trail = new AuditTrail();
        path = new WritePath();
        path.trail = trail;
        path.store = new ResourceStore() {
            @Override
            @SuppressWarnings("unchecked")
            public <T extends MooringResource<?, ?>> List<T> list(Class<T> type, String namespace) {
                calls.add("list " + namespace);
                return (List<T>) List.copyOf(stored);
            }

            @Override
            public List<Written> applyAndPrune(List<MooringResource<?, ?>> resources, List<ResourceKey> prune, boolean dryRun, String source) {
                calls.add("store apply " + source + (dryRun ? " dry" : ""));
                List<Written> out = new ArrayList<>(resources.stream().map(r -> new Written(r, Outcome.created)).toList());
                prune.forEach(k -> out.add(new Written(app(k.name(), ""), Outcome.deleted, "7")));
                return out;
            }

            @Override
            public MooringResource<?, ?> create(MooringResource<?, ?> desired, String source) {
                calls.add("store create " + source);
                return desired;
            }
        };
        path.admission = new Admission() {
            @Override
            public List<Finding> admit(List<? extends MooringResource<?, ?>> resources) {
                calls.add("admit " + resources.size());
                if (admissionRefusal != null) {
                    throw admissionRefusal;
                }
                return List.of();
            }

            @Override
            public void record(List<Finding> findings, List<? extends MooringResource<?, ?>> written) {
                calls.add("record " + written.size());
            }
        };
        path.log = new AuditLog() {
            @Override
            public void sourceWrote(String user, Written w, String detail) {
                sourceLines.add(user + " " + w.outcome() + " " + w.resource().name() + ": " + detail);
            }
        };
    }

    static App app(String name, String extraSpec) {
        String yaml = """
                apiVersion: mooring.dev/v1alpha1
                kind: App
                metadata: {name: %s, namespace: %s}
                spec:
                  image: busybox:1
                %s
                """.formatted(name, NS, extraSpec.indent(2));
        return (App) ResourceParser.parse(yaml, true, NS).get(0);
    }

    static List<MooringResource<?, ?>> list(MooringResource<?, ?>... rs) {
        return List.of(rs);
    }

    @Test
    void theChecksRunInOrderBeforeTheStoreAndTheFindingsAreRecordedAfterIt() {
        path.write(WriteRequest.apply(list(app("web", "")), ResourceSources.REST, Actor.caller("apply"), false));
        assertThat(calls).containsExactly("list shop", "admit 1", "store apply rest", "record 1");
    }

    @Test
    void aDryRunRecordsNoFindings() {
        path.write(WriteRequest.apply(list(app("web", "")), ResourceSources.REST, Actor.caller("apply"), true));
        assertThat(calls).containsExactly("list shop", "admit 1", "store apply rest dry");
    }

    @Test
    void aCycleIsRefusedAsTheDependencyCycleStepBeforeAdmissionAndTheStore() {
        stored.add(app("a", "dependsOn: [{app: b}]"));
        WriteRequest request = WriteRequest.apply(list(app("b", "dependsOn: [{app: a}]")), ResourceSources.git(NS, "site"),
                Actor.git("commit c1 of GitRepository shop/site"), true);
        assertThatThrownBy(() -> path.write(request)).isInstanceOfSatisfying(WriteRefused.class, e -> {
            assertThat(e.step).isEqualTo(WriteRefused.Step.DEPENDENCY_CYCLE);
            assertThat(e.status).isEqualTo(422);
            assertThat(e.title).isEqualTo("Invalid Resource");
            assertThat(e.getMessage()).isEqualTo("App shop/a: spec.dependsOn: Apps in namespace shop depend on each other in a cycle: a -> b -> a");
        });
        assertThat(calls).containsExactly("list shop");
    }

    @Test
    void anAppTheWritePrunesClosesNoCycle() {
        stored.add(app("a", "dependsOn: [{app: b}]"));
        WriteRequest request = WriteRequest.apply(list(app("b", "dependsOn: [{app: a}]")), ResourceSources.git(NS, "site"),
                Actor.git("commit c1"), false);
        assertThat(WritePath.dependencyCycle(request, ns -> stored)).isNotNull();
        assertThat(WritePath.dependencyCycle(request.pruning(List.of(new ResourceKey(Kind.App, NS, "a"))), ns -> stored)).isNull();
    }

    @Test
    void anAdmissionRefusalKeepsItsAnswerAndNamesItsStep() {
        admissionRefusal = new ApiException(422, "Forbidden by Admission Policy", "spec.privileged: forbidden", null);
        assertThatThrownBy(() -> path.write(WriteRequest.create(app("web", ""), Actor.caller("create"))))
                .isInstanceOfSatisfying(WriteRefused.class, e -> {
                    assertThat(e.step).isEqualTo(WriteRefused.Step.ADMISSION);
                    assertThat(e.status).isEqualTo(422);
                    assertThat(e.title).isEqualTo("Forbidden by Admission Policy");
                    assertThat(e.getMessage()).isEqualTo("spec.privileged: forbidden");
                });
        assertThat(calls).doesNotContain("store create rest");
        assertThat(trail.changes()).isEmpty();
    }

    @Test
    void invalidFieldsNameTheirResourceOnlyInACallersApply() {
        App bad = app("web", "");
        bad.getSpec().image = "Not An Image";
        assertThatThrownBy(() -> path.write(WriteRequest.apply(list(bad), ResourceSources.REST, Actor.caller("import"), false)))
                .isInstanceOfSatisfying(WriteRefused.class, e -> {
                    assertThat(e.step).isEqualTo(WriteRefused.Step.VALIDATION);
                    assertThat(e.errors).allSatisfy(f -> assertThat(f.object()).isEqualTo("App shop/web"));
                });
        assertThatThrownBy(() -> path.write(WriteRequest.apply(list(bad), ResourceSources.CRD, Actor.crd("custom resource generation 1"), false)))
                .isInstanceOfSatisfying(WriteRefused.class, e -> assertThat(e.errors).allSatisfy(f -> assertThat(f.object()).isNull()));
        assertThat(calls).isEmpty();
    }

    @Test
    void aCallersChangesGoToTheRequestsTrailWithTheirOutcomeAndADryRunSaysSo() {
        path.write(WriteRequest.apply(list(app("web", "")), ResourceSources.REST, Actor.caller("apply"), true));
        path.write(WriteRequest.create(app("api", ""), Actor.caller("create")));
        assertThat(trail.changes()).extracting(c -> c.verb() + " " + c.name() + ": " + c.detail())
                .containsExactly("apply web: created (dry run, nothing stored)", "create api: created");
        assertThat(sourceLines).isEmpty();
    }

    @Test
    void aSourcesChangesGoToTheAuditLogAsItsUserAndItsDryRunLeavesNoLine() {
        String owner = ResourceSources.git(NS, "site");
        path.write(WriteRequest.apply(list(app("web", "")), owner, Actor.git("commit c1"), true));
        assertThat(sourceLines).isEmpty();
        path.write(WriteRequest.apply(list(app("web", "")), owner, Actor.git("commit c1"), false).pruning(List.of(new ResourceKey(Kind.App, NS, "old"))));
        assertThat(sourceLines).containsExactly("system:git created web: commit c1", "system:git deleted old: commit c1");
        assertThat(trail.changes()).isEmpty();
    }

    @Test
    void theDetailOfACallersChangeIsItsOutcomeOrItsNote() {
        Actor.Caller plain = new Actor.Caller("delete", null);
        assertThat(plain.detail(Outcome.deleted, false)).isEqualTo("deletion started");
        assertThat(plain.detail(Outcome.configured, false)).isEqualTo("configured");
        assertThat(plain.detail(Outcome.unchanged, true)).isEqualTo("unchanged (dry run, nothing stored)");
        assertThat(new Actor.Caller("rollback", "to revision 3").detail(Outcome.configured, false)).isEqualTo("to revision 3");
    }

    @Test
    void aLostRaceIsTriedAgainUnlessTheWriterNamedAVersionOrCreates() {
        App pinned = app("web", "");
        pinned.getMetadata().setResourceVersion("4");
        assertThat(WriteRequest.replace(pinned, Actor.caller("update")).retries()).isFalse();
        assertThat(WriteRequest.replace(pinned, Actor.caller("update")).expectedVersion()).isEqualTo("4");
        assertThat(WriteRequest.replace(app("web", ""), Actor.caller("update")).retries()).isTrue();
        assertThat(WriteRequest.create(app("web", ""), Actor.caller("create")).retries()).isFalse();
        assertThat(WriteRequest.apply(list(pinned), ResourceSources.REST, Actor.caller("apply"), false).retries()).isTrue();
        assertThat(WriteRequest.delete(new ResourceKey(Kind.App, NS, "web"), ResourceSources.REST, Actor.caller("delete")).retries()).isTrue();
    }
}
