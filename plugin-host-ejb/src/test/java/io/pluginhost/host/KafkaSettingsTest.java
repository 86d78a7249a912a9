package io.pluginhost.host;

import io.pluginhost.resource.kafka.KafkaConnection;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the host reads its Kafka settings from MicroProfile Config ({@code pluginhost.kafka.*}). */
class KafkaSettingsTest {

    @Test
    void unsetPartitionsAndReplicationAreTheClustersOwnNotOne() {
        KafkaConnection connection = PluginHost.kafkaConnection(TestConfig.of(Map.of(), Map.of()), "kafka:9092");

        assertThat(connection.partitions()).isEqualTo(KafkaConnection.CLUSTER_DEFAULT);
        assertThat(connection.replicationFactor()).isEqualTo(KafkaConnection.CLUSTER_DEFAULT);
        assertThat(PluginHost.kafkaConnection(TestConfig.of(Map.of(), Map.of("pluginhost.kafka.partitions", "6",
                "pluginhost.kafka.replication-factor", "3")), "kafka:9092"))
                .extracting(KafkaConnection::partitions, KafkaConnection::replicationFactor)
                .containsExactly(6, (short) 3);
    }

    @Test
    void theConsumerCapIs32UnlessSet() {
        assertThat(PluginHost.kafkaConnection(TestConfig.of(Map.of(), Map.of()), "kafka:9092").maxConsumersPerPlugin())
                .isEqualTo(32);
        assertThat(PluginHost.kafkaConnection(TestConfig.of(Map.of(),
                        Map.of("pluginhost.kafka.max-consumers-per-plugin", "64")),
                "kafka:9092").maxConsumersPerPlugin()).isEqualTo(64);
    }

    @Test
    void clientSettingsAndASaslLogInReachEveryClient() {
        KafkaConnection connection = PluginHost.kafkaConnection(TestConfig.of(Map.of(), Map.of(
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
        assertThatThrownBy(() -> PluginHost.kafkaConnection(TestConfig.of(Map.of(), Map.of(
                "pluginhost.kafka.client.group.instance.id", "node-1")), "kafka:9092"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'group.instance.id'");
        assertThatThrownBy(() -> PluginHost.kafkaConnection(TestConfig.of(Map.of(), Map.of(
                "pluginhost.kafka.sasl.mechanism", "PLAIN")), "kafka:9092"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user name and a password");
    }
}
