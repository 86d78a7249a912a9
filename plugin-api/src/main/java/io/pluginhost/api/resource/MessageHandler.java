package io.pluginhost.api.resource;

/** Receives records from a {@link KafkaRepository} consumer, on a host thread. */
@FunctionalInterface
public interface MessageHandler {

    /**
     * @param message one received record
     * @throws Exception reported as an error of the plugin; the consumer keeps running
     */
    void onMessage(ReceivedMessage message) throws Exception;
}
