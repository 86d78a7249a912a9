package io.pluginhost.runtime.event;

import io.pluginhost.api.EventListener;
import io.pluginhost.api.PluginEvent;

/**
 * Who owns subscriptions on the {@link EventHub}: a loaded plugin, or a host component (the
 * CDI/JMS bridge). The owner decides how its listeners run (context class loader, call gate) and
 * what happens when one throws.
 */
public interface Subscriber {

    /** @return the owning plugin's name, or {@code null} for the host */
    String name();

    /** @return whether the owner may still subscribe (false once it is unloading) */
    boolean acceptsSubscriptions();

    /**
     * Runs one listener for one event. Must not throw.
     *
     * @param listener the listener
     * @param event    the event
     */
    void deliver(EventListener listener, PluginEvent event);
}
