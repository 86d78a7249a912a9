package io.pluginhost.runtime;

/**
 * What the engine reports about each plugin's work, for a host to turn into metrics (in WildFly,
 * Micrometer meters scraped by Prometheus). Called on the thread doing the work, often a plugin's, so
 * an implementation must be fast, must not block and must not throw; it receives only names and
 * numbers, never a plugin object. Every method does nothing by default.
 */
public interface PluginMetrics {

    /** The kinds {@link #repositoryCall} reports, in a fixed order (implementations index by it). */
    java.util.List<String> REPOSITORY_KINDS = java.util.List.of("database", "kafka", "s3");

    /** The kinds {@link #callbackFailed} reports, in a fixed order (implementations index by it). */
    java.util.List<String> CALLBACK_KINDS = java.util.List.of("listener", "task", "handler", "extension");

    /** Reports nothing. */
    PluginMetrics NONE = new PluginMetrics() {
    };

    /**
     * A call of the plugin's {@code execute} returned or threw.
     *
     * @param plugin the plugin
     * @param nanos  how long it took
     * @param failed whether it threw
     */
    default void executed(String plugin, long nanos, boolean failed) {
    }

    /** The plugin emitted an event on the bus. */
    default void emitted(String plugin, String event) {
    }

    /** One of the plugin's listeners received an event. */
    default void received(String plugin) {
    }

    /**
     * The plugin called one of its repositories.
     *
     * @param plugin the plugin
     * @param kind   {@code database}, {@code kafka} or {@code s3}
     * @param failed whether the call threw
     */
    default void repositoryCall(String plugin, String kind, boolean failed) {
    }

    /**
     * Plugin code that no caller waits for threw, or was refused for going too deep; the engine
     * reported it to the lifecycle listeners as the plugin's error and went on.
     *
     * @param plugin the plugin
     * @param kind   {@code listener} (an event listener), {@code task} (a run of a scheduled task),
     *               {@code handler} (what a repository calls back, a Kafka record handler) or
     *               {@code extension} (making an implementation of an extension point another plugin asked for)
     */
    default void callbackFailed(String plugin, String kind) {
    }

    /** The plugin was loaded (read, validated, assembled, initialized) in {@code nanos}. */
    default void loaded(String plugin, long nanos) {
    }

    /** The plugin was unloaded (drained, cleaned up, torn down) in {@code nanos}. */
    default void unloaded(String plugin, long nanos) {
    }

    /**
     * The plugin's own health check answered when the host asked (a readiness probe, an operator): up or down,
     * at each answer; nothing is reported of a plugin that has no check of its own.
     *
     * @param plugin the plugin
     * @param up     whether it said it can do its work
     */
    default void health(String plugin, boolean up) {
    }
}
