package io.pluginhost.runtime.lifecycle;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginState;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.PhysicalNameClaims;
import io.pluginhost.runtime.resource.ResourceOverrides;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the engine knows about plugins: the loaded ones, the ones that failed to come back, the
 * operator's overrides (kept across unloads) and which physical resource names are taken.
 *
 * <p>Concurrency: the maps are concurrent so queries and calls ({@code find}, {@code list},
 * {@code execute}) never wait for a lifecycle operation; every change is made by the engine under its
 * lifecycle lock, so changes never race each other. A plugin is added only once it initialized and
 * removed before its cleanup runs.
 */
public final class PluginRegistry {

    private final Map<String, LoadedPlugin> loaded = new ConcurrentHashMap<>();
    private final Map<String, PluginInfo> failed = new ConcurrentHashMap<>();
    private final Map<String, ResourceOverrides> overrides = new ConcurrentHashMap<>();
    private final PhysicalNameClaims claims = new PhysicalNameClaims();

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
        loaded.put(plugin.name(), plugin);
        failed.remove(plugin.name());
    }

    /** Removes a plugin about to be torn down, and its names. */
    public void remove(LoadedPlugin plugin) {
        loaded.remove(plugin.name(), plugin);
        claims.release(plugin.name(), plugin.resources());
    }

    /** Lists a plugin that was loaded and did not come back (a failed reload), so it can be retried. */
    public void markFailed(PluginDescriptor descriptor, Path source, String why) {
        failed.put(descriptor.name(), new PluginInfo(descriptor, PluginState.FAILED, source, List.of(), Map.of(),
                Map.of(), Map.of(), Instant.now(), Optional.of(why)));
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
        List<String> dependents = loaded.values().stream()
                .filter(p -> p.descriptor().dependencies().contains(plugin.name()))
                .map(LoadedPlugin::name).sorted().toList();
        return new PluginInfo(plugin.descriptor(), PluginState.LOADED, plugin.source(), dependents,
                plugin.resources().tables().physicalNames(), plugin.resources().topics().physicalNames(),
                plugin.resources().buckets().physicalNames(), plugin.loadedAt(), Optional.empty());
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

    /** @return the loaded plugins' descriptors by name, in load order */
    public Map<String, PluginDescriptor> descriptors() {
        Map<String, PluginDescriptor> descriptors = new LinkedHashMap<>();
        inLoadOrder().forEach(p -> descriptors.put(p.name(), p.descriptor()));
        return descriptors;
    }

    /** @return the loaded plugins by the name of their module */
    Map<String, String> pluginByModule() {
        Map<String, String> byModule = new LinkedHashMap<>();
        loaded.values().forEach(p -> byModule.put(p.layer().module().getName(), p.name()));
        return byModule;
    }

    private List<LoadedPlugin> inLoadOrder() {
        return loaded.values().stream()
                .sorted(Comparator.comparing(LoadedPlugin::loadedAt).thenComparing(LoadedPlugin::name))
                .toList();
    }
}
