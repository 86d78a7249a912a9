package io.pluginhost.api.resource;

import io.pluginhost.api.exception.TopicAccessDeniedException;

import java.util.List;

/**
 * Kafka access restricted to the plugin's declared topics. Topic names and consumer group ids are
 * prefixed with the plugin's name, so one plugin can neither read another's topics nor join its
 * consumer groups. Consumers run on host-managed threads and are closed on unload.
 */
public interface KafkaRepository {

    /**
     * Sends messages and returns once the broker has acknowledged all of them.
     *
     * @param topic    a declared logical topic
     * @param messages the messages, sent in order
     * @throws TopicAccessDeniedException if the topic is not declared
     */
    void sendMessage(String topic, List<KafkaMessage> messages);

    /**
     * Creates a consumer that this plugin refers to by {@code consumerId}.
     *
     * @param consumerId the plugin's own id for the consumer
     * @param groupId    the logical consumer group (prefixed by the host)
     */
    void createConsumer(String consumerId, String groupId);

    /**
     * Subscribes a consumer to declared topics and starts delivering to {@code handler} on a host
     * thread. A handler that throws is reported and does not stop the consumer; the record is skipped
     * ({@link RetryPolicy#NONE}).
     *
     * @param consumerId a consumer created by {@link #createConsumer}
     * @param topics     declared logical topics
     * @param handler    receives each record
     * @throws TopicAccessDeniedException if a topic is not declared
     */
    default void subscribe(String consumerId, List<String> topics, MessageHandler handler) {
        subscribe(consumerId, topics, handler, RetryPolicy.NONE);
    }

    /**
     * Subscribes a consumer to declared topics and starts delivering to {@code handler} on a host
     * thread. A record whose handler throws is tried again and then skipped or dead-lettered, as
     * {@code retry} says; each failed try is reported as an error of the plugin.
     *
     * @param consumerId a consumer created by {@link #createConsumer}
     * @param topics     declared logical topics
     * @param handler    receives each record
     * @param retry      what to do with a record whose handler throws
     * @throws TopicAccessDeniedException if a topic, or the dead-letter topic, is not declared
     */
    void subscribe(String consumerId, List<String> topics, MessageHandler handler, RetryPolicy retry);

    /**
     * Stops and closes a consumer.
     *
     * @param consumerId a consumer created by {@link #createConsumer}
     */
    void disconnectConsumer(String consumerId);

    /** @return the logical topic names this plugin may use, as currently in effect */
    List<String> getAllowedTopics();
}
