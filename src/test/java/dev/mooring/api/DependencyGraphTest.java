package dev.mooring.api;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The cycle search over Apps' dependsOn, and the error a write that closes a cycle gets. */
class DependencyGraphTest {
    @Test
    void aGraphWithoutCyclesHasNone() {
        assertThat(new DependencyGraph(Map.of("web", List.of("db", "cache"), "cache", List.of("db"))).firstCycle()).isEmpty();
        assertThat(new DependencyGraph(Map.of()).firstCycle()).isEmpty();
    }

    @Test
    void theCycleIsListedFromWhereItStartsWithItsFirstAppRepeated() {
        assertThat(new DependencyGraph(Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of("a"))).firstCycle())
                .containsExactly("a", "b", "c", "a");
        assertThat(new DependencyGraph(Map.of("a", List.of("a"))).firstCycle()).containsExactly("a", "a");
        // the path into the cycle is not part of it
        assertThat(new DependencyGraph(Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of("b"))).firstCycle())
                .containsExactly("b", "c", "b");
    }

    @Test
    void theSearchStartsFromTheAppsInNameOrder() {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        edges.put("z", List.of("y"));
        edges.put("y", List.of("z"));
        edges.put("b", List.of("a"));
        edges.put("a", List.of("b"));
        assertThat(new DependencyGraph(edges).firstCycle()).containsExactly("a", "b", "a");
        assertThat(Validation.dependencyCycle(edges)).isEqualTo("a -> b -> a");
    }

    @Test
    void aDependencyOnAnAppNotInTheGraphIsNoCycle() {
        assertThat(new DependencyGraph(Map.of("web", List.of("elsewhere"))).firstCycle()).isEmpty();
    }

    @Test
    void theWriteIsCheckedOverTheStoredAppsOfItsNamespace() {
        App a = app("shop", "a", "b");
        App b = app("shop", "b", "a");
        var graphs = DependencyGraph.afterWrite(Map.of("shop", List.of(a)), List.of(b, app("blog", "x")));
        assertThat(graphs.keySet()).containsExactly("blog", "shop");
        assertThat(graphs.get("shop").firstCycle()).containsExactly("a", "b", "a");
        assertThat(graphs.get("blog").firstCycle()).isEmpty();
        ApiException.FieldError e = DependencyGraph.cycleError(Map.of("shop", List.of(a)), List.of(b));
        assertThat(e).isEqualTo(new ApiException.FieldError("spec.dependsOn",
                "Apps in namespace shop depend on each other in a cycle: a -> b -> a", "App shop/a"));
    }

    @Test
    void dependsOnSkipsEmptyEntries() {
        App a = app("shop", "a", "b");
        a.getSpec().dependsOn = new java.util.ArrayList<>(a.getSpec().dependsOn);
        a.getSpec().dependsOn.add(null);
        a.getSpec().dependsOn.add(new AppSpec.Dependency());
        assertThat(DependencyGraph.dependsOn(a)).containsExactly("b");
        assertThat(DependencyGraph.dependsOn(new App())).isEmpty();
    }

    private static App app(String namespace, String name, String... dependsOn) {
        App app = new App();
        app.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        app.setSpec(new AppSpec());
        app.getSpec().image = "nginx";
        app.getSpec().dependsOn = java.util.Arrays.stream(dependsOn).map(d -> {
            AppSpec.Dependency dep = new AppSpec.Dependency();
            dep.app = d;
            return dep;
        }).toList();
        return app;
    }
}
