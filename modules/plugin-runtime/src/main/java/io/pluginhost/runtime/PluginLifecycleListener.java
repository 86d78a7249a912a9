package io.pluginhost.runtime;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.PluginException;

import java.nio.file.Path;

/**
 * Observes the engine: plugins loaded, unloaded, and errors (a failed load, reload or unload, a
 * listener or handler that threw), and plugins whose own health check turned. Called synchronously on
 * the thread that caused the event, after the change; an exception thrown here is logged and ignored.
 * Everything passed is safe to keep: it holds no plugin class (plugin exceptions arrive as detached
 * copies).
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

    /**
     * Called on the thread that asked ({@link PluginManager#health}) when a plugin's answer turned from up to
     * down or back, or was down the first time it was asked; once per turn, whoever asked.
     *
     * @param plugin the plugin, with what it said in {@link PluginInfo#health()}
     */
    default void pluginHealthChanged(PluginInfo plugin) {
    }
}
