package io.pluginhost.host;

/**
 * An event on the plugins' event bus, fired as a CDI event other beans can {@code @Observes}. It is
 * fired on the host's relay thread, after the emit returned, in emit order; the payload is a copy in
 * plain JSON values (maps, lists, strings, numbers, booleans), never the plugin's own object.
 *
 * @param name   the event name, e.g. {@code data:processed}
 * @param data   the payload as JSON values, possibly {@code null}
 * @param source the emitting plugin, or {@code null} for the host
 */
public record PluginBusEvent(String name, Object data, String source) {
}
