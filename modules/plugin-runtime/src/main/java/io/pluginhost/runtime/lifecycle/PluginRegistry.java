package io.pluginhost.runtime.lifecycle;

import io.pluginhost.api.PluginDependency;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginState;
import io.pluginhost.runtime.graph.DependencyGraph;
import io.pluginhost.runtime.internal.ExtensionLookup;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.PhysicalNameClaims;
import io.pluginhost.runtime.resource.ResourceOverrides;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * What the engine knows about plugins: the loaded ones, the ones that failed to come back, the
 * operator's overrides (kept across unloads) and which physical resource names are taken.
 *
 * <p>Concurrency: the maps are concurrent so queries and calls ({@code find}, {@code list},
 * {@code execute}) never wait for a lifecycle operation; every change is made by the engine under its
 * lifecycle lock, so changes never race each other. A plugin is added only once it initialized and
 * removed before its cleanup runs.
 */
public final class PluginRegistry implements ExtensionLookup {

    private final Map<String, LoadedPlugin> loaded = new ConcurrentHashMap<>();
    /** The loaded plugins by when they were added: load order, which puts dependencies first. */
    private final NavigableMap<Long, LoadedPlugin> inLoadOrder = new ConcurrentSkipListMap<>();
    private final Map<String, Long> sequence = new ConcurrentHashMap<>();
    private long nextSequence;
    /** For each plugin name, the loaded plugins bound to it as a direct dependency. */
    private final Map<String, Set<String>> dependents = new ConcurrentHashMap<>();
    /** For each plugin name, the loaded plugins that declare it as an optional dependency and did not bind it. */
    private final Map<String, Set<String>> unboundOptional = new ConcurrentHashMap<>();
    private final Map<String, String> pluginByModule = new ConcurrentHashMap<>();
    /** For each extension point a loaded plugin's module provides, those plugins in load order. */
    private final Map<String, NavigableMap<Long, LoadedPlugin>> providers = new ConcurrentHashMap<>();
    private final Map<String, PluginInfo> failed = new ConcurrentHashMap<>();
    private final Map<String, ResourceOverrides> overrides = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> config = new ConcurrentHashMap<>();
    private final PhysicalNameClaims claims = new PhysicalNameClaims();

    /** @return the unpacked private-library files the loaded plugins use */
    public Set<Path> libraryFilesInUse() {
        Set<Path> files = new HashSet<>();
        for (LoadedPlugin plugin : loaded.values()) {
            files.addAll(plugin.layer().jar().libraryFiles());
        }
        return files;
    }

    /** @return every loaded plugin, in no order */
    public List<LoadedPlugin> allLoaded() {
        return List.copyOf(loaded.values());
    }

    /** @return the loaded plugin of that name, if any */
    public Optional<LoadedPlugin> loaded(String name) {
        return Optional.ofNullable(loaded.get(name));
    }

    /**
     * @param name a loaded plugin's name
     * @return it
     * @throws IllegalStateException if it is not loaded (a bug in the engine's bookkeeping)
     */
    public LoadedPlugin require(String name) {
        LoadedPlugin plugin = loaded.get(name);
        if (plugin == null) {
            throw new IllegalStateException("plugin '" + name + "' is not loaded");
        }
        return plugin;
    }

    /** Records the physical names a plugin is about to use; refused if another plugin holds one. */
    public void reserve(String name, EffectiveResources resources) {
        claims.claim(name, resources);
    }

    /** Gives back names reserved for a plugin whose load failed. */
    public void unreserve(String name, EffectiveResources resources) {
        claims.release(name, resources);
    }

    /** Adds a plugin that initialized; it is no longer listed as failed. */
    public void add(LoadedPlugin plugin) {
        String name = plugin.name();
        long position = nextSequence++;
        sequence.put(name, position);
        inLoadOrder.put(position, plugin);
        pluginByModule.put(plugin.layer().module().getName(), name);
        for (String point : plugin.extensionPoints()) {
            providers.computeIfAbsent(point, p -> new ConcurrentSkipListMap<>()).put(position, plugin);
        }
        for (String dependency : plugin.bound) {
            index(dependents, dependency, name);
        }
        for (String dependency : unboundOptionalOf(plugin)) {
            index(unboundOptional, dependency, name);
        }
        loaded.put(name, plugin);
        failed.remove(name);
    }

    /** Removes a plugin about to be torn down, and its names. */
    public void remove(LoadedPlugin plugin) {
        String name = plugin.name();
        if (!loaded.remove(name, plugin)) {
            return;
        }
        long position = sequence.remove(name);
        inLoadOrder.remove(position);
        pluginByModule.remove(plugin.layer().module().getName(), name);
        for (String point : plugin.extensionPoints()) {
            providers.computeIfPresent(point, (p, plugins) -> {
                plugins.remove(position);
                return plugins.isEmpty() ? null : plugins;
            });
        }
        for (String dependency : plugin.bound) {
            unindex(dependents, dependency, name);
        }
        for (String dependency : unboundOptionalOf(plugin)) {
            unindex(unboundOptional, dependency, name);
        }
        claims.release(name, plugin.resources());
    }

    private static List<String> unboundOptionalOf(LoadedPlugin plugin) {
        List<String> unbound = new ArrayList<>(0);
        for (PluginDependency requirement : plugin.descriptor().requirements()) {
            if (requirement.optional() && !plugin.bound.contains(requirement.name())) {
                unbound.add(requirement.name());
            }
        }
        return unbound;
    }

    private static void index(Map<String, Set<String>> index, String key, String name) {
        index.computeIfAbsent(key, k -> new ConcurrentSkipListSet<>()).add(name);
    }

    private static void unindex(Map<String, Set<String>> index, String key, String name) {
        index.computeIfPresent(key, (k, names) -> {
            names.remove(name);
            return names.isEmpty() ? null : names;
        });
    }

    /** Lists a plugin that was loaded and did not come back (a failed reload), so it can be retried. */
    public void markFailed(PluginDescriptor descriptor, Path source, String why) {
        failed.put(descriptor.name(), new PluginInfo(descriptor, PluginState.FAILED, source, List.of(), Map.of(),
                Map.of(), Map.of(), Instant.now(), Optional.of(why), List.of(), 0, Optional.empty()));
    }

    /** @return the failed plugin of that name, if any */
    public Optional<PluginInfo> failed(String name) {
        return Optional.ofNullable(failed.get(name));
    }

    /** @return whether a failed plugin of that name was forgotten */
    public boolean forgetFailed(String name) {
        return failed.remove(name) != null;
    }

    /** Forgets every failed plugin. */
    public void forgetAllFailed() {
        failed.clear();
    }

    /** @return the stored overrides of a plugin, or none */
    public ResourceOverrides overrides(String name) {
        return overrides.getOrDefault(name, ResourceOverrides.NONE);
    }

    /** @return the stored overrides of a plugin, if any were set */
    public Optional<ResourceOverrides> storedOverrides(String name) {
        return Optional.ofNullable(overrides.get(name));
    }

    /** Stores a plugin's overrides. */
    public void storeOverrides(String name, ResourceOverrides stored) {
        overrides.put(name, stored);
    }

    /** @return whether overrides were stored and are now removed */
    public boolean clearOverrides(String name) {
        return overrides.remove(name) != null;
    }

    /** @return a snapshot of a loaded plugin, with its loaded dependents */
    public PluginInfo info(LoadedPlugin plugin) {
        return new PluginInfo(plugin.descriptor(), PluginState.LOADED, plugin.source(),
                List.copyOf(directDependents(plugin.name())),
                plugin.resources().tables().physicalNames(), plugin.resources().topics().physicalNames(),
                plugin.resources().buckets().physicalNames(), plugin.loadedAt(), Optional.empty(),
                plugin.extensionPoints(), plugin.scheduledTasks(), Optional.ofNullable(plugin.knownHealth()));
    }

    /** @return a loaded plugin's snapshot, or a failed one's, if either exists */
    public Optional<PluginInfo> find(String name) {
        LoadedPlugin plugin = loaded.get(name);
        return plugin != null ? Optional.of(info(plugin)) : Optional.ofNullable(failed.get(name));
    }

    /** @return every loaded plugin in load order, then every failed one by name */
    public List<PluginInfo> list() {
        List<PluginInfo> all = new ArrayList<>();
        inLoadOrder().forEach(p -> all.add(info(p)));
        failed.values().stream().sorted(Comparator.comparing(PluginInfo::name)).forEach(all::add);
        return all;
    }

    /** @return the descriptor of the loaded plugin of that name, or {@code null} */
    public PluginDescriptor descriptor(String name) {
        LoadedPlugin plugin = loaded.get(name);
        return plugin == null ? null : plugin.descriptor();
    }

    /** @return the loaded plugins bound to {@code name} as a direct dependency, by name */
    public Set<String> directDependents(String name) {
        return dependents.getOrDefault(name, Set.of());
    }

    /** @return the loaded plugins that declare {@code name} as an optional dependency and did not bind it */
    public Set<String> unboundOptionalDependents(String name) {
        return unboundOptional.getOrDefault(name, Set.of());
    }

    /** @return the dependencies a loaded plugin bound, in declared order */
    public List<String> bound(String name) {
        return require(name).bound;
    }

    /** @return a plugin's stored settings, or none */
    public Map<String, String> config(String name) {
        return config.getOrDefault(name, Map.of());
    }

    /** @return a plugin's stored settings, if any were set */
    public Optional<Map<String, String>> storedConfig(String name) {
        return Optional.ofNullable(config.get(name));
    }

    /** Stores a plugin's settings. */
    public void storeConfig(String name, Map<String, String> settings) {
        config.put(name, Map.copyOf(settings));
    }

    /** @return whether settings were stored and are now removed */
    public boolean clearConfig(String name) {
        return config.remove(name) != null;
    }

    /** @return every loaded plugin that depends on {@code name}, directly or not, dependencies first */
    public List<String> dependentsOf(String name) {
        return DependencyGraph.dependentsOf(name, this::directDependents,
                Comparator.comparing(n -> sequence.getOrDefault(n, Long.MAX_VALUE)));
    }

    @Override
    public <T> List<T> extensions(Class<T> type) {
        NavigableMap<Long, LoadedPlugin> providing = providers.get(type.getName());
        if (providing == null) {
            return List.of();
        }
        List<T> handles = new ArrayList<>();
        for (LoadedPlugin plugin : providing.values()) {
            handles.addAll(plugin.extensions(type));
        }
        return Collections.unmodifiableList(handles);
    }

    /** @return the names of the loaded plugins, dependencies before dependents */
    public List<String> namesInLoadOrder() {
        return inLoadOrder.values().stream().map(LoadedPlugin::name).toList();
    }

    /** @return the loaded plugin whose module has that name, if any */
    Optional<String> pluginOfModule(String module) {
        return Optional.ofNullable(pluginByModule.get(module));
    }

    private Collection<LoadedPlugin> inLoadOrder() {
        return inLoadOrder.values();
    }
}
