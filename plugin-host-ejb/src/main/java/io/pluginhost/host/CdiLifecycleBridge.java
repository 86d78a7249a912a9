package io.pluginhost.host;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginLifecycleListener;
import jakarta.enterprise.event.Event;

import java.nio.file.Path;

/** Turns the engine's lifecycle callbacks into CDI events. */
final class CdiLifecycleBridge implements PluginLifecycleListener {

    private final Event<PluginLifecycleEvent> events;

    CdiLifecycleBridge(Event<PluginLifecycleEvent> events) {
        this.events = events;
    }

    @Override
    public void pluginLoaded(PluginInfo plugin) {
        events.fire(new PluginLifecycleEvent(PluginLifecycleEvent.Kind.LOADED, plugin.name(), plugin.version(), null));
    }

    @Override
    public void pluginUnloaded(PluginDescriptor plugin) {
        events.fire(new PluginLifecycleEvent(PluginLifecycleEvent.Kind.UNLOADED, plugin.name(), plugin.version(),
                null));
    }

    @Override
    public void pluginFailed(String pluginName, Path source, PluginException error) {
        events.fire(new PluginLifecycleEvent(PluginLifecycleEvent.Kind.FAILED, pluginName, null, error.getMessage()));
    }
}
