package io.pluginhost.host;

import io.pluginhost.resource.kafka.KafkaConnection;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the host reads its Kafka settings from MicroProfile Config ({@code pluginhost.kafka.*}). */
class KafkaSettingsTest {

    /** MicroProfile Config over a map, with the conversions the host asks for. */
    private record MapConfig(Map<String, String> values) implements Config {

        @Override
        public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
            return Optional.ofNullable(values.get(name)).map(text -> type.cast(switch (type.getSimpleName()) {
                case "String" -> text;
                case "Boolean" -> Boolean.valueOf(text);
                case "Integer" -> Integer.valueOf(text);
                case "Short" -> Short.valueOf(text);
                case "Duration" -> Duration.parse(text);
                default -> throw new IllegalArgumentException(type.getName());
            }));
        }

        @Override
        public <T> T getValue(String name, Class<T> type) {
            return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
        }

        @Override
        public ConfigValue getConfigValue(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Iterable<String> getPropertyNames() {
            return values.keySet();
        }

        @Override
        public Iterable<ConfigSource> getConfigSources() {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> Optional<Converter<T>> getConverter(Class<T> type) {
            return Optional.empty();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void unsetPartitionsAndReplicationAreTheClustersOwnNotOne() {
        KafkaConnection connection = PluginHost.kafkaConnection(new MapConfig(Map.of()), "kafka:9092");

        assertThat(connection.partitions()).isEqualTo(KafkaConnection.CLUSTER_DEFAULT);
        assertThat(connection.replicationFactor()).isEqualTo(KafkaConnection.CLUSTER_DEFAULT);
        assertThat(PluginHost.kafkaConnection(new MapConfig(Map.of("pluginhost.kafka.partitions", "6",
                "pluginhost.kafka.replication-factor", "3")), "kafka:9092"))
                .extracting(KafkaConnection::partitions, KafkaConnection::replicationFactor)
                .containsExactly(6, (short) 3);
    }

    @Test
    void theConsumerCapIs32UnlessSet() {
        assertThat(PluginHost.kafkaConnection(new MapConfig(Map.of()), "kafka:9092").maxConsumersPerPlugin())
                .isEqualTo(32);
        assertThat(PluginHost.kafkaConnection(new MapConfig(Map.of("pluginhost.kafka.max-consumers-per-plugin", "64")),
                "kafka:9092").maxConsumersPerPlugin()).isEqualTo(64);
    }

    @Test
    void clientSettingsAndASaslLogInReachEveryClient() {
        KafkaConnection connection = PluginHost.kafkaConnection(new MapConfig(Map.of(
                "pluginhost.kafka.client.ssl.truststore.location", "/etc/kafka/truststore.p12",
                "pluginhost.kafka.client.", "ignored: no setting named",
                "pluginhost.kafka.sasl.mechanism", "SCRAM-SHA-256",
                "pluginhost.kafka.sasl.username", "svc",
                "pluginhost.kafka.sasl.password", "pw",
                "pluginhost.kafka.request-timeout", "PT3S")), "kafka:9093");

        assertThat(connection.clientProperties()).containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsKey("sasl.jaas.config").hasSize(4);
        assertThat(connection.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aClientSettingTheHostOwnsStopsTheStartWithItsName() {
        assertThatThrownBy(() -> PluginHost.kafkaConnection(new MapConfig(Map.of(
                "pluginhost.kafka.client.group.instance.id", "node-1")), "kafka:9092"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'group.instance.id'");
        assertThatThrownBy(() -> PluginHost.kafkaConnection(new MapConfig(Map.of(
                "pluginhost.kafka.sasl.mechanism", "PLAIN")), "kafka:9092"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user name and a password");
    }
}
