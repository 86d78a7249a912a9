package io.pluginhost.host;

/**
 * An event on the plugins' event bus, fired as a CDI event other beans can {@code @Observes}. The
 * payload is the plugin's object, delivered synchronously on the emitting thread: an observer that
 * keeps anything should keep a copy (e.g. serialized to JSON), never the object itself, or an
 * unloaded plugin's class loader stays in memory.
 *
 * @param name   the event name, e.g. {@code data:processed}
 * @param data   the payload, possibly {@code null}
 * @param source the emitting plugin, or {@code null} for the host
 */
public record PluginBusEvent(String name, Object data, String source) {
}
