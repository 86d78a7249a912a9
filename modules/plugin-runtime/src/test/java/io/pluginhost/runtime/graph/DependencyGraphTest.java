package io.pluginhost.runtime.graph;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.CircularDependencyException;
import io.pluginhost.api.exception.DependencyNotFoundException;
import io.pluginhost.api.exception.SelfDependencyException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DependencyGraphTest {

    private static PluginDescriptor plugin(String name, String... dependencies) {
        return new PluginDescriptor(name, "1", "", List.of(dependencies), List.of(), List.of(), List.of());
    }

    private static Map<String, PluginDescriptor> graph(PluginDescriptor... plugins) {
        Map<String, PluginDescriptor> map = new LinkedHashMap<>();
        for (PluginDescriptor p : plugins) {
            map.put(p.name(), p);
        }
        return map;
    }

    @Test
    void batchIsOrderedDependenciesFirst() {
        DependencyGraph.BatchOrder order = DependencyGraph.order(List.of(
                plugin("c", "b"), plugin("a"), plugin("b", "a"), plugin("d")));

        assertThat(order.order()).containsExactly("a", "b", "c", "d");
        assertThat(order.refused()).isEmpty();
    }

    @Test
    void cycleInBatchIsRefusedWithTheChainAndTheRestStillOrdered() {
        DependencyGraph.BatchOrder order = DependencyGraph.order(List.of(
                plugin("a", "b"), plugin("b", "a"), plugin("free")));

        assertThat(order.order()).containsExactly("free");
        assertThat(order.refused()).containsOnlyKeys("a", "b");
        assertThat(order.refused().get("a")).isInstanceOf(CircularDependencyException.class)
                .hasMessage("circular dependency: a -> b -> a");
        assertThat(((CircularDependencyException) order.refused().get("b")).chain()).containsExactly("b", "a", "b");
    }

    @Test
    void longerCycleShowsEveryLink() {
        DependencyGraph.BatchOrder order = DependencyGraph.order(List.of(
                plugin("a", "b"), plugin("b", "c"), plugin("c", "a")));

        assertThat(order.refused().get("a")).hasMessage("circular dependency: a -> b -> c -> a");
    }

    @Test
    void selfDependencyIsRefused() {
        assertThatThrownBy(() -> DependencyGraph.checkLoadable(plugin("a", "a"), Map.of()))
                .isInstanceOf(SelfDependencyException.class)
                .hasMessageContaining("'a' declares a dependency on itself");
        assertThat(DependencyGraph.order(List.of(plugin("a", "a"))).refused().get("a"))
                .isInstanceOf(SelfDependencyException.class);
    }

    @Test
    void missingDependencyIsRefused() {
        assertThatThrownBy(() -> DependencyGraph.checkLoadable(plugin("b", "a"), Map.of()))
                .isInstanceOf(DependencyNotFoundException.class)
                .hasMessage("plugin 'b' depends on 'a', which is not loaded; load it first");
    }

    @Test
    void replacingALoadedPluginWithOneThatDependsOnItsDependentIsACycle() {
        Map<String, PluginDescriptor> loaded = graph(plugin("b", "a"));

        assertThatThrownBy(() -> DependencyGraph.checkLoadable(plugin("a", "b"), loaded))
                .isInstanceOf(CircularDependencyException.class)
                .hasMessage("circular dependency: a -> b -> a");
    }

    @Test
    void dependentsAreTransitiveAndInLoadOrder() {
        Map<String, PluginDescriptor> loaded = graph(plugin("a"), plugin("b", "a"), plugin("c", "b"),
                plugin("d", "a", "c"), plugin("other"));

        assertThat(DependencyGraph.dependentsOf("a", loaded)).containsExactly("b", "c", "d");
        assertThat(DependencyGraph.dependentsOf("c", loaded)).containsExactly("d");
        assertThat(DependencyGraph.dependentsOf("other", loaded)).isEmpty();
    }
}
