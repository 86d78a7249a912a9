package io.pluginhost.api;

/** Receives events from the {@link EventBus}. */
@FunctionalInterface
public interface EventListener {

    /**
     * Handles one event. Runs on the emitter's thread; keep it short.
     *
     * @param event the event
     * @throws Exception reported as an error of the listener's plugin
     */
    void onEvent(PluginEvent event) throws Exception;
}
