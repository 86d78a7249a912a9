package io.pluginhost.resource.kafka;

import java.time.Duration;
import java.util.Map;

/**
 * Where the host's Kafka is and how plugins' clients are set up.
 *
 * @param bootstrapServers    {@code host:port,...}
 * @param clientProperties    further client settings (security, timeouts), applied to every client
 * @param createMissingTopics whether to create a plugin's topics when it loads
 * @param partitions          partitions of a created topic
 * @param replicationFactor   replication factor of a created topic
 * @param sendTimeout         how long {@code sendMessage} waits for the broker's acknowledgements
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> clientProperties,
                              boolean createMissingTopics, int partitions, short replicationFactor,
                              Duration sendTimeout) {

    /** Copies the properties. */
    public KafkaConnection {
        clientProperties = Map.copyOf(clientProperties);
    }

    /**
     * @param bootstrapServers {@code host:port}
     * @return development settings: topics created on load, one partition, replication 1, 30 s sends
     */
    public static KafkaConnection forDevelopment(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of(), true, 1, (short) 1, Duration.ofSeconds(30));
    }
}
