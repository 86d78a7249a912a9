package io.pluginhost.runtime.descriptor;

import io.pluginhost.api.PluginDescriptor;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;

/**
 * A plugin jar that has been read and validated, but none of whose code has run.
 *
 * @param path          where it was read from
 * @param module        the module descriptor, parsed once however often the jar loads
 * @param providerClass the class the module provides as {@code io.pluginhost.api.Plugin}
 * @param descriptor    the plugin metadata read from the provider's {@code @PluginMetadata}
 */
public record PluginJar(Path path, ModuleDescriptor module, String providerClass,
                        PluginDescriptor descriptor) {

    /** @return the plugin's name */
    public String name() {
        return descriptor.name();
    }

    /** @return a finder of this jar's module for one load; closing it closes what the load opened */
    public PluginModuleFinder newFinder() {
        return new PluginModuleFinder(path, module);
    }
}
