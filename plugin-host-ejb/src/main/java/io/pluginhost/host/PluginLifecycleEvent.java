package io.pluginhost.host;

/**
 * A plugin was loaded, unloaded, or failed: fired as a CDI event other beans can
 * {@code @Observes}. Holds only text, so an observer that keeps it keeps no plugin in memory.
 *
 * @param kind       what happened
 * @param pluginName the plugin, or {@code null} if a jar failed before its name was known
 * @param version    its version, or {@code null}
 * @param message    the error text for {@link Kind#FAILED}, otherwise {@code null}
 */
public record PluginLifecycleEvent(Kind kind, String pluginName, String version, String message) {

    /** What happened to a plugin. */
    public enum Kind {
        /** Loaded and initialized. */
        LOADED,
        /** Unloaded. */
        UNLOADED,
        /** A load, reload or unload failed, or plugin code failed at run time. */
        FAILED
    }
}
