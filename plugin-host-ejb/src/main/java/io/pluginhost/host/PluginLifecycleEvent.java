package io.pluginhost.host;

/**
 * A plugin was loaded, unloaded, or failed, or its own health check turned: fired as a CDI event other beans can
 * {@code @Observes}. Holds only text, so an observer that keeps it keeps no plugin in memory.
 *
 * @param kind       what happened
 * @param pluginName the plugin, or {@code null} if a jar failed before its name was known
 * @param version    its version, or {@code null}
 * @param message    the error text for {@link Kind#FAILED}; {@code UP} or {@code DOWN: <why>} for
 *                   {@link Kind#HEALTH}; otherwise {@code null}
 */
public record PluginLifecycleEvent(Kind kind, String pluginName, String version, String message) {

    /** What happened to a plugin. */
    public enum Kind {
        /** Loaded and initialized. */
        LOADED,
        /** Unloaded. */
        UNLOADED,
        /** A load, reload or unload failed, or plugin code failed at run time. */
        FAILED,
        /**
         * A loaded plugin's answer to its health check turned from up to down or back (or was down the first
         * time it was asked), when the readiness check or an operator asked.
         */
        HEALTH
    }
}
