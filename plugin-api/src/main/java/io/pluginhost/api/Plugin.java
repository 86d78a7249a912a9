package io.pluginhost.api;

/**
 * A plugin: the service a plugin module provides ({@code provides io.pluginhost.api.Plugin with ...}).
 *
 * <p>The provider class must carry {@link PluginMetadata}; the host reads it without loading the
 * class, validates it, and only then instantiates the provider through its public no-argument
 * constructor (or a {@code public static provider()} method). Every method is optional. Do the work
 * of starting in {@link #initialize}: a static initializer or a constructor that does more than set
 * fields to constants and new collections runs on the host's lifecycle thread within the initialize
 * deadline, like {@code initialize} itself, and costs the load a thread hand-off.
 *
 * <p>Lifecycle: {@link #initialize} once after load; {@link #execute} (and {@link #health}) any number of
 * times, possibly concurrently; {@link #cleanup} once on unload. The host removes the plugin's event listeners,
 * closes its repositories and invalidates its context by itself: implement {@code cleanup} only for
 * resources the plugin created on its own (threads, files, timers).
 */
public interface Plugin {

    /**
     * Called once after the plugin is loaded and before it is visible to other plugins or callers.
     * Throwing here aborts the load: the host rolls back everything (listeners, repositories,
     * the module layer) and reports the failure.
     *
     * @param context the plugin's view of the host; valid until the plugin is unloaded
     * @throws Exception to refuse to start
     */
    default void initialize(PluginContext context) throws Exception {
    }

    /**
     * Called once on unload, after the plugin's event listeners have been removed, its calls in flight
     * have ended, and while its context is still valid. (An operator may unload by force a plugin whose
     * call never returns: that call then goes on beside {@code cleanup}.) The plugin is unloaded even if
     * this throws.
     *
     * @throws Exception reported to the caller of unload; the unload still completes
     */
    default void cleanup() throws Exception {
    }

    /**
     * Does the plugin's work for a caller (an operator, a REST client, another bean).
     *
     * <p>Input and result should be JSON-shaped values ({@code null}, {@link String},
     * {@link Number}, {@link Boolean}, {@link java.util.List}, {@link java.util.Map} with string
     * keys) so that they can cross a REST or JMS boundary. May be called concurrently.
     *
     * @param input the caller's input, possibly {@code null}
     * @return the result, possibly {@code null}
     * @throws Exception reported to the caller as a plugin execution failure
     */
    default Object execute(Object input) throws Exception {
        throw new UnsupportedOperationException(getClass().getName() + " does not implement execute");
    }

    /**
     * Says whether the plugin can do its work now: a cache still warming, a service it calls that does not
     * answer. The host asks each time its readiness is asked (WildFly's {@code /health/ready}), on a thread of
     * its own, and lists the answer there; a plugin that is down makes the node not ready, so that a load
     * balancer sends its requests elsewhere. Answer from what the plugin already knows (a flag its work sets, the
     * outcome of its last call): the host waits a short while (half a second by default), counts a check that
     * has not answered by then, or throws, as down, and asks a check still running no second time until it has
     * answered. May be called concurrently with {@link #execute}. A plugin that does not implement it is not
     * asked.
     *
     * @return {@link PluginHealth#up()} or {@link PluginHealth#down(String)} with why
     * @throws Exception counted as down, with the exception as the reason
     */
    default PluginHealth health() throws Exception {
        return PluginHealth.up();
    }
}
