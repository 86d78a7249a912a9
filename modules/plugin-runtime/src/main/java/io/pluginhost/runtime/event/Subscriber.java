package io.pluginhost.runtime.event;

import io.pluginhost.api.EventListener;
import io.pluginhost.api.PluginEvent;

import java.util.function.BiConsumer;

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
     * @param depth    the emitting thread's call depth ({@link CallDepth#current()}, read once per event)
     */
    void deliver(EventListener listener, PluginEvent event, CallDepth depth);

    /**
     * A subscriber for host code: always accepts subscriptions and runs listeners on the emitting
     * thread with {@code contextLoader} as its context class loader (an event a plugin emits arrives
     * with the plugin's; host code must never run, or start a thread, under it), handing an exception
     * to {@code onFailure}. An error counts as a failure too (a stack overflow writing a cyclic payload
     * as JSON, say): it is the host's, not the emitting plugin's, and must not fail the plugin's
     * {@code emit} or keep the event from the listeners after it. Only a virtual machine error other
     * than a stack overflow (out of memory) passes on.
     *
     * @param name          the subscriber's name, or {@code null} for the host (receives every event)
     * @param contextLoader the host's class loader
     * @param onFailure     what to do when a listener throws
     * @return the subscriber
     */
    static Subscriber direct(String name, ClassLoader contextLoader, BiConsumer<PluginEvent, Throwable> onFailure) {
        return new Subscriber() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean acceptsSubscriptions() {
                return true;
            }

            @Override
            public void deliver(EventListener listener, PluginEvent event, CallDepth depth) {
                Thread thread = Thread.currentThread();
                ClassLoader previous = thread.getContextClassLoader();
                thread.setContextClassLoader(contextLoader);
                try {
                    listener.onEvent(event);
                } catch (Throwable t) {
                    if (t instanceof VirtualMachineError error && !(error instanceof StackOverflowError)) {
                        throw error;
                    }
                    onFailure.accept(event, t);
                } finally {
                    thread.setContextClassLoader(previous);
                }
            }
        };
    }
}
