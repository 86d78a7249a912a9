package io.pluginhost.api;

import java.util.Objects;

/**
 * An event on the {@link EventBus}.
 *
 * @param name   the event name, e.g. {@code "data:processed"}
 * @param data   the payload, possibly {@code null}
 * @param source the name of the emitting plugin, or {@code null} when the host emitted it (for
 *               example an event that arrived from another node)
 */
public record PluginEvent(String name, Object data, String source) {

    /** Requires a name. */
    public PluginEvent {
        Objects.requireNonNull(name, "name");
    }
}
