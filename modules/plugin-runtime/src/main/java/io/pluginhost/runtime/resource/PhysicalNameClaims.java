package io.pluginhost.runtime.resource;

import io.pluginhost.api.exception.InvalidNameException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which loaded plugin holds each physical table, topic and bucket name. The naming rules already
 * make the mapping injective ({@link ResourceKind}); this is the second check, at load, that no
 * physical name is ever handed to two plugins, whatever a future rule or override changes. Cost per
 * plugin: O(its own resources).
 *
 * <p>Not thread-safe: the engine calls it under its lifecycle lock.
 */
public final class PhysicalNameClaims {

    /** Not an {@code EnumMap}, which asks reflection for the kinds: a cold JVM's first load pays for that. */
    private final Map<ResourceKind, Map<String, String>> holders = new HashMap<>();

    /** An empty registry. */
    public PhysicalNameClaims() {
        for (ResourceKind kind : ResourceKind.values()) {
            holders.put(kind, new HashMap<>());
        }
    }

    /**
     * Records every physical name of a plugin, or none of them.
     *
     * @param plugin    the plugin being loaded
     * @param resources its resources in effect
     * @throws InvalidNameException naming the other plugin, if any name is held by another plugin
     */
    public void claim(String plugin, EffectiveResources resources) {
        for (ResourceKind kind : ResourceKind.values()) {
            Map<String, String> held = holders.get(kind);
            for (Map.Entry<String, String> name : resources.of(kind).physicalNames().entrySet()) {
                String holder = held.get(name.getValue());
                if (holder != null && !holder.equals(plugin)) {
                    throw new InvalidNameException("plugin '" + plugin + "': " + kind.noun() + " '" + name.getKey()
                            + "' maps to '" + name.getValue() + "', which plugin '" + holder + "' holds");
                }
            }
        }
        for (ResourceKind kind : ResourceKind.values()) {
            Map<String, String> held = holders.get(kind);
            for (String name : resources.of(kind).physicalNames().values()) {
                held.put(name, plugin);
            }
        }
    }

    /**
     * Forgets every name a plugin held (at unload, or when its load failed).
     *
     * @param plugin    the plugin
     * @param resources the resources it claimed
     */
    public void release(String plugin, EffectiveResources resources) {
        for (ResourceKind kind : ResourceKind.values()) {
            Map<String, String> held = holders.get(kind);
            resources.of(kind).physicalNames().values().forEach(name -> held.remove(name, plugin));
        }
    }

    /**
     * @param kind a resource kind
     * @return the physical names of that kind held now
     */
    public List<String> held(ResourceKind kind) {
        return new ArrayList<>(holders.get(kind).keySet());
    }
}
