package io.pluginhost.runtime.resource;

import io.pluginhost.api.PluginDescriptor;

import java.util.List;

/**
 * The resources a loaded plugin may use: its declaration with the operator's overrides applied.
 *
 * @param tables  tables in effect
 * @param topics  topics in effect
 * @param buckets buckets in effect
 */
public record EffectiveResources(ResourcePolicy tables, ResourcePolicy topics, ResourcePolicy buckets) {

    /**
     * Applies overrides to a declaration and validates every resulting name, logical and physical.
     *
     * @param descriptor the plugin's declaration
     * @param overrides  the overrides, or {@link ResourceOverrides#NONE}
     * @return the resources in effect
     * @throws io.pluginhost.api.exception.InvalidNameException if any name is invalid or maps to an
     *                                                          illegal physical name
     */
    public static EffectiveResources of(PluginDescriptor descriptor, ResourceOverrides overrides) {
        overrides.validateNames();
        return new EffectiveResources(
                policy(descriptor.name(), ResourceKind.TABLE, descriptor.allowedTables(), overrides),
                policy(descriptor.name(), ResourceKind.TOPIC, descriptor.allowedTopics(), overrides),
                policy(descriptor.name(), ResourceKind.BUCKET, descriptor.allowedBuckets(), overrides));
    }

    private static ResourcePolicy policy(String plugin, ResourceKind kind, List<String> declared,
                                         ResourceOverrides overrides) {
        return new ResourcePolicy(plugin, kind, overrides.allowed(kind).orElse(declared), overrides.nameMap(kind));
    }

    /**
     * @param kind a resource kind
     * @return the policy of that kind
     */
    public ResourcePolicy of(ResourceKind kind) {
        return switch (kind) {
            case TABLE -> tables;
            case TOPIC -> topics;
            case BUCKET -> buckets;
        };
    }
}
