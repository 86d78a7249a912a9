package io.pluginhost.runtime.graph;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.CircularDependencyException;
import io.pluginhost.api.exception.DependencyNotFoundException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.SelfDependencyException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dependency rules between plugins, over descriptors only: whether a plugin may load next to the
 * loaded ones, the order to load a batch in, and who depends on whom. Pure functions; the caller
 * holds the lifecycle lock.
 */
public final class DependencyGraph {

    private DependencyGraph() {
    }

    /**
     * Checks that {@code candidate} may be loaded now: it does not depend on itself, every dependency
     * is loaded, and (when it replaces a loaded plugin of the same name, as in a reload with a new
     * jar) it does not close a cycle through the loaded plugins.
     *
     * @param candidate the plugin to load
     * @param loaded    the loaded plugins by name
     * @throws SelfDependencyException      if it depends on itself
     * @throws DependencyNotFoundException  if a dependency is not loaded
     * @throws CircularDependencyException  if it would close a cycle
     */
    public static void checkLoadable(PluginDescriptor candidate, Map<String, PluginDescriptor> loaded) {
        if (candidate.dependencies().contains(candidate.name())) {
            throw new SelfDependencyException(candidate.name());
        }
        Map<String, PluginDescriptor> graph = new HashMap<>(loaded);
        graph.put(candidate.name(), candidate);
        for (String dependency : candidate.dependencies()) {
            if (!loaded.containsKey(dependency)) {
                throw new DependencyNotFoundException(candidate.name(), dependency);
            }
        }
        List<String> cycle = cycleThrough(candidate.name(), graph);
        if (!cycle.isEmpty()) {
            throw new CircularDependencyException(cycle);
        }
    }

    /**
     * Orders a batch (a plugin directory) so that dependencies come first, keeping the batch's order
     * where the graph allows. Plugins that depend on themselves or sit on a cycle are left out and
     * reported; dependencies outside the batch are not checked here (loading will check them).
     *
     * @param batch the plugins to order; names must be unique
     * @return the order and the refusals
     */
    public static BatchOrder order(Collection<PluginDescriptor> batch) {
        Map<String, PluginDescriptor> byName = new LinkedHashMap<>();
        batch.forEach(d -> byName.put(d.name(), d));
        Map<String, PluginException> refused = new LinkedHashMap<>();
        for (PluginDescriptor d : byName.values()) {
            if (d.dependencies().contains(d.name())) {
                refused.put(d.name(), new SelfDependencyException(d.name()));
            }
        }
        for (String name : byName.keySet()) {
            if (!refused.containsKey(name)) {
                List<String> cycle = cycleThrough(name, byName);
                if (!cycle.isEmpty()) {
                    refused.put(name, new CircularDependencyException(cycle));
                }
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
     * @param name   a loaded plugin
     * @param loaded the loaded plugins by name (no cycles among them)
     * @return every loaded plugin that depends on {@code name}, directly or not, dependencies first
     */
    public static List<String> dependentsOf(String name, Map<String, PluginDescriptor> loaded) {
        Set<String> dependents = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(name));
        while (!todo.isEmpty()) {
            String current = todo.pop();
            for (PluginDescriptor d : loaded.values()) {
                if (d.dependencies().contains(current) && dependents.add(d.name())) {
                    todo.push(d.name());
                }
            }
        }
        return loadOrder(loaded).stream().filter(dependents::contains).toList();
    }

    /**
     * @param loaded the loaded plugins by name (no cycles among them)
     * @return every name, dependencies before dependents
     */
    public static List<String> loadOrder(Map<String, PluginDescriptor> loaded) {
        List<String> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String name : loaded.keySet()) {
            visit(name, loaded, Set.of(), done, order);
        }
        return order;
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
    private static List<String> cycleThrough(String start, Map<String, PluginDescriptor> graph) {
        Deque<String> path = new ArrayDeque<>();
        path.addLast(start);
        return search(start, start, graph, path, new HashSet<>()) ? List.copyOf(path) : List.of();
    }

    private static boolean search(String start, String current, Map<String, PluginDescriptor> graph,
                                  Deque<String> path, Set<String> visited) {
        for (String next : graph.get(current).dependencies()) {
            if (next.equals(start) && !current.equals(start)) {
                path.addLast(next);
                return true;
            }
            if (graph.containsKey(next) && !next.equals(start) && visited.add(next)) {
                path.addLast(next);
                if (search(start, next, graph, path, visited)) {
                    return true;
                }
                path.removeLast();
            }
        }
        return false;
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
