package io.pluginhost.runtime.descriptor;

import io.pluginhost.api.PluginDescriptor;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;

/**
 * A plugin jar that has been read and validated, but none of whose code has run.
 *
 * @param path          where it was read from
 * @param finder        finds exactly this jar's module; reused to resolve the plugin's layer so the
 *                      module descriptor is parsed once
 * @param module        the module descriptor
 * @param providerClass the class the module provides as {@code io.pluginhost.api.Plugin}
 * @param descriptor    the plugin metadata read from the provider's {@code @PluginMetadata}
 */
public record PluginJar(Path path, ModuleFinder finder, ModuleDescriptor module, String providerClass,
                        PluginDescriptor descriptor) {

    /** @return the plugin's name */
    public String name() {
        return descriptor.name();
    }
}
