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
 * @param sendTimeout         how long {@code sendMessage} waits in all (Kafka's {@code delivery.timeout.ms})
 * @param requestTimeout      how long one request, or waiting for a broker, may take ({@code request.timeout.ms},
 *                            {@code max.block.ms}, {@code default.api.timeout.ms}); at most {@code sendTimeout}
 * @param adminTimeout        how long creating a plugin's topics may hold up its load
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> clientProperties,
                              boolean createMissingTopics, int partitions, short replicationFactor,
                              Duration sendTimeout, Duration requestTimeout, Duration adminTimeout) {

    /** Copies the properties and checks the timeouts nest. */
    public KafkaConnection {
        clientProperties = Map.copyOf(clientProperties);
        if (requestTimeout.compareTo(sendTimeout) > 0 || requestTimeout.toMillis() < 1 || adminTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("Kafka timeouts must be positive and the request timeout at most the"
                    + " send timeout: request " + requestTimeout + ", send " + sendTimeout);
        }
    }

    /**
     * @param bootstrapServers {@code host:port}
     * @return development settings: topics created on load, one partition, replication 1, sends bounded at
     *         20 s, requests at 10 s, topic creation at 5 s (all below the engine's 30 s drain timeout)
     */
    public static KafkaConnection forDevelopment(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of(), true, 1, (short) 1, Duration.ofSeconds(20),
                Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    /** @return these settings with other timeouts */
    public KafkaConnection withTimeouts(Duration send, Duration request, Duration admin) {
        return new KafkaConnection(bootstrapServers, clientProperties, createMissingTopics, partitions,
                replicationFactor, send, request, admin);
    }
}
