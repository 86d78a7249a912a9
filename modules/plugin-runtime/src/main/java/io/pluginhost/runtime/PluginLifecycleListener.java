package io.pluginhost.runtime;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.PluginException;

import java.nio.file.Path;

/**
 * Observes the engine: plugins loaded, unloaded, and errors (a failed load, reload or unload, a
 * listener or handler that threw). Called synchronously on the thread that caused the event, after
 * the change; an exception thrown here is logged and ignored. Everything passed is safe to keep: it
 * holds no plugin class (plugin exceptions arrive as detached copies).
 */
public interface PluginLifecycleListener {

    /** @param plugin the plugin that is now loaded and initialized */
    default void pluginLoaded(PluginInfo plugin) {
    }

    /** @param plugin the plugin that is now unloaded */
    default void pluginUnloaded(PluginDescriptor plugin) {
    }

    /**
     * @param pluginName the plugin concerned, or {@code null} if the jar could not be read far
     *                   enough to know its name
     * @param source     the jar concerned, or {@code null} for a failure at run time
     * @param error      what went wrong
     */
    default void pluginFailed(String pluginName, Path source, PluginException error) {
    }
}
