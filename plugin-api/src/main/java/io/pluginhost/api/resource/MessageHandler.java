package io.pluginhost.api.resource;

/** Receives records from a {@link KafkaRepository} consumer, on a host thread. */
@FunctionalInterface
public interface MessageHandler {

    /**
     * @param message one received record
     * @throws Exception reported as an error of the plugin; the consumer keeps running, and the record is
     *                   tried again, skipped or dead-lettered as the subscription's {@link RetryPolicy} says
     */
    void onMessage(ReceivedMessage message) throws Exception;
}
