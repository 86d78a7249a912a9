package io.pluginhost.resource.kafka;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the host's Kafka is and how plugins' clients are set up.
 *
 * @param bootstrapServers    {@code host:port,...}
 * @param clientProperties    further client settings (TLS, SASL, anything Kafka's clients take), applied to
 *                            every client; none of {@link #HOST_SETTINGS}
 * @param createMissingTopics whether to create a plugin's topics when it loads
 * @param partitions          partitions of a created topic, or {@link #CLUSTER_DEFAULT}
 * @param replicationFactor   replication factor of a created topic, or {@link #CLUSTER_DEFAULT}
 * @param sendTimeout         how long {@code sendMessage} waits in all (Kafka's {@code delivery.timeout.ms})
 * @param requestTimeout      how long one request, or waiting for a broker, may take ({@code request.timeout.ms},
 *                            {@code max.block.ms}, {@code default.api.timeout.ms}); at most {@code sendTimeout}
 * @param adminTimeout        how long creating a plugin's topics may hold up its load
 * @param maxConsumersPerPlugin how many consumers one plugin may hold at once (each a client and, subscribed,
 *                            a host thread)
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> clientProperties,
                              boolean createMissingTopics, int partitions, short replicationFactor,
                              Duration sendTimeout, Duration requestTimeout, Duration adminTimeout,
                              int maxConsumersPerPlugin) {

    /**
     * Client settings the host sets itself, per plugin or from its own keys: a plugin's consumer group is
     * its prefixed name, offsets are committed by the host after the handler ran, texts are UTF-8 strings,
     * every send waits for all replicas, and every wait on the network sits below the engine's drain
     * timeout. One of them among the client settings would be ignored, or would join every plugin's
     * consumers into one static member or transaction; it is refused instead.
     */
    public static final Set<String> HOST_SETTINGS = Set.of("bootstrap.servers", "group.id", "group.instance.id",
            "client.id", "transactional.id", "enable.auto.commit", "auto.offset.reset", "acks", "key.serializer",
            "value.serializer", "key.deserializer", "value.deserializer", "request.timeout.ms", "max.block.ms",
            "default.api.timeout.ms", "delivery.timeout.ms");

    /**
     * @return the names of the settings Kafka's producer, consumer and admin clients take, but the
     *         {@link #HOST_SETTINGS}: what an operator may give every client of the host
     */
    public static Set<String> clientSettingNames() {
        Set<String> names = new TreeSet<>(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        names.removeAll(HOST_SETTINGS);
        return Collections.unmodifiableSet(names);
    }

    /**
     * Partitions or replication factor of a created topic as the cluster sets them ({@code num.partitions},
     * {@code default.replication.factor}), as Kafka's protocol writes "not given".
     */
    public static final short CLUSTER_DEFAULT = -1;

    /**
     * Consumers one plugin may hold unless the operator says otherwise: one consumer reads any number of
     * topics, so a plugin needs more only for separate groups, and each costs a client and a thread.
     */
    public static final int DEFAULT_MAX_CONSUMERS_PER_PLUGIN = 32;

    /**
     * Copies the properties, refuses the host's own settings among them, and checks the topics' shape and
     * that the timeouts nest.
     */
    public KafkaConnection {
        if ((partitions < 1 && partitions != CLUSTER_DEFAULT)
                || (replicationFactor < 1 && replicationFactor != CLUSTER_DEFAULT)) {
            throw new IllegalArgumentException("Kafka: a created topic's partitions and replication factor are at"
                    + " least 1, or unset for the cluster's defaults: partitions " + partitions + ", replication "
                    + replicationFactor);
        }
        clientProperties = Map.copyOf(clientProperties);
        for (String key : clientProperties.keySet()) {
            if (HOST_SETTINGS.contains(key)) {
                throw new IllegalArgumentException("Kafka client setting '" + key + "' is the host's own (it is set"
                        + " per plugin, or by a pluginhost.kafka key): remove it");
            }
        }
        if (requestTimeout.compareTo(sendTimeout) > 0 || requestTimeout.toMillis() < 1 || adminTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("Kafka timeouts must be positive and the request timeout at most the"
                    + " send timeout: request " + requestTimeout + ", send " + sendTimeout);
        }
        if (maxConsumersPerPlugin < 1) {
            throw new IllegalArgumentException("Kafka: a plugin may hold at least 1 consumer; got "
                    + maxConsumersPerPlugin);
        }
    }

    /** The default consumer cap ({@link #DEFAULT_MAX_CONSUMERS_PER_PLUGIN}). */
    public KafkaConnection(String bootstrapServers, Map<String, String> clientProperties, boolean createMissingTopics,
                           int partitions, short replicationFactor, Duration sendTimeout, Duration requestTimeout,
                           Duration adminTimeout) {
        this(bootstrapServers, clientProperties, createMissingTopics, partitions, replicationFactor, sendTimeout,
                requestTimeout, adminTimeout, DEFAULT_MAX_CONSUMERS_PER_PLUGIN);
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

    /**
     * @param login a user name and password to log in to the brokers with
     * @return these settings, every client logging in; over TLS ({@code SASL_SSL}) unless the client settings
     *         name another SASL protocol
     * @throws IllegalArgumentException if the client settings already set a SASL log-in, or a protocol without
     *                                  SASL
     */
    public KafkaConnection withSasl(SaslLogin login) {
        if (clientProperties.containsKey("sasl.jaas.config") || clientProperties.containsKey("sasl.mechanism")) {
            throw new IllegalArgumentException("Kafka: a SASL user name and password, and sasl.mechanism or"
                    + " sasl.jaas.config among the client settings: set one or the other");
        }
        String protocol = clientProperties.getOrDefault("security.protocol", "SASL_SSL");
        if (!protocol.equals("SASL_SSL") && !protocol.equals("SASL_PLAINTEXT")) {
            throw new IllegalArgumentException("Kafka: a SASL user name and password over security.protocol "
                    + protocol + ", which has no SASL: use SASL_SSL (or SASL_PLAINTEXT on a trusted network)");
        }
        Map<String, String> properties = new HashMap<>(clientProperties);
        properties.putAll(login.clientProperties());
        properties.put("security.protocol", protocol);
        return new KafkaConnection(bootstrapServers, properties, createMissingTopics, partitions, replicationFactor,
                sendTimeout, requestTimeout, adminTimeout, maxConsumersPerPlugin);
    }

    /** Never prints a client setting's value: {@code sasl.jaas.config} and key store passwords are among them. */
    @Override
    public String toString() {
        return "KafkaConnection[bootstrapServers=" + bootstrapServers + ", clientSettings="
                + new java.util.TreeSet<>(clientProperties.keySet()) + ", createMissingTopics=" + createMissingTopics
                + ", partitions=" + partitions + ", replicationFactor=" + replicationFactor + ", sendTimeout="
                + sendTimeout + ", requestTimeout=" + requestTimeout + ", adminTimeout=" + adminTimeout
                + ", maxConsumersPerPlugin=" + maxConsumersPerPlugin + "]";
    }

    /** @return these settings with other timeouts */
    public KafkaConnection withTimeouts(Duration send, Duration request, Duration admin) {
        return new KafkaConnection(bootstrapServers, clientProperties, createMissingTopics, partitions,
                replicationFactor, send, request, admin, maxConsumersPerPlugin);
    }

    /** @return these settings with another cap on the consumers one plugin may hold */
    public KafkaConnection withMaxConsumersPerPlugin(int consumers) {
        return new KafkaConnection(bootstrapServers, clientProperties, createMissingTopics, partitions,
                replicationFactor, sendTimeout, requestTimeout, adminTimeout, consumers);
    }
}
