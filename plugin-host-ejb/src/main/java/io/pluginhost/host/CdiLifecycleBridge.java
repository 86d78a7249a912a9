package io.pluginhost.host;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginLifecycleListener;
import jakarta.enterprise.event.Event;

import java.nio.file.Path;

/**
 * Turns the engine's lifecycle callbacks into CDI events, fired on the host's relay thread: a failure
 * report can come from a plugin's thread (a listener that threw), where host code must not run.
 */
final class CdiLifecycleBridge implements PluginLifecycleListener {

    private final Event<PluginLifecycleEvent> events;
    private final HostEventRelay relay;

    CdiLifecycleBridge(Event<PluginLifecycleEvent> events, HostEventRelay relay) {
        this.events = events;
        this.relay = relay;
    }

    private void fire(PluginLifecycleEvent event) {
        relay.relay(() -> events.fire(event));
    }

    @Override
    public void pluginLoaded(PluginInfo plugin) {
        fire(new PluginLifecycleEvent(PluginLifecycleEvent.Kind.LOADED, plugin.name(), plugin.version(), null));
    }

    @Override
    public void pluginUnloaded(PluginDescriptor plugin) {
        fire(new PluginLifecycleEvent(PluginLifecycleEvent.Kind.UNLOADED, plugin.name(), plugin.version(),
                null));
    }

    @Override
    public void pluginFailed(String pluginName, Path source, PluginException error) {
        fire(new PluginLifecycleEvent(PluginLifecycleEvent.Kind.FAILED, pluginName, null, error.getMessage()));
    }

    @Override
    public void pluginHealthChanged(PluginInfo plugin) {
        plugin.health().ifPresent(known -> fire(new PluginLifecycleEvent(PluginLifecycleEvent.Kind.HEALTH,
                plugin.name(), plugin.version(), known.said().isUp() ? "UP" : "DOWN: " + known.said().reason())));
    }
}
