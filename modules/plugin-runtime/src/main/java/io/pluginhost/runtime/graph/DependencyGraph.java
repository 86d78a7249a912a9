package io.pluginhost.runtime.graph;

import io.pluginhost.api.PluginDependency;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.CircularDependencyException;
import io.pluginhost.api.exception.DependencyNotFoundException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.SelfDependencyException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Dependency rules between plugins, over descriptors only: whether a plugin may load next to the
 * loaded ones, the order to load a batch in, and who depends on whom. Pure functions, each linear in
 * the part of the graph it looks at (never in the number of loaded plugins); the caller holds the
 * lifecycle lock.
 */
public final class DependencyGraph {

    private DependencyGraph() {
    }

    /**
     * Checks that {@code candidate} may be loaded now: it does not depend on itself, every required
     * dependency is loaded, and (when it replaces a loaded plugin of the same name, as in a reload with a new
     * jar) it does not close a cycle through the loaded plugins. Looks only at what the candidate
     * reaches through its dependencies.
     *
     * @param candidate the plugin to load
     * @param loaded    the loaded plugin of a name, or {@code null}
     * @throws SelfDependencyException      if it depends on itself
     * @throws DependencyNotFoundException  if a required dependency is not loaded
     * @throws CircularDependencyException  if it would close a cycle
     */
    public static void checkLoadable(PluginDescriptor candidate, Function<String, PluginDescriptor> loaded) {
        if (candidate.dependencies().contains(candidate.name())) {
            throw new SelfDependencyException(candidate.name());
        }
        for (PluginDependency dependency : candidate.requirements()) {
            if (!dependency.optional() && loaded.apply(dependency.name()) == null) {
                throw new DependencyNotFoundException(candidate.name(), dependency.name());
            }
        }
        Function<String, PluginDescriptor> graph = name -> name.equals(candidate.name()) ? candidate : loaded.apply(name);
        List<String> cycle = cycleThrough(candidate.name(), graph);
        if (!cycle.isEmpty()) {
            throw new CircularDependencyException(cycle);
        }
    }

    /** {@link #checkLoadable(PluginDescriptor, Function)} against a map of the loaded plugins. */
    public static void checkLoadable(PluginDescriptor candidate, Map<String, PluginDescriptor> loaded) {
        checkLoadable(candidate, loaded::get);
    }

    /**
     * Orders a batch (a plugin directory) so that dependencies come first, keeping the batch's order
     * where the graph allows. Plugins that depend on themselves or sit on a cycle are left out and
     * reported; dependencies outside the batch are not checked here (loading will check them).
     * Linear in the batch and its edges: cycles are the strongly connected components (Tarjan).
     *
     * @param batch the plugins to order; names must be unique
     * @return the order and the refusals
     */
    public static BatchOrder order(Collection<PluginDescriptor> batch) {
        Map<String, PluginDescriptor> byName = new LinkedHashMap<>();
        batch.forEach(d -> byName.put(d.name(), d));
        Map<String, PluginException> refused = new LinkedHashMap<>();
        for (List<String> component : new Components(byName).find()) {
            if (component.size() == 1) {
                String name = component.get(0);
                if (byName.get(name).dependencies().contains(name)) {
                    refused.put(name, new SelfDependencyException(name));
                }
                continue;
            }
            Set<String> members = new HashSet<>(component);
            for (String name : component) {
                refused.put(name, new CircularDependencyException(cycleThrough(name,
                        n -> members.contains(n) ? byName.get(n) : null)));
            }
        }
        List<String> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String name : byName.keySet()) {
            visit(name, byName, refused.keySet(), done, order);
        }
        return new BatchOrder(order, refused);
    }

    /**
     * @param name       a loaded plugin
     * @param dependents the loaded plugins that declare a plugin as a direct dependency
     * @param loadOrder  where a loaded plugin stands in load order (dependencies load first)
     * @return every loaded plugin that depends on {@code name}, directly or not, dependencies first
     */
    public static List<String> dependentsOf(String name, Function<String, Collection<String>> dependents,
                                            Comparator<String> loadOrder) {
        Set<String> found = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(name));
        while (!todo.isEmpty()) {
            for (String dependent : dependents.apply(todo.pop())) {
                if (found.add(dependent)) {
                    todo.push(dependent);
                }
            }
        }
        List<String> ordered = new ArrayList<>(found);
        ordered.sort(loadOrder);
        return ordered;
    }

    /** {@link #dependentsOf(String, Function, Comparator)} over a map of the loaded plugins in load order. */
    public static List<String> dependentsOf(String name, Map<String, PluginDescriptor> loaded) {
        Map<String, List<String>> dependents = new HashMap<>();
        Map<String, Integer> position = new HashMap<>();
        loaded.values().forEach(d -> {
            position.put(d.name(), position.size());
            d.dependencies().forEach(dep -> dependents.computeIfAbsent(dep, k -> new ArrayList<>()).add(d.name()));
        });
        return dependentsOf(name, n -> dependents.getOrDefault(n, List.of()), Comparator.comparing(position::get));
    }

    private static void visit(String name, Map<String, PluginDescriptor> graph, Set<String> skip, Set<String> done,
                              List<String> order) {
        if (skip.contains(name) || !done.add(name)) {
            return;
        }
        for (String dependency : graph.get(name).dependencies()) {
            if (graph.containsKey(dependency)) {
                visit(dependency, graph, skip, done, order);
            }
        }
        order.add(name);
    }

    /** Depth-first search for a path from {@code start} back to itself; empty if there is none. */
    private static List<String> cycleThrough(String start, Function<String, PluginDescriptor> graph) {
        Deque<String> path = new ArrayDeque<>();
        path.addLast(start);
        return search(start, start, graph, path, new HashSet<>()) ? List.copyOf(path) : List.of();
    }

    private static boolean search(String start, String current, Function<String, PluginDescriptor> graph,
                                  Deque<String> path, Set<String> visited) {
        for (String next : graph.apply(current).dependencies()) {
            if (next.equals(start) && !current.equals(start)) {
                path.addLast(next);
                return true;
            }
            if (!next.equals(start) && graph.apply(next) != null && visited.add(next)) {
                path.addLast(next);
                if (search(start, next, graph, path, visited)) {
                    return true;
                }
                path.removeLast();
            }
        }
        return false;
    }

    /** Tarjan's strongly connected components of a batch, over the edges inside it. */
    private static final class Components {
        private final Map<String, PluginDescriptor> graph;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> lowLink = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new HashSet<>();
        private final List<List<String>> components = new ArrayList<>();

        Components(Map<String, PluginDescriptor> graph) {
            this.graph = graph;
        }

        List<List<String>> find() {
            for (String name : graph.keySet()) {
                if (!index.containsKey(name)) {
                    connect(name);
                }
            }
            return components;
        }

        private void connect(String name) {
            index.put(name, index.size());
            lowLink.put(name, index.get(name));
            stack.push(name);
            onStack.add(name);
            for (String next : graph.get(name).dependencies()) {
                if (!graph.containsKey(next)) {
                    continue;
                }
                if (!index.containsKey(next)) {
                    connect(next);
                    lowLink.put(name, Math.min(lowLink.get(name), lowLink.get(next)));
                } else if (onStack.contains(next)) {
                    lowLink.put(name, Math.min(lowLink.get(name), index.get(next)));
                }
            }
            if (lowLink.get(name).equals(index.get(name))) {
                List<String> component = new ArrayList<>();
                String member;
                do {
                    member = stack.pop();
                    onStack.remove(member);
                    component.add(member);
                } while (!member.equals(name));
                components.add(component);
            }
        }
    }

    /**
     * A batch in load order.
     *
     * @param order   names, dependencies first, refused ones left out
     * @param refused refused names with the reason
     */
    public record BatchOrder(List<String> order, Map<String, PluginException> refused) {
    }
}
