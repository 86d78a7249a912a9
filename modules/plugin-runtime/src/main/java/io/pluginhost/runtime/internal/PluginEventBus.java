package io.pluginhost.runtime.internal;

import io.pluginhost.api.EventBus;
import io.pluginhost.api.EventListener;
import io.pluginhost.runtime.event.EventHub;
import io.pluginhost.runtime.event.Subscriber;

/**
 * One plugin's view of the {@link EventHub}: emits with the plugin as source and subscribes with
 * the plugin as owner, so unload can remove exactly its listeners. Fails once the context is
 * invalidated.
 */
public final class PluginEventBus implements EventBus {

    private final EventHub hub;
    private final Subscriber owner;
    private final ScopedPluginContext context;

    private final MetricsRelay metrics;
    /**
     * @param hub     the hub
     * @param owner   the plugin, as subscriber
     * @param context the plugin's context, for validity
     * @param metrics where its emits are counted
     */
    public PluginEventBus(EventHub hub, Subscriber owner, ScopedPluginContext context, MetricsRelay metrics) {
        this.metrics = metrics;
        this.hub = hub;
        this.owner = owner;
        this.context = context;
    }

    @Override
    public void emit(String event, Object data) {
        context.ensureValid();
        metrics.emitted(owner.name(), event);
        hub.emit(owner.name(), event, data);
    }

    @Override
    public void on(String pattern, EventListener listener) {
        subscribe(pattern, listener, false);
    }

    @Override
    public void once(String pattern, EventListener listener) {
        subscribe(pattern, listener, true);
    }

    @Override
    public boolean off(String pattern, EventListener listener) {
        context.ensureValid();
        return hub.unsubscribe(owner, pattern, listener);
    }

    private void subscribe(String pattern, EventListener listener, boolean once) {
        context.ensureValid();
        if (!hub.subscribe(owner, pattern, listener, once)) {
            // The plugin is unloading: its context is about to be invalidated.
            context.invalidate();
            context.ensureValid();
        }
    }
}
